"""Response hardening: a request id on every response, security headers, a Server header that
names no versions, and problem details (and one log line) even for requests so malformed that
aiohttp answers them before any middleware runs."""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web, web_protocol
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from qa_service.errors import problem_response
from qa_service.logs import PARSE_ERROR

REQUEST_ID = "X-Request-ID"
SERVER = "policy-qa"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# JSON and everything that is not a page: nothing may run, load or frame it.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Pages (/policy and the like): own scripts and styles only, no inline script, framed only by
# this site. The widget is a script a company includes in its page, so it needs no framing.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)


def request_id(sent: str | None) -> str:
    """The client's id if it is short and plain, else a fresh one (never echo arbitrary text)."""
    if sent is not None and _SANE_ID.fullmatch(sent):
        return sent
    return _new_id()


def _new_id() -> str:
    """32 random hex digits, like a UUID4's hex without its version bits; a quarter of the
    cost of building a UUID object per request."""
    return os.urandom(16).hex()


def security_headers(response: StreamResponse, path: str) -> None:
    """Adds the headers a handler has not set itself (a page may set its own CSP)."""
    headers = response.headers
    page = response.content_type == "text/html"
    headers["Server"] = SERVER  # not aiohttp's default, which names its and Python's versions
    headers.setdefault("Content-Security-Policy", PAGE_CSP if page else API_CSP)
    headers.setdefault("X-Frame-Options", "SAMEORIGIN" if page else "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if path.startswith(("/api/", "/admin/")):
        headers.setdefault("Cache-Control", "no-store")  # answers never sit in shared caches


@web.middleware
async def middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[StreamResponse]]
) -> StreamResponse:
    rid = request_id(request.headers.get(REQUEST_ID))
    response = await handler(request)
    response.headers[REQUEST_ID] = rid
    security_headers(response, request.path)
    return response


# --- requests aiohttp rejects while parsing them ---------------------------------------------
#
# A request line or header over aiohttp's limits, or a malformed one, is answered by
# RequestHandler.handle_error before the application sees it, as text/plain, after logging a
# traceback (ten lines for fifteen bytes of garbage). The replacement below answers problem
# details and leaves one line: the access line, which names the reason.


def _reason(exc: BaseException | None, message: str | None) -> str:
    text = message or (str(exc) if exc is not None else "") or "malformed request"
    name = type(exc).__name__ if exc is not None else "Error"
    return f"{name}: {' '.join(text.split())[:120]}"  # aiohttp's messages span lines


def _problem_handle_error(
    self: web_protocol.RequestHandler,
    request: BaseRequest,
    status: int = 500,
    exc: BaseException | None = None,
    message: str | None = None,
) -> StreamResponse:
    if status >= 500:  # a fault of ours, not of the request: keep the traceback
        self.log_exception("Error handling request from %s", request.remote, exc_info=exc)
    else:
        request[PARSE_ERROR] = _reason(exc, message)
    if request.writer.output_size > 0:  # as aiohttp's own: too late for another response
        raise ConnectionError("Response is sent already, cannot send another response")
    if status == 400:
        detail = "The request is not valid HTTP, or its line or headers are too long."
    elif status >= 500:
        detail = "Something went wrong on our side."
    else:
        detail = "The request was rejected."
    try:
        HTTPStatus(status)
    except ValueError:
        status = 400
    problem = problem_response(status, detail)
    problem.headers[REQUEST_ID] = _new_id()
    security_headers(problem, "")
    problem.force_close()
    return problem


def install_protocol_problems() -> None:
    """Makes aiohttp's own parse-error responses RFC 9457 problems (idempotent)."""
    handler_cls: Any = web_protocol.RequestHandler
    if handler_cls.handle_error is not _problem_handle_error:
        handler_cls.handle_error = _problem_handle_error
