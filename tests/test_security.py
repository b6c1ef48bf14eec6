"""Security headers and request ids on every response, pages included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.security import API_CSP, PAGE_CSP


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),
        ("GET", "/api/v1/clauses"),
        ("GET", "/api/v1/search?q=email"),
        ("GET", "/api/v1/clauses/nope"),
        ("GET", "/nowhere"),
        ("DELETE", "/api/v1/ask"),
        ("GET", "/openapi.json"),
    ],
)
async def test_every_response_is_hardened(
    client: TestClient[Any, Any], method: str, path: str
) -> None:
    response = await client.request(method, path)
    headers = response.headers
    assert headers["Content-Security-Policy"] == API_CSP
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert len(headers["X-Request-ID"]) == 32
    assert headers["Server"] == "policy-qa"  # no aiohttp or Python version to look up
    if path.startswith("/api/"):
        assert headers["Cache-Control"] == "no-store"


async def test_pages_forbid_inline_script_and_foreign_framing(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<h1>Policy</h1>", content_type="text/html")

    async def own_csp(request: web.Request) -> web.Response:
        return web.Response(
            text="<p>x</p>", content_type="text/html", headers={"Content-Security-Policy": "x"}
        )

    app = make_app()
    app.router.add_get("/policy", page)
    app.router.add_get("/custom", own_csp)
    client = await aiohttp_client(app)
    response = await client.get("/policy")
    csp = response.headers["Content-Security-Policy"]
    assert csp == PAGE_CSP
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no foreign script
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Server"] == "policy-qa"
    custom = await client.get("/custom")
    assert custom.headers["Content-Security-Policy"] == "x"  # a page may set its own


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [
        ("abc-123_DEF.456", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("", False),
        ("has space", False),
        ("<script>alert(1)</script>", False),
        ("id\u00e9", False),
        ("4111111111111111", True),  # plain digits are a valid id; logs never print it
    ],
)
async def test_request_id_is_echoed_only_when_sane(
    client: TestClient[Any, Any], sent: str, echoed: bool
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": sent})
    rid = response.headers["X-Request-ID"]
    if echoed:
        assert rid == sent
    else:
        assert rid != sent and len(rid) == 32 and rid.isalnum()


async def test_request_ids_are_fresh_per_request(client: TestClient[Any, Any]) -> None:
    ids = {(await client.get("/healthz")).headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5
