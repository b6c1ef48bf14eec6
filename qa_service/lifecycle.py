"""Graceful shutdown: on SIGTERM, finish every request already being handled, refuse new ones
with 503, then let aiohttp stop.

aiohttp's own shutdown stops reading from connections first, so a request whose body is still
arriving would wait out the shutdown timeout and fail; draining before that avoids it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.web_response import StreamResponse

from qa_service.errors import problem_response
from qa_service.state import SETTINGS

log = logging.getLogger("qa_service")


class Drain:
    def __init__(self) -> None:
        self.in_flight = 0
        self.draining = False
        self.idle = asyncio.Event()
        self.idle.set()

    def enter(self) -> None:
        self.in_flight += 1
        self.idle.clear()

    def leave(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self.idle.set()


DRAIN = web.AppKey("drain", Drain)


def setup(app: web.Application) -> None:
    app[DRAIN] = Drain()


@web.middleware
async def middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[StreamResponse]]
) -> StreamResponse:
    drain = request.app[DRAIN]
    if drain.draining:
        response = problem_response(
            503,
            "The service is restarting. Try again in a moment.",
            instance=request.path,
            headers={"Retry-After": "2"},
        )
        response.force_close()
        return response
    drain.enter()
    try:
        return await handler(request)
    finally:
        drain.leave()


def _graceful_exit() -> None:
    raise web.GracefulExit  # what run_app's own signal handler raises


async def _drain_then_exit(app: web.Application) -> None:
    drain = app[DRAIN]
    drain.draining = True
    timeout = app[SETTINGS].shutdown_timeout
    log.info("shutting down: finishing %d request(s) in flight", drain.in_flight)
    try:
        await asyncio.wait_for(drain.idle.wait(), timeout)
    except TimeoutError:
        log.warning("shutting down with %d request(s) unfinished", drain.in_flight)
    asyncio.get_running_loop().call_soon(_graceful_exit)


async def on_sigterm(app: web.Application) -> None:
    """An on_startup hook for the served app: SIGTERM and SIGINT drain, then stop."""
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()

    def stop() -> None:
        if not app[DRAIN].draining:
            task = loop.create_task(_drain_then_exit(app))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)  # replaces run_app's, which it removes at cleanup
