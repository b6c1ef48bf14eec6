"""schemathesis runs /openapi.json against the live app on loopback: no 5xx, and every
response (errors included) matches the spec. A bounded number of examples per operation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.openapi import spec

schema = schemathesis.openapi.from_dict(spec())


@pytest.fixture(scope="module")
def live_url(engine: Engine) -> Iterator[str]:
    """The app served from a thread of its own, on 127.0.0.1 only."""
    app = create_app(
        Settings(rate_limit=0, admin_token="not-the-token-schemathesis-knows"),
        engine=engine,
    )
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=30)
    loop.close()


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.trust_env = False  # never through a proxy: loopback only
        yield s


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_api_matches_its_spec(
    case: schemathesis.Case, live_url: str, session: requests.Session
) -> None:
    case.call_and_validate(base_url=live_url, session=session)


def test_spec_lists_every_route() -> None:
    paths = spec()["paths"]
    assert {"/api/v1/ask", "/api/v1/search", "/api/v1/clauses", "/healthz", "/admin/reload"} <= set(
        paths
    )
