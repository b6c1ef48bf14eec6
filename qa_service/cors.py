"""CORS for the API and the widget's assets: an allow-list of origins, preflight included.

Small on purpose (aiohttp-cors is unmaintained): the widget runs on other sites and calls
`/api/*` from there, and nothing else needs to be readable cross-origin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.web_response import StreamResponse

from qa_service.config import Settings
from qa_service.state import SETTINGS

Handler = Callable[[web.Request], Awaitable[StreamResponse]]

# Paths a page on another origin may read: the JSON API and the widget's own files.
CORS_PREFIXES = ("/api/",)
CORS_PATHS = frozenset({"/widget.js", "/widget.json"})
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
    if (
        not origin_allowed(origin, settings)
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
    app.middlewares.insert(0, cors_middleware)
