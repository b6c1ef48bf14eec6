"""CORS on /api/* and the widget's files: allow-listed origins only, preflight included."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.cli import _settings, build_parser
from qa_service.config import DEFAULT_CORS_ORIGINS, Settings
from qa_service.engine import Engine

ALLOWED = "https://shop.example.com"
OTHER = "https://evil.example.net"

Make = Callable[..., Awaitable[TestClient]]


@pytest.fixture
def client(aiohttp_client: Make, engine: Engine) -> Make:
    async def make(*origins: str) -> TestClient:
        settings = Settings(cors_origins=origins)
        return await aiohttp_client(create_app(settings, engine=engine))

    return make


def preflight(origin: str, method: str = "POST", headers: str = "content-type") -> dict[str, str]:
    out = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        out["Access-Control-Request-Headers"] = headers
    return out


async def test_allowed_origin_can_read_answers(client: Make) -> None:
    api = await client(ALLOWED)
    question = {"question": "Do you sell my email address?"}
    response = await api.post("/api/v1/ask", json=question, headers={"Origin": ALLOWED})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in response.headers["Vary"]
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


async def test_other_origin_gets_no_allow_origin(client: Make) -> None:
    api = await client(ALLOWED)
    response = await api.get("/api/v1/search?q=cookies", headers={"Origin": OTHER})
    assert response.status == 200  # the browser, not the server, withholds the body
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Origin" in response.headers["Vary"]


async def test_preflight_for_allowed_origin(client: Make) -> None:
    api = await client(ALLOWED)
    response = await api.options("/api/v1/ask", headers=preflight(ALLOWED))
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        (OTHER, "POST", "content-type"),
        (ALLOWED, "DELETE", ""),
        (ALLOWED, "POST", "content-type, x-api-key"),
        ("null", "POST", "content-type"),
    ],
    ids=["other-origin", "method", "header", "null-origin"],
)
async def test_preflight_refused(client: Make, origin: str, method: str, headers: str) -> None:
    api = await client(ALLOWED)
    response = await api.options("/api/v1/ask", headers=preflight(origin, method, headers))
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


async def test_the_public_urls_origin_is_always_allowed(
    aiohttp_client: Make, engine: Engine
) -> None:
    settings = Settings(cors_origins=(), public_url="https://privacy.example.com/qa")
    api = await aiohttp_client(create_app(settings, engine=engine))
    own = "https://privacy.example.com"
    response = await api.options("/api/v1/ask", headers=preflight(own))
    assert response.headers["Access-Control-Allow-Origin"] == own
    response = await api.options("/api/v1/ask", headers=preflight(ALLOWED))
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_the_host_header_does_not_make_an_origin_own(client: Make) -> None:
    """Any page could send its own name as Host (through DNS rebinding, or a proxy that passes
    Host on): same-origin is what --public-url says, not what the request says."""
    api = await client()  # an empty allow-list, no public URL
    for origin, host in [(OTHER, "evil.example.net"), (str(api.make_url("/").origin()), None)]:
        headers = preflight(origin)
        if host:
            headers["Host"] = host
        response = await api.options("/api/v1/ask", headers=headers)
        assert "Access-Control-Allow-Origin" not in response.headers
        asked = await api.get("/api/v1/clauses", headers={k: v for k, v in headers.items()})
        assert "Access-Control-Allow-Origin" not in asked.headers


async def test_star_allows_any_origin(client: Make) -> None:
    api = await client("*")
    response = await api.get("/widget.json", headers={"Origin": OTHER})
    assert response.headers["Access-Control-Allow-Origin"] == OTHER


async def test_errors_carry_cors_so_the_widget_can_read_them(
    client: Make,
) -> None:
    api = await client(ALLOWED)
    response = await api.post("/api/v1/ask", json={"question": ""}, headers={"Origin": ALLOWED})
    assert response.status == 422
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert (await response.json())["detail"]


@pytest.mark.parametrize("path", ["/widget.js", "/widget.json", "/api/v1/clauses"])
async def test_widget_files_and_api_are_covered(client: Make, path: str) -> None:
    api = await client(ALLOWED)
    response = await api.get(path, headers={"Origin": ALLOWED})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize("path", ["/", "/policy", "/agent", "/healthz", "/static/pages.css"])
async def test_pages_are_not_shared_cross_origin(client: Make, path: str) -> None:
    api = await client(ALLOWED)
    response = await api.get(path, headers={"Origin": ALLOWED})
    assert response.status == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_default_allows_what_make_run_serves() -> None:
    assert Settings().cors_origins == DEFAULT_CORS_ORIGINS
    assert set(DEFAULT_CORS_ORIGINS) == {"http://127.0.0.1:8080", "http://localhost:8080"}


def test_origins_from_the_environment() -> None:
    env = {"POLICY_QA_CORS_ORIGINS": "https://a.example, https://b.example/ ,"}
    assert Settings.from_env(env).cors_origins == ("https://a.example", "https://b.example")
    assert Settings.from_env({"POLICY_QA_CORS_ORIGINS": ""}).cors_origins == ()


def test_cors_origin_option() -> None:
    args = build_parser().parse_args(
        ["serve", "--cors-origin", "https://a.example", "--cors-origin", "https://b.example,*"]
    )
    assert _settings(args).cors_origins == ("https://a.example", "https://b.example", "*")


def test_option_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_QA_CORS_ORIGINS", "https://env.example")
    assert _settings(build_parser().parse_args(["serve"])).cors_origins == ("https://env.example",)
    args = build_parser().parse_args(["serve", "--cors-origin", "https://cli.example"])
    assert _settings(args).cors_origins == ("https://cli.example",)


async def test_a_refused_origin_is_explained_in_the_log_once(
    client: Make, caplog: pytest.LogCaptureFixture
) -> None:
    # Origins no other test refuses: the log also holds back repeats of one kind of warning.
    api = await client("http://localhost")
    stranger = "http://127.0.0.1"
    other = "https://refused-once.example"
    with caplog.at_level("WARNING", logger="qa_service"):
        for _ in range(3):
            await api.get("/widget.json", headers={"Origin": stranger})
            await api.options("/api/v1/ask", headers=preflight(stranger))
            await api.post("/api/v1/ask", json={"question": "hi"}, headers={"Origin": stranger})
        await api.get("/widget.json", headers={"Origin": other})
    said = [r.getMessage() for r in caplog.records if "may not use" in r.getMessage()]
    assert len(said) == 2  # once per origin
    first = said[0]
    assert f"--cors-origin {stranger}" in first
    assert f"POLICY_QA_CORS_ORIGINS={stranger}" in first
    assert "http://localhost is allowed, but this page was opened as http://127.0.0.1." in first
    assert "Allowed now: http://localhost" in first
    assert other in said[1]


async def test_widget_settings_say_whether_the_page_may_use_the_api(client: Make) -> None:
    api = await client(ALLOWED)
    refused = await api.get("/widget.json", headers={"Origin": OTHER})
    assert refused.headers["Access-Control-Allow-Origin"] == OTHER  # readable, to say so
    embedding = (await refused.json())["embedding"]
    assert embedding["allowed"] is False
    assert f"--cors-origin {OTHER}" in embedding["help"]
    assert "localhost" in embedding["help"] and "127.0.0.1" in embedding["help"]
    assert ALLOWED not in embedding["help"]  # the allow-list is for the server's log only
    allowed = await (await api.get("/widget.json", headers={"Origin": ALLOWED})).json()
    assert allowed["embedding"] == {"allowed": True, "help": None}
    own = await (await api.get("/widget.json")).json()
    assert own["embedding"]["allowed"] is True
    # The API itself stays closed to the refused origin.
    answer = await api.post("/api/v1/ask", json={"question": "hi"}, headers={"Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in answer.headers


async def test_a_garbled_origin_is_not_repeated(
    client: Make, caplog: pytest.LogCaptureFixture
) -> None:
    api = await client(ALLOWED)
    with caplog.at_level("WARNING", logger="qa_service"):
        response = await api.get("/widget.json", headers={"Origin": "https://x.example/<b>"})
    assert "<b>" not in (await response.json())["embedding"]["help"]
    assert all("<b>" not in r.getMessage() for r in caplog.records)
