"""What one client may hold: a deadline for a request's body, one access line (499) for a client
that leaves mid-upload, and a cap on open connections below the open-file limit.

The deadline for a request's head is aiohttp's keep-alive timer, set from the same setting
(`read_timeout`) in `app.create_app`: it runs from the moment a connection opens, or from its
previous response, until a whole request head has arrived.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web, web_protocol
from aiohttp.web_response import StreamResponse

from qa_service.errors import Problem, problem_response
from qa_service.state import SETTINGS

log = logging.getLogger("qa_service")

# nginx's status for "the client closed the connection before the response": only ever seen in
# the access log, as nobody is left to read it.
CLIENT_CLOSED = 499


@web.middleware
async def body_deadline(
    request: web.Request, handler: Callable[[web.Request], Awaitable[StreamResponse]]
) -> StreamResponse:
    """The body must arrive within `read_timeout` of the head (408 and the connection closed,
    else); a client that goes away meanwhile is one access line with status 499."""
    content = request.content
    timer: asyncio.TimerHandle | None = None
    expired = False
    timeout = request.app[SETTINGS].read_timeout
    if request.body_exists and not content.is_eof():

        def expire() -> None:
            nonlocal expired
            if not content.is_eof():
                expired = True
                content.set_exception(Problem(408, "timeout"))  # wakes the handler's read

        timer = asyncio.get_running_loop().call_later(timeout, expire)
    try:
        response = await handler(request)
    except Problem:
        if not expired:
            raise
        response = problem_response(
            408,
            f"The request body did not arrive within {timeout:g} s.",
            instance=request.path,
        )
    except ConnectionError:
        # The body's stream failed because the client went away: nothing to answer, nothing
        # went wrong here, and no traceback to log.
        transport = request.transport
        if transport is not None and not transport.is_closing():
            raise
        return web.Response(status=CLIENT_CLOSED, reason="Client Closed Request")
    finally:
        if timer is not None:
            timer.cancel()
    if expired:
        response.force_close()
    return response


# --- connections ------------------------------------------------------------------------------


# asyncio accepts up to this many connections at a time (aiohttp's listen backlog) before any
# of them reaches the cap, so the cap leaves that much room below the open-file limit.
ACCEPT_BATCH = 128


def default_max_connections() -> int:
    """The open-file limit less the files open now, one batch of accepts, and a reserve for
    what the process opens later (a sixteenth of the limit, at least 32)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 20
    try:
        used = sum(1 for _ in Path("/proc/self/fd").iterdir())
    except OSError:  # no /proc: assume a busy process
        used = 64
    return max(16, soft - used - ACCEPT_BATCH - max(32, soft // 16))


def _busy_response() -> bytes:
    problem = problem_response(
        503, "The server has too many open connections. Try again in a moment."
    )
    body = problem.body
    assert isinstance(body, bytes)
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        f"Content-Type: {problem.headers['Content-Type']}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Retry-After: 1\r\nConnection: close\r\nServer: policy-qa\r\n"
        "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n"
    )
    return head.encode("ascii") + body


class ConnectionCap:
    """Admits at most `limit` open connections to `server`; past that, a new connection is
    answered 503 and closed at once (its file descriptor freed), and the condition is logged
    once an `interval` with how many were refused, instead of once a connection."""

    def __init__(
        self,
        server: web.Server,
        limit: int,
        *,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.interval = interval
        self.clock = clock
        self.refused = 0
        self._open: set[web_protocol.RequestHandler] = set()
        self.all_closed = asyncio.Event()  # no admitted connection open
        self.all_closed.set()
        self._next_report = 0.0
        self._busy = _busy_response()
        self._made = server.connection_made
        self._lost = server.connection_lost
        server.connection_made = self.connection_made  # type: ignore[method-assign]
        server.connection_lost = self.connection_lost  # type: ignore[method-assign]

    def connection_made(
        self, handler: web_protocol.RequestHandler, transport: asyncio.Transport
    ) -> None:
        if len(self._open) < self.limit:
            self._open.add(handler)
            self.all_closed.clear()
            self._made(handler, transport)
            return
        # aiohttp keeps its books on the connection as usual; force_close() then sends the
        # answer and closes, once the connection's task has started (it expects to start
        # before the connection is lost), so the task ends before it reads anything.
        self._made(handler, transport)
        transport.write(self._busy)
        asyncio.get_running_loop().call_soon(handler.force_close)
        self.refused += 1
        now = self.clock()
        if now >= self._next_report:
            log.warning(
                "%d connections open, the most allowed: new ones are answered 503 "
                "(%d refused since the last report)",
                len(self._open),
                self.refused,
            )
            self.refused = 0
            self._next_report = now + self.interval

    def connection_lost(
        self, handler: web_protocol.RequestHandler, exc: BaseException | None = None
    ) -> None:
        self._open.discard(handler)
        if not self._open:
            self.all_closed.set()
        self._lost(handler, exc)


class Runner(web.AppRunner):
    """An AppRunner whose server admits at most `max_connections` open connections."""

    def __init__(self, app: web.Application, *, max_connections: int, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.max_connections = max_connections

    async def setup(self) -> None:
        await super().setup()
        assert self.server is not None
        self.cap = ConnectionCap(self.server, self.max_connections)
