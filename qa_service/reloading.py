"""Policy updates without downtime: build the new Engine beside the old one, then swap.

A reload runs on SIGHUP (when the CLI serves) and on `POST /admin/reload` with
`Authorization: Bearer $POLICY_QA_ADMIN_TOKEN` (the route exists only when the token is set).
The build runs in a thread so the loop keeps serving; a policy or intent file that fails to
load is rejected, logged, and the previous engine keeps answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from pathlib import Path

from aiohttp import web

from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.errors import Problem, ReloadError, problem_response
from qa_service.serialise import json_reply
from qa_service.state import ENGINE, SETTINGS, EngineRef

log = logging.getLogger("qa_service")


def build(settings: Settings, serving: Engine) -> Engine:
    """The engine from the files as they are now; if they fail to load, the reason is logged
    and ReloadError raised, and the caller keeps `serving`."""
    try:
        engine = Engine.from_settings(settings)
    except Exception as exc:  # any failure to load must leave the old engine serving
        log.error(
            "policy reload rejected, still serving %r: %s: %s",
            serving.policy.title,
            type(exc).__name__,
            exc,
        )
        raise ReloadError(f"{type(exc).__name__}: {exc}") from exc
    log.info(
        "policy reloaded: %r, %d clauses, %d intents",
        engine.policy.title,
        len(engine.policy.clauses),
        len(engine.routes),
    )
    lost = lost_intents(serving, engine)
    if lost:  # accepted (the files are valid), but probably not what was meant
        log.warning(
            "the reloaded policy has %d intent(s) fewer than before, %d instead of %d: %s",
            len(lost),
            len(engine.routes),
            len(serving.routes),
            ", ".join(lost),
        )
    return engine


def lost_intents(before: Engine, after: Engine) -> list[str]:
    """Intents the engine had before a reload and not after (an intent file deleted or
    emptied), each as "name (file)"."""
    kept = {r.intent.name for r in after.routes}
    return [
        f"{r.intent.name} ({Path(r.intent.source.rpartition(':')[0]).name})"
        for r in before.routes
        if r.intent.name not in kept
    ]


class Reloader:
    def __init__(self, ref: EngineRef, settings: Settings) -> None:
        self.ref = ref
        self.settings = settings
        self.reloads = 0
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def reload(self) -> Engine:
        async with self._lock:  # one build at a time; a second signal waits for the first
            loop = asyncio.get_running_loop()
            engine = await loop.run_in_executor(None, build, self.settings, self.ref.engine)
            self.ref.engine = engine  # one assignment: requests already running keep the old one
            self.reloads += 1
            return engine

    async def _reload_quietly(self) -> None:
        with contextlib.suppress(ReloadError):  # already logged
            await self.reload()

    def schedule(self) -> None:
        task = asyncio.get_running_loop().create_task(self._reload_quietly())
        self._tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(self._tasks.discard)


RELOADER = web.AppKey("reloader", Reloader)


def setup(app: web.Application) -> None:
    """Adds the reloader, and the admin route when an admin token is configured."""
    app[RELOADER] = Reloader(app[ENGINE], app[SETTINGS])
    if app[SETTINGS].admin_token:
        app.router.add_post("/admin/reload", admin_reload)


async def on_sighup(app: web.Application) -> None:
    """An on_startup hook for the served app: SIGHUP reloads the policy."""
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGHUP, app[RELOADER].schedule)

    async def remove(app: web.Application) -> None:
        loop.remove_signal_handler(signal.SIGHUP)

    app.on_cleanup.append(remove)


def _authorised(request: web.Request, token: str) -> bool:
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(
        sent.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8")
    )


async def admin_reload(request: web.Request) -> web.Response:
    token = request.app[SETTINGS].admin_token
    if not token or not _authorised(request, token):
        return problem_response(
            401,
            "Send the admin token as 'Authorization: Bearer <token>'.",
            instance=request.path,
            headers={"WWW-Authenticate": 'Bearer realm="policy-qa admin"'},
        )
    reloader = request.app[RELOADER]
    before = reloader.ref.engine
    try:
        engine = await reloader.reload()
    except ReloadError as exc:
        raise Problem(
            422,
            f"The new policy was rejected and the previous one is still served. {exc}",
            title="Reload rejected",
        ) from None
    return json_reply(
        {
            "status": "reloaded",
            "policy": engine.policy.title,
            "clauses": len(engine.policy.clauses),
            "intents": len(engine.routes),
            "intents_before": len(before.routes),
            "lost_intents": lost_intents(before, engine),
            "reloads": reloader.reloads,
        }
    )
