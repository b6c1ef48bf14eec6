"""Policy updates without downtime: the admin endpoint, SIGHUP, broken files, requests in
flight during reloads, and SIGTERM letting a request in flight finish."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web

from qa_service.app import create_app
from qa_service.config import DEFAULT_INTENTS, DEFAULT_POLICY, Settings

TOKEN = "s3cret-admin-token"
ADDED = "\n\nWe review this statement every year. Changes are posted on this page.\n"


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    """A copy of the bundled policy under its own name, so its curated intents still load."""
    path = tmp_path / DEFAULT_POLICY.name
    shutil.copy(DEFAULT_POLICY, path)
    return path


@pytest.fixture
def reload_app(policy: Path) -> Callable[..., web.Application]:
    def make(**overrides: Any) -> web.Application:
        return create_app(Settings(policy=policy, rate_limit=0, admin_token=TOKEN, **overrides))

    return make


AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def _clauses(client: Any) -> int:
    response = await client.get("/healthz")
    assert response.status == 200
    return int((await response.json())["clauses"])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer \u00e9t\u00e9"},
    ],
)
async def test_reload_needs_the_token(
    aiohttp_client: Callable[..., Any], reload_app: Callable[..., web.Application], headers: Any
) -> None:
    client = await aiohttp_client(reload_app())
    response = await client.post("/admin/reload", headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = await response.json(content_type="application/problem+json")
    assert body["status"] == 401 and TOKEN not in str(body)


async def test_reload_swaps_in_the_new_policy(
    aiohttp_client: Callable[..., Any],
    reload_app: Callable[..., web.Application],
    policy: Path,
) -> None:
    client = await aiohttp_client(reload_app())
    before = await _clauses(client)
    policy.write_text(policy.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
    response = await client.post("/admin/reload", headers=AUTH)
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "reloaded" and body["reloads"] == 1
    assert body["clauses"] == before + 2 == await _clauses(client)
    search = await client.get("/api/v1/search", params={"q": "review statement every year"})
    assert "every year" in (await search.json())["results"][0]["text"]


@pytest.mark.parametrize("breakage", ["empty-policy", "missing-policy", "bad-intents"])
async def test_a_broken_update_is_rejected_and_the_old_engine_keeps_serving(
    aiohttp_client: Callable[..., Any],
    policy: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    breakage: str,
) -> None:
    intents = tmp_path / "intents"
    shutil.copytree(DEFAULT_INTENTS, intents)
    app = create_app(Settings(policy=policy, intents=intents, rate_limit=0, admin_token=TOKEN))
    client = await aiohttp_client(app)
    before = await _clauses(client)
    if breakage == "empty-policy":
        policy.write_text("  \n", encoding="utf-8")
    elif breakage == "missing-policy":
        policy.unlink()
    else:
        (intents / "common" / "topics.toml").write_text("[[topic]\nname = ", encoding="utf-8")
    response = await client.post("/admin/reload", headers=AUTH)
    assert response.status == 422
    body = await response.json(content_type="application/problem+json")
    assert body["title"] == "Reload rejected"
    assert body["detail"].startswith("The new policy was rejected and the previous one is still")
    assert "policy reload rejected, still serving" in caplog.text
    assert await _clauses(client) == before
    ask = await client.post("/api/v1/ask", json={"question": "Do you sell my email address?"})
    assert (await ask.json())["status"] == "answered"


async def test_a_reload_that_loses_intents_says_so(
    aiohttp_client: Callable[..., Any],
    policy: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    intents = tmp_path / "intents"
    shutil.copytree(DEFAULT_INTENTS, intents)
    app = create_app(Settings(policy=policy, intents=intents, rate_limit=0, admin_token=TOKEN))
    client = await aiohttp_client(app)
    before = (await (await client.get("/healthz")).json())["intents"]
    (intents / "common" / "topics.toml").unlink()
    response = await client.post("/admin/reload", headers=AUTH)
    assert response.status == 200  # the files that are left are valid
    body = await response.json()
    assert body["intents_before"] == before > body["intents"]
    assert len(body["lost_intents"]) == before - body["intents"]
    assert all(name.endswith("(topics.toml)") for name in body["lost_intents"])
    warning = [r for r in caplog.records if "intent(s) fewer than before" in r.getMessage()]
    assert len(warning) == 1 and warning[0].levelname == "WARNING"
    assert body["lost_intents"][0] in warning[0].getMessage()
    again = await (await client.post("/admin/reload", headers=AUTH)).json()
    assert again["lost_intents"] == [] and again["intents_before"] == again["intents"]


async def test_requests_in_flight_during_reloads_all_succeed(
    aiohttp_client: Callable[..., Any],
    reload_app: Callable[..., web.Application],
    policy: Path,
) -> None:
    client = await aiohttp_client(reload_app())
    statuses: list[int] = []

    async def visitor(n: int) -> None:
        for i in range(15):
            if i % 2:
                response = await client.post("/api/v1/ask", json={"question": f"sell email {n}"})
            else:
                response = await client.get("/api/v1/search", params={"q": "cookies"})
            statuses.append(response.status)
            await response.read()

    async def admin() -> int:
        done = 0
        for n in range(5):
            text = policy.read_text(encoding="utf-8")
            policy.write_text(text + ADDED if n % 2 == 0 else text, encoding="utf-8")
            response = await client.post("/admin/reload", headers=AUTH)
            assert response.status == 200
            done += 1
        return done

    results = await asyncio.gather(admin(), *(visitor(n) for n in range(10)))
    assert results[0] == 5
    assert len(statuses) == 150
    assert set(statuses) == {200}


# --- the real CLI in a subprocess --------------------------------------------------------------


def _wait_for(predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_sighup_reloads_and_survives_a_broken_policy(
    serve: Callable[..., Any], policy: Path
) -> None:
    server = serve("--policy", str(policy), "--rate-limit", "0")
    async with ClientSession() as session:

        async def clauses() -> int:
            async with session.get(f"{server.url}/healthz") as response:
                assert response.status == 200
                return int((await response.json())["clauses"])

        before = await clauses()
        policy.write_text(policy.read_text(encoding="utf-8") + ADDED, encoding="utf-8")
        server.proc.send_signal(signal.SIGHUP)
        await asyncio.to_thread(_wait_for, lambda: "policy reloaded" in server.log(), "reload")
        assert await clauses() == before + 2

        policy.write_text("", encoding="utf-8")
        server.proc.send_signal(signal.SIGHUP)
        await asyncio.to_thread(
            _wait_for, lambda: "policy reload rejected" in server.log(), "rejection"
        )
        assert await clauses() == before + 2
        assert "policy file is empty" in server.log()
    assert server.stop() == 0


async def test_sigterm_lets_the_request_in_flight_finish(serve: Callable[..., Any]) -> None:
    server = serve("--rate-limit", "0")
    body = b'{"question": "Do you sell my email address?"}'
    head = (
        f"POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(head + body[:10])  # the handler is now waiting for the rest of the body
    await writer.drain()
    async with ClientSession() as session, session.get(f"{server.url}/healthz") as health:
        assert health.status == 200  # answered after the server has read our request's head
    server.proc.send_signal(signal.SIGTERM)
    await asyncio.to_thread(
        _wait_for, lambda: "finishing 1 request(s) in flight" in server.log(), "draining"
    )
    assert server.proc.poll() is None  # still finishing our request...
    async with (  # ...and refusing new ones, politely
        ClientSession() as session,
        session.get(f"{server.url}/api/v1/clauses") as refused,
    ):
        assert refused.status == 503
        assert refused.headers["Retry-After"] == "2"
        problem = await refused.json(content_type="application/problem+json")
        assert problem["status"] == 503
    writer.write(body[10:])
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), timeout=20)
    writer.close()
    assert response.startswith(b"HTTP/1.1 200 OK")
    assert json.loads(response.partition(b"\r\n\r\n")[2])["status"] == "answered"
    assert await asyncio.to_thread(server.proc.wait, 30) == 0


def test_redaction_reaches_the_served_log(serve: Callable[..., Any]) -> None:
    import urllib.request

    server = serve("--rate-limit", "0", "--log-questions")
    secret = "card 4111 1111 1111 1111, mail jane@example.com, phone 212-555-0187: sell data?"
    request = urllib.request.Request(
        f"{server.url}/api/v1/ask",
        data=f'{{"question": "{secret}"}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
    with opener.open(request, timeout=10) as response:
        assert response.status == 200
    _wait_for(lambda: '"POST /api/v1/ask" 200' in server.log(), "the access log line")
    assert server.stop() == 0
    log = server.log()
    assert "card [card], mail [email], phone [phone]: sell data?" in log
    for leaked in ("4111", "jane@example.com", "555-0187"):
        assert leaked not in log
    logging.getLogger(__name__).debug("served log:\n%s", log)


async def test_a_swapped_out_engine_is_freed(
    aiohttp_client: Callable[..., Any], reload_app: Callable[..., web.Application]
) -> None:
    import gc
    import weakref

    from qa_service.state import ENGINE

    app = reload_app()
    client = await aiohttp_client(app)
    old = weakref.ref(app[ENGINE].engine)
    for _ in range(3):
        response = await client.post("/admin/reload", headers=AUTH)
        assert response.status == 200
    gc.collect()
    assert old() is None  # nothing keeps the old index alive: memory stays flat over reloads
