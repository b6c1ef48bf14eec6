"""The demo page, the policy page, the console and the widget's files, without a browser."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.corpus import parse_policy
from qa_service.engine import Engine
from qa_service.pages import STATIC, mailto_href, render_policy, tel_href

DATA = Path(__file__).parent / "data"
Make = Callable[..., Awaitable[TestClient]]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def having(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


@pytest.fixture
async def client(aiohttp_client: Make, engine: Engine) -> TestClient:
    return await aiohttp_client(create_app(Settings(), engine=engine))


async def test_demo_page_embeds_the_widget_with_one_tag(client: TestClient) -> None:
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    html = await response.text()
    assert '<script src="/widget.js" async></script>' in html  # no public URL: relative
    assert "Content-Security-Policy" in response.headers


async def test_demo_page_names_the_public_url_when_configured(
    aiohttp_client: Make, engine: Engine
) -> None:
    settings = Settings(public_url="https://privacy.example.com/qa/")
    client = await aiohttp_client(create_app(settings, engine=engine))
    response = await client.get("/", headers={"Host": "evil.example"})
    html = await response.text()
    assert '<script src="https://privacy.example.com/qa/widget.js" async></script>' in html
    assert "evil.example" not in html


HOSTILE_HOSTS = [
    b'x"></script><meta http-equiv="refresh" content="0;url=//evil.example/"><script src="',
    b"evil.example",
    b"x:99999",
    b"[",
    b"x:abc",
    b"",
    b"\xff",
    b"[::1",
    b"a b",
    b"%00",
]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
@pytest.mark.parametrize(
    "path", ["/", "/policy", "/agent", "/widget.json", "/widget.js", "/api/v1/clauses", "/x"]
)
async def test_the_host_header_is_never_trusted_nor_a_500(
    client: TestClient, host: bytes, path: str
) -> None:
    """Raw sockets: a client library would refuse to send most of these."""
    assert client.server.host and client.server.port
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(f"GET {path} HTTP/1.1\r\n".encode() + b"Host: " + host + b"\r\n")
    writer.write(b"Connection: close\r\n\r\n")
    response = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    status = int(response.split(b" ", 2)[1])
    assert status in {200, 404}, response[:300]
    if len(host) > 4:  # a name, not a character any page has anyway
        assert host not in response  # not even escaped: the page does not use it
    assert b"http-equiv" not in response


async def test_widget_script_is_served(client: TestClient) -> None:
    response = await client.get("/widget.js")
    assert response.status == 200
    assert response.content_type == "text/javascript"
    body = await response.text()
    assert "attachShadow" in body
    assert "document.currentScript" in body


async def test_widget_config_comes_from_the_engine(client: TestClient, engine: Engine) -> None:
    config = await (await client.get("/widget.json")).json()
    assert config["owner"] == engine.policy.owner
    assert engine.policy.owner in config["greeting"]
    assert config["suggestions"] and all(isinstance(q, str) for q in config["suggestions"])
    assert config["contact"]["email"] == engine.contact.email
    assert config["max_question_chars"] == Settings().max_question_chars


async def test_policy_page_has_every_clause_as_an_anchor(
    client: TestClient, engine: Engine
) -> None:
    response = await client.get("/policy")
    assert response.status == 200
    page = parse(await response.text())
    ids = [a["id"] for t, a in page.tags if t == "span" and a.get("class") == "clause"]
    assert ids == [c.id for c in engine.policy.clauses]
    text = " ".join(page.text)
    for clause in engine.policy.clauses:
        assert clause.text in " ".join(text.split())
    assert page.having("time", datetime="2008-02-22")
    assert engine.policy.effective_date and engine.policy.effective_date in text
    assert page.having("a", href=f"mailto:{engine.contact.email}")
    assert page.having("a", href="tel:18006057057")
    assert page.having("h1")


async def test_policy_page_shows_another_policy_and_its_own_contacts(
    aiohttp_client: Make,
) -> None:
    settings = Settings(
        policy=DATA / "policies" / "acme_rockets.md", contact_phone="+44 20 7946 0000"
    )
    client = await aiohttp_client(create_app(settings))
    engine = Engine.from_settings(settings)
    page = parse(await (await client.get("/policy")).text())
    assert "Analytics cookies expire after 13 months." in " ".join(page.text)
    assert len(page.having("section", **{"class": "policy-section"})) == len(engine.policy.sections)
    assert page.having("a", href="tel:+442079460000")
    assert page.having("nav", **{"class": "toc"})
    config = await (await client.get("/widget.json")).json()
    assert config["contact"]["phone"] == "+44 20 7946 0000"
    assert config["owner"] == engine.policy.owner


def test_policy_text_is_escaped() -> None:
    evil = (
        "# Policy <script>alert(1)</script>\n\n"
        'We keep "<svg onload=alert(2)>" & nothing else. '
        "Write to a@b.example or call 555 0100.\n"
    )
    # (Inline tags Markdown may hold, such as <img>, are dropped by the reader; others stay
    # text, which the page must escape.)
    policy = parse_policy(evil, "markdown")
    html = render_policy(policy, policy.contact)
    assert "<script>alert" not in html
    assert "<svg" not in html
    assert "&lt;svg onload=alert(2)&gt;" in html
    assert "&amp; nothing else" in html
    page = parse(html)
    assert not page.having("svg")
    assert [t for t, _ in page.tags].count("script") == 0


async def test_agent_console_page(client: TestClient) -> None:
    response = await client.get("/agent")
    assert response.status == 200
    page = parse(await response.text())
    search = page.having("input", id="q")
    assert search and "autofocus" in search[0]
    assert page.having("script", src="/static/agent.js")
    assert page.having("div", id="results", role="listbox")


@pytest.mark.parametrize("path", ["/static/pages.css", "/static/agent.js"])
async def test_static_files(client: TestClient, path: str) -> None:
    response = await client.get(path)
    assert response.status == 200


@pytest.mark.parametrize("name", ["widget.js", "agent.js"])
def test_scripts_never_insert_markup(name: str) -> None:
    source = (STATIC / name).read_text(encoding="utf-8")
    code = re.sub(r"^\s*(//|\*|/\*).*$", "", source, flags=re.M)  # comments may say the words
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code, f"{name} uses {sink}"
    assert "new Function" not in code


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("1-800-605-7057", "tel:18006057057"),
        ("(800) 605-7057", "tel:8006057057"),
        ("+44 20 7946 0000", "tel:+442079460000"),
    ],
)
def test_tel_href(phone: str, href: str) -> None:
    assert tel_href(phone) == href


def test_mailto_href() -> None:
    assert mailto_href("customerservice@paloalto.com") == "mailto:customerservice@paloalto.com"
    assert mailto_href("javascript:alert(1)") is None
    assert mailto_href('a"@b.example') is None
