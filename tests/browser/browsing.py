"""What the browser tests share: the servers, the browser's settings, the widget as a visitor
sees it. The fixtures that use them are in conftest.py.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from playwright.sync_api import Locator, Page, Route, expect

from qa_service.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DOCS = ROOT / "docs"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}
PHONE_390 = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# axe-core, installed from npm by the Makefile's set-up (tests/browser/package.json).
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"

expect.set_options(timeout=10_000)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    return None


# --- servers --------------------------------------------------------------------------------


class ServerThread:
    """An aiohttp app on 127.0.0.1, one free port per site, in a thread with its own loop."""

    def __init__(self, app: web.Application, sites: int = 1) -> None:
        self.app = app
        self.sites = sites
        self.ports: list[int] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-server", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        runner = web.AppRunner(self.app, access_log=None)
        try:
            loop.run_until_complete(runner.setup())
            for _ in range(self.sites):
                loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
            self.ports = [address[1] for address in runner.addresses]
        except BaseException as exc:  # reported by start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    def start(self) -> ServerThread:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None or not self.ports:
            raise RuntimeError(f"the test server did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def origin(self, n: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[n]}"


HOSTILE_CSS = """
html { font-size: 6px !important; }
* { font-family: "Comic Sans MS", cursive !important; color: rgb(255, 0, 0) !important;
    font-size: 40px !important; letter-spacing: 9px !important;
    text-transform: uppercase !important; box-sizing: content-box !important;
    line-height: 3 !important; }
button, section, header, input, form, [role="dialog"], [role="log"] { display: none !important; }
policy-qa-widget { display: none !important; visibility: hidden !important; opacity: 0 !important; }
body > * { transform: translateX(-5000px) !important; }
body > p { transform: none !important; }
"""

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ACME shop</title>
<style>{css}</style></head>
<body class="shop">
<p id="intro">ACME sells rockets. This page has its own, unfriendly, CSS.</p>
<script>
  window.PolicyQAWidget = {{ position: "left", title: "Ask ACME", open: true }};
  window.__globalsBefore = Object.keys(window);
  window.__elementsBefore = document.querySelectorAll("*").length;
</script>
<script src="{api}/widget.js" async></script>
</body></html>
"""


class HostSite:
    """Another website, on its own port, embedding the widget from `api` (set it before
    opening the page): what a company's site is to the service."""

    def __init__(self, css: str = "") -> None:
        self.api = ""
        self.css = css
        app = web.Application()
        app.router.add_get("/", self._page)
        self.server = ServerThread(app).start()
        self.origin = self.server.origin()

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(
            text=HOST_PAGE.format(css=self.css, api=self.api), content_type="text/html"
        )

    def stop(self) -> None:
        self.server.stop()


@dataclass
class Sites:
    api: str  # the policy-qa server
    embed: str  # another origin that embeds the widget and is on the allow-list
    stranger: str  # another origin that embeds it but is not allowed
    engine: Engine


NewPage = Callable[..., Page]


def too_many_requests(retry_after: int) -> Callable[[Route], None]:
    """A route handler answering as the rate limit does: 429, Retry-After, a problem."""
    problem = {"type": "/problems/too-many-requests", "title": "Too Many Requests", "status": 429}
    return lambda route: route.fulfill(
        status=429,
        headers={"Retry-After": str(retry_after)},
        content_type="application/problem+json",
        body=json.dumps({**problem, "detail": "Slow down."}),
    )


# --- the widget, as a visitor uses it -----------------------------------------------------------


class Widget:
    """The chat widget on a page, driven the way a visitor would."""

    ROOT_JS = "document.querySelector('policy-qa-widget').shadowRoot"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name="Ask a privacy question")
        self.dialog = page.get_by_role("dialog")
        self.box = page.get_by_role("textbox", name="Your question")
        self.replies = page.locator("policy-qa-widget .row.bot:not(.typing)")

    @classmethod
    def opened(cls, page: Page, url: str) -> Widget:
        """The widget on the page at `url`, opened and greeted."""
        page.goto(url)
        widget = cls(page)
        widget.open()
        return widget

    def open(self) -> None:
        self.launcher.click()
        expect(self.dialog).to_be_visible()
        expect(self.box).to_be_focused()
        self.settled()
        self.greeted()

    def settled(self) -> None:
        """Wait for the panel's opening animation to end."""
        self.dialog.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")

    def greeted(self) -> None:
        """Wait for the greeting, so that replies counted after it are answers."""
        expect(self.replies.first).to_be_visible()

    def send(self, question: str) -> None:
        self.box.fill(question)
        self.box.press("Enter")

    def ask(self, question: str) -> Locator:
        """Send a question with Enter and return the reply it gets."""
        before = self.replies.count()
        self.send(question)
        expect(self.replies).to_have_count(before + 1)
        return self.replies.nth(before)

    def visitor_rows(self) -> Locator:
        return self.page.locator("policy-qa-widget .row.visitor")

    def focused(self) -> str:
        """What has focus inside the widget: its aria-label, id or text."""
        return str(
            self.page.evaluate(
                f"""() => {{
                  const el = {self.ROOT_JS}.activeElement;
                  return el ? (el.getAttribute('aria-label') || el.id || el.textContent) : '';
                }}"""
            )
        )
