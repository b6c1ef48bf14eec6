"""CORS for the API and the widget's assets: an allow-list of origins, preflight included.

Small on purpose (aiohttp-cors is unmaintained): the widget runs on other sites and calls
`/api/*` from there, and nothing else needs to be readable cross-origin. A refused origin is
explained to the site's owner, once per origin, in the server log; the widget's settings
(`/widget.json`, public anyway) are readable from any origin and tell the widget whether its
page may use the API, so that it can say so in the browser's console too.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.web_response import StreamResponse

from qa_service.config import Settings
from qa_service.state import SETTINGS

log = logging.getLogger("qa_service")

Handler = Callable[[web.Request], Awaitable[StreamResponse]]

# Paths a page on another origin may read: the JSON API and the widget's own files.
CORS_PREFIXES = ("/api/",)
CORS_PATHS = frozenset({"/widget.js", "/widget.json"})
# Readable from any origin: what the widget needs to say whether it may be used there.
PUBLIC_PATHS = frozenset({"/widget.json"})
ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOW_HEADERS = frozenset({"content-type", "accept", "accept-language", "content-language"})
EXPOSE_HEADERS = "Retry-After"
MAX_AGE = "600"


def applies(path: str) -> bool:
    return path in CORS_PATHS or path.startswith(CORS_PREFIXES)


def own_origin(settings: Settings) -> str | None:
    """The service's own origin: from the configured public URL, never from the Host header
    (which the client writes, so any page could claim to be "same origin")."""
    if not settings.public_url:
        return None
    parts = urlsplit(settings.public_url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_allowed(origin: str, settings: Settings) -> bool:
    """The public URL's origin, or one on the allow-list ("*" allows any)."""
    origin = origin.lower().rstrip("/")
    allowed = settings.cors_origins
    if origin == "null":  # sandboxed frames and file:// pages: never trusted by name
        return "*" in allowed
    listed = {o.lower().rstrip("/") for o in allowed}
    return origin == own_origin(settings) or origin in listed or "*" in listed


LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
# An Origin is scheme://host[:port]; anything else is not repeated back to anyone.
_PLAIN_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[A-Za-z0-9.\-\[\]:]{1,200}")


def _loopback_twin(origin: str, allowed: Iterable[str]) -> str | None:
    """An allowed origin that differs from `origin` only by its loopback name (localhost for
    127.0.0.1, say): the mistake this is most likely to be."""
    try:
        page = urlsplit(origin)
        if page.hostname not in LOOPBACK:
            return None
        for other in allowed:
            twin = urlsplit(other)
            if (
                twin.hostname in LOOPBACK
                and twin.hostname != page.hostname
                and (twin.scheme, twin.port) == (page.scheme, page.port)
            ):
                return other
    except ValueError:  # a port out of range
        return None
    return None


def refusal(origin: str, allowed: Iterable[str]) -> str:
    """What a site owner whose pages are refused needs to read: the setting to change, and why
    localhost and 127.0.0.1 are not the same to a browser."""
    if not _PLAIN_ORIGIN.fullmatch(origin):
        origin = "(the page's origin)"
    words = [
        f"policy-qa: pages on {origin} may not use this chat service, so the widget there "
        "says the chat is unavailable. To allow them, start the server with "
        f"--cors-origin {origin} (repeat it for more sites) or set "
        f"POLICY_QA_CORS_ORIGINS={origin} (a comma-separated list)."
    ]
    twin = _loopback_twin(origin, allowed)
    if twin is not None:
        words.append(f"{twin} is allowed, but this page was opened as {origin}.")
    words.append(
        "An origin is the scheme, host and port exactly as in the address bar: to a browser, "
        "http://localhost:8080 and http://127.0.0.1:8080 are different origins."
    )
    return " ".join(words)


class Refusals:
    """Logs a refused origin once, with the allow-list; a bounded memory of those logged."""

    def __init__(self, most: int = 1000) -> None:
        self.most = most
        self.logged: set[str] = set()
        self._lock = threading.Lock()

    def note(self, origin: str, allowed: Iterable[str]) -> None:
        with self._lock:
            if origin in self.logged or len(self.logged) >= self.most:
                return
            self.logged.add(origin)
        listed = ", ".join(allowed) or "(none)"
        # Formatted here, not by logging: the log holds back repeats of one message template,
        # and each origin's notice is news (there are at most `most` of them).
        log.warning(f"{refusal(origin, allowed)} Allowed now: {listed}.")


REFUSALS = web.AppKey("cors_refusals", Refusals)


def same_origin(request: web.Request) -> bool:
    """The browser says the page is the service's own (Fetch metadata): it needs no CORS. Used
    only to keep such requests out of the refusals' log, never to allow anything."""
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


def _vary(response: StreamResponse | web.HTTPException) -> None:
    vary = response.headers.get("Vary", "")
    if "origin" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Origin" if vary else "Origin"


def _preflight(request: web.Request, origin: str, settings: Settings) -> web.Response:
    method = request.headers.get("Access-Control-Request-Method", "").upper()
    wanted = [
        h.strip().lower()
        for h in request.headers.get("Access-Control-Request-Headers", "").split(",")
        if h.strip()
    ]
    response = web.Response(status=204)
    _vary(response)
    ok = origin_allowed(origin, settings)
    if not ok and not same_origin(request):
        request.app[REFUSALS].note(origin, settings.cors_origins)
    if (
        not ok
        or method not in {"GET", "HEAD", "POST"}
        or any(h not in ALLOW_HEADERS for h in wanted)
    ):
        # No Access-Control-Allow-Origin: the browser refuses the real request.
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
    if wanted:
        response.headers["Access-Control-Allow-Headers"] = ", ".join(wanted)
    response.headers["Access-Control-Max-Age"] = MAX_AGE
    return response


@web.middleware
async def cors_middleware(request: web.Request, handler: Handler) -> StreamResponse:
    if not applies(request.path):
        return await handler(request)
    settings = request.app[SETTINGS]
    origin = request.headers.get("Origin")
    if (
        request.method == "OPTIONS"
        and origin
        and "Access-Control-Request-Method" in request.headers
    ):
        return _preflight(request, origin, settings)
    ok = origin is not None and origin_allowed(origin, settings)
    if origin is not None and not ok and not same_origin(request):
        request.app[REFUSALS].note(origin, settings.cors_origins)
    ok = ok or (origin is not None and request.path in PUBLIC_PATHS)
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # redirects; errors were turned into responses inside
        _vary(exc)
        if ok and origin:
            exc.headers["Access-Control-Allow-Origin"] = origin
            exc.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        raise
    _vary(response)
    if ok and origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    return response


def setup(app: web.Application) -> None:
    """Put CORS outside every other middleware, so error responses carry it too."""
    app[REFUSALS] = Refusals()
    app.middlewares.insert(0, cors_middleware)
