"""Serving one process, and its graceful shutdown: on SIGTERM, finish every request already
being handled, refuse new ones with 503, then let aiohttp close the connections; the whole of
it within `shutdown_timeout` (what an orchestrator waits before it kills).

aiohttp's own shutdown stops reading from connections first, so a request whose body is still
arriving would wait out the shutdown timeout and fail; draining before that avoids it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.web_response import StreamResponse

from qa_service import limits
from qa_service.config import Settings
from qa_service.errors import problem_response

log = logging.getLogger("qa_service")


class Drain:
    def __init__(self) -> None:
        self.in_flight = 0
        self.draining = False  # stopping for good: new requests get 503
        self.handing_over = False  # another process serves next: answers close connections
        self.idle = asyncio.Event()
        self.idle.set()

    def enter(self) -> None:
        self.in_flight += 1
        self.idle.clear()

    def leave(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self.idle.set()


DRAIN = web.AppKey("drain", Drain)


def setup(app: web.Application) -> None:
    app[DRAIN] = Drain()


@web.middleware
async def middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[StreamResponse]]
) -> StreamResponse:
    drain = request.app[DRAIN]
    if drain.draining:
        refused = problem_response(
            503,
            "The service is restarting. Try again in a moment.",
            instance=request.path,
            headers={"Retry-After": "2"},
        )
        refused.force_close()
        return refused
    drain.enter()
    try:
        response = await handler(request)
    finally:
        drain.leave()
    if drain.handing_over:
        response.force_close()  # "Connection: close": the client's next request goes elsewhere
    return response


def budget(total: float) -> tuple[float, float]:
    """How a shutdown of `total` seconds is spent: (drain, close). Draining waits for the
    requests in flight; then aiohttp closes the connections, waiting up to `close` for a
    handler twice (once to finish, once after cancelling it); a last `close` and up to a
    second are left for the app's own clean-up and the interpreter's exit."""
    close = min(2.0, total / 10)
    return total - 3 * close - min(1.0, total / 4), close


async def drain(app: web.Application, seconds: float) -> None:
    """Refuse new requests (503) and wait up to `seconds` for those in flight."""
    state = app[DRAIN]
    state.draining = True
    log.info("shutting down: finishing %d request(s) in flight", state.in_flight)
    try:
        await asyncio.wait_for(state.idle.wait(), seconds)
    except TimeoutError:
        log.warning("shutting down with %d request(s) unfinished", state.in_flight)


async def hand_over(runner: limits.Runner, seconds: float) -> None:
    """Another process takes over (a gunicorn worker replaced on reload, or stopping): stop
    accepting, keep answering what comes on open connections, each answer closing its
    connection, and return once every connection is closed, or after `seconds`.

    An idle keep-alive connection is not closed here: closing it races a request the client
    may be sending on it at that moment, which would fail. It closes after its next answer,
    or when aiohttp's keep-alive timer (`read_timeout`) ends it, as it would any day."""
    state = runner.app.get(DRAIN)
    if state is not None:
        state.handing_over = True
    for site in list(runner.sites):
        await site.stop()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(runner.cap.all_closed.wait(), seconds)


async def _serve(app: web.Application, settings: Settings) -> None:
    drain_time, close_time = budget(settings.shutdown_timeout)
    runner = limits.Runner(
        app,
        max_connections=settings.max_connections or limits.default_max_connections(),
        handle_signals=False,
        shutdown_timeout=close_time,
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        for address in runner.addresses:  # the port chosen, when asked for port 0
            host, port = address[0], address[1]
            log.info("listening on http://%s:%d/", f"[{host}]" if ":" in host else host, port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await drain(app, drain_time)
    finally:
        await runner.cleanup()


def run(app: web.Application, settings: Settings) -> None:
    """Serve `app` on the settings' host and port until SIGTERM or SIGINT, then drain and stop,
    all within `shutdown_timeout` seconds."""
    asyncio.run(_serve(app, settings))
