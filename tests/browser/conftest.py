"""Browser tests: the real app on a free port, a second site that embeds the widget, and
Debian's Chromium driven by Playwright (its own browser download does not work here).

Without Chromium these tests skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiohttp import web
from browsing import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    DESKTOP,
    DOCS,
    HOST_PAGE,
    HOSTILE_CSS,
    HostSite,
    NewPage,
    ServerThread,
    Sites,
    Widget,
    chromium_path,
)
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, sync_playwright

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from tests.needs import missing


@pytest.fixture(scope="session")
def sites(engine: Engine) -> Iterator[Sites]:
    api_base: dict[str, str] = {}

    async def host_page(request: web.Request) -> web.Response:
        html = HOST_PAGE.format(css=HOSTILE_CSS, api=api_base["url"])
        return web.Response(text=html, content_type="text/html")

    host_app = web.Application()
    host_app.router.add_get("/", host_page)
    host = ServerThread(host_app, sites=2).start()
    settings = Settings(cors_origins=(host.origin(0),), rate_limit=0)
    api = ServerThread(create_app(settings, engine=engine)).start()
    api_base["url"] = api.origin()
    yield Sites(api.origin(), host.origin(0), host.origin(1), engine)
    api.stop()
    host.stop()


@pytest.fixture(scope="session")
def base_url(sites: Sites) -> str:
    return sites.api


@pytest.fixture
def serve_app(engine: Engine) -> Iterator[Callable[..., ServerThread]]:
    """A server of its own for a test that needs other settings (or fresh state)."""
    started: list[ServerThread] = []

    def start(**settings: Any) -> ServerThread:
        server = ServerThread(create_app(Settings(**settings), engine=engine)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def host_site() -> Iterator[Callable[..., HostSite]]:
    """Other websites embedding the widget, each on a port of its own."""
    started: list[HostSite] = []

    def start(css: str = "") -> HostSite:
        site = HostSite(css)
        started.append(site)
        return site

    yield start
    for site in started:
        site.stop()


# --- browser --------------------------------------------------------------------------------


# Module scope: while Playwright's sync API runs, the main thread has a running event loop, so
# it must stop before the asyncio tests in other modules start.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        missing(
            "browser tests", "no Chromium on PATH: install it with `apt-get install -y chromium`"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[NewPage]:
    """Pages in fresh contexts; each is screenshot into test-artifacts/ when the test ends,
    and the test fails if any page opened a dialog (as an injected alert() would)."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def make(viewport: dict[str, int] | None = None, **options: Any) -> Page:
        context = browser.new_context(viewport=viewport or DESKTOP, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", on_dialog)
        pages.append(page)
        return page

    yield make
    ARTIFACTS.mkdir(exist_ok=True)
    name = _slug(request.node.name)
    for n, page in enumerate(pages):
        suffix = f"-{n + 1}" if len(pages) > 1 else ""
        for m, tab in enumerate(p for p in page.context.pages if not p.is_closed()):
            tab.screenshot(path=ARTIFACTS / f"{name}{suffix}{f'-tab{m}' if m else ''}.png")
    for context in contexts:
        context.close()
    assert not dialogs, f"a page opened a dialog: {dialogs}"


@pytest.fixture
def docs_screenshot() -> Callable[[Page, str], None]:
    """Refresh the screenshots the README shows, when asked to (`make screenshots`)."""

    def save(page: Page, name: str) -> None:
        if os.environ.get("POLICY_QA_DOCS_SCREENSHOTS") == "1":
            DOCS.mkdir(exist_ok=True)
            page.screenshot(path=DOCS / name)

    return save


@pytest.fixture
def widget() -> type[Widget]:
    return Widget
