"""The policy owner's /insights page: a login form with the admin token, a session cookie
that scripts cannot read and other sites cannot send, CSRF refused, charts as inline SVG."""

from __future__ import annotations

from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.insights import auth
from tests.polling import until

Client = TestClient[web.Request, web.Application]
TOKEN = "page-test-token"


async def make_client(aiohttp_client: Any, engine: Engine, tmp_path: Path, **extra: Any) -> Client:
    extra.setdefault("rate_limit", 0)
    settings = Settings(
        database=f"sqlite:///{tmp_path / 'i.db'}",
        insights_flush=0.05,
        insights_text="all",
        admin_token=TOKEN,
        **extra,
    )
    client: Client = await aiohttp_client(create_app(settings, engine=engine))
    return client


@pytest.fixture
async def client(aiohttp_client: Any, engine: Engine, tmp_path: Path) -> Client:
    return await make_client(aiohttp_client, engine, tmp_path)


async def login(client: Client, token: str = TOKEN, **headers: str) -> web.Response:
    resp: Any = await client.post(
        "/insights/login", data={"token": token}, headers=headers, allow_redirects=False
    )
    return resp  # type: ignore[no-any-return]


def session_cookie(resp: Any) -> Any:
    cookies = SimpleCookie()
    for header in resp.headers.getall("Set-Cookie", []):
        cookies.load(header)
    return cookies.get(auth.COOKIE)


async def page(client: Client, cookie: str | None) -> tuple[int, str]:
    headers = {"Cookie": f"{auth.COOKIE}={cookie}"} if cookie else {}
    resp = await client.get("/insights", headers=headers)
    return resp.status, await resp.text()


async def test_without_a_session_the_page_is_a_login_form(client: Client) -> None:
    status, html = await page(client, None)
    assert status == 200
    assert '<form class="login" method="post" action="/insights/login">' in html
    assert 'type="password"' in html
    assert "<svg" not in html


async def test_the_right_token_sets_a_strict_httponly_cookie_and_shows_the_report(
    client: Client, engine: Engine
) -> None:
    resp = await login(client)
    assert resp.status == 303
    assert resp.headers["Location"] == "/insights"
    cookie = session_cookie(resp)
    assert cookie is not None
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/insights"
    assert not cookie["secure"]  # plain http here; see the public-URL test
    assert TOKEN not in cookie.value
    status, html = await page(client, cookie.value)
    assert status == 200
    assert "<svg" in html
    assert engine.policy.title in html
    assert "Questions a day, by status" in html
    again = await client.get("/insights", headers={"Cookie": f"{auth.COOKIE}={cookie.value}"})
    assert again.headers["Cache-Control"] == "no-store"


async def test_a_wrong_token_is_refused_without_a_cookie(client: Client) -> None:
    resp = await login(client, "guess")
    assert resp.status == 401
    assert "not the admin token" in await resp.text()
    assert session_cookie(resp) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.example"},
    ],
)
async def test_a_login_posted_from_another_site_is_refused(
    client: Client, headers: dict[str, str]
) -> None:
    resp = await login(client, **headers)
    assert resp.status == 403
    assert session_cookie(resp) is None


async def test_a_login_from_the_page_itself_is_taken(client: Client) -> None:
    origin = str(client.make_url("/")).rstrip("/")
    resp = await login(client, Origin=origin, **{"Sec-Fetch-Site": "same-origin"})
    assert resp.status == 303


@pytest.mark.parametrize(
    "forged",
    [
        "9999999999.deadbeef",
        "1.0000",
        "",
        f"{auth.session_value(TOKEN, now=0).split('.')[0]}.{'0' * 64}",
        auth.session_value("another-token"),
        auth.session_value(TOKEN, now=0),  # expired long ago
    ],
)
async def test_a_forged_or_expired_cookie_gets_the_login_form(client: Client, forged: str) -> None:
    status, html = await page(client, forged or "x")
    assert status == 200
    assert 'type="password"' in html
    assert "<svg" not in html


async def test_signing_out_clears_the_cookie(client: Client) -> None:
    resp = await client.post("/insights/logout", allow_redirects=False)
    assert resp.status == 303
    cookie = session_cookie(resp)
    assert cookie is not None and cookie.value == ""


async def test_behind_https_the_cookie_is_secure(
    aiohttp_client: Any, engine: Engine, tmp_path: Path
) -> None:
    client = await make_client(
        aiohttp_client, engine, tmp_path, public_url="https://privacy.example.com"
    )
    resp = await login(client, Origin="https://privacy.example.com")
    assert resp.status == 303
    assert session_cookie(resp)["secure"] is True


async def test_guessing_the_token_is_rate_limited(
    aiohttp_client: Any, engine: Engine, tmp_path: Path
) -> None:
    client = await make_client(aiohttp_client, engine, tmp_path, rate_limit=3)
    statuses = [(await login(client, f"guess-{n}")).status for n in range(4)]
    assert statuses == [401, 401, 401, 429]


async def test_what_visitors_typed_is_shown_as_text(client: Client) -> None:
    attack = '<script>alert("x")</script> do you have a <b>DPO</b>?'
    resp = await client.post("/api/v1/ask", json={"question": attack})
    assert resp.status == 200
    cookie = session_cookie(await login(client)).value

    async def shown() -> str:
        return (await page(client, cookie))[1]

    html = await until(shown, lambda h: "DPO" in h)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
