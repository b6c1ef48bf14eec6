"""Serve with several worker processes under gunicorn, with aiohttp's worker.

The caller builds the engine once in the master, before gunicorn forks (`preload_app`),
so the workers share the read-only index pages copy-on-write and a bad policy fails at
start-up, not in every worker. Each worker then makes its own aiohttp application.

SIGHUP to the master reloads the policy: the new engine is built in the master first; if the
files are refused, nothing else happens (the workers keep serving the old one). If it is
built, gunicorn forks new workers from it and the old ones hand over: they stop accepting,
answer what still arrives on their connections with "Connection: close", and exit once those
are closed (by the client, or idle ones by the keep-alive timer, as on any day), so no request
meets a connection closed under it by the reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import math
import os
from collections.abc import Callable
from types import FrameType
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.worker import GunicornWebWorker
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from qa_service import lifecycle, limits

AppFactory = Callable[[], web.Application]
Rebuild = Callable[[], bool]  # True: a new engine is in place; False: refused, nothing changed


class Worker(GunicornWebWorker):
    """aiohttp's gunicorn worker, ending with a handover rather than closing its connections
    outright, within gunicorn's graceful timeout (the service's shutdown timeout)."""

    def init_process(self) -> None:
        self.stopping: asyncio.Event | None = None
        super().init_process()

    async def _run(self) -> None:
        runner = await self.wsgi()  # _Server.load: a limits.Runner for a new app
        await runner.setup()
        for sock in self.sockets:
            await web.SockSite(runner, sock).start()
        self.booted = True
        self.stopping = asyncio.Event()
        parent = os.getppid()
        while self.alive:
            self.notify()
            if os.getppid() != parent:
                self.log.info("Parent changed, shutting down: %s", self)
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), 1.0)
        # Stop accepting first, and let the connections accepted a moment ago attach before
        # the listening sockets close: asyncio resets a connection it attaches to a closed
        # server (seen as "connection reset by peer" in soaks under load).
        loop = asyncio.get_running_loop()
        for sock in self.sockets:
            loop.remove_reader(sock.fileno())
        await asyncio.sleep(0.1)
        drain, _ = lifecycle.budget(self.cfg.graceful_timeout)
        await lifecycle.hand_over(runner, drain)
        await runner.cleanup()

    def _stop(self) -> None:
        self.alive = False
        if self.stopping is not None:
            self.stopping.set()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._stop()  # SIGTERM: gunicorn's reload or stop

    def handle_quit(self, sig: int, frame: FrameType | None) -> None:
        self._stop()
        self.cfg.worker_int(self)


class _Arbiter(Arbiter):  # type: ignore[misc]
    def __init__(self, app: _Server, rebuild: Rebuild | None) -> None:
        super().__init__(app)
        self.rebuild = rebuild

    def handle_hup(self) -> None:
        # gunicorn would recycle every worker whatever the reload hook decided; a refused
        # policy must change nothing, so the engine is built before anything else happens.
        if self.rebuild is not None:
            if not self.rebuild():
                return  # the reason is logged; the workers keep serving the old engine
            gc.freeze()  # the new engine too, before the new workers fork
        super().handle_hup()


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(
        self,
        runner: Callable[[], limits.Runner],
        options: dict[str, Any],
        rebuild: Rebuild | None,
    ) -> None:
        self.runner = runner
        self.options = options
        self.rebuild = rebuild
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer settings are skipped on older gunicorns
                self.cfg.set(key, value)

    def load(self) -> Callable[[], Any]:
        make = self.runner

        async def runner() -> limits.Runner:
            return make()

        return runner

    def run(self) -> None:
        _Arbiter(self, self.rebuild).run()


def serve(
    factory: AppFactory,
    host: str,
    port: int,
    workers: int,
    access_log_class: type[AbstractAccessLogger] | None = None,
    on_reload: Rebuild | None = None,
    *,
    shutdown_timeout: float = 30.0,
    max_connections: int | None = None,
) -> None:
    """Run `workers` processes answering on host:port until gunicorn is told to stop; each
    stops within `shutdown_timeout` seconds of SIGTERM."""
    # Objects built so far (the engine) move to a generation the collector never visits, so
    # collections in the workers do not write to, and so copy, the pages they share.
    gc.freeze()
    if access_log_class is None:
        from qa_service.logs import AccessLogger

        access_log_class = AccessLogger
    _, close = lifecycle.budget(math.ceil(shutdown_timeout))

    def runner() -> limits.Runner:
        # The same access log as the single-process server: path, never the query.
        return limits.Runner(
            factory(),
            max_connections=max_connections or limits.default_max_connections(),
            access_log_class=access_log_class,
            access_log=logging.getLogger("aiohttp.access"),
            shutdown_timeout=close,
        )

    _Server(
        runner,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": Worker,
            "preload_app": True,
            # The master kills what is left at the end of it: the whole shutdown's bound.
            # (whole seconds: gunicorn's unit; the workers' budget follows it).
            "graceful_timeout": math.ceil(shutdown_timeout),
            # A worker handing over does not report for up to that long: not a hung worker.
            "timeout": max(30, math.ceil(shutdown_timeout) + 5),
            "accesslog": None,
            # No control socket: it sits at a fixed path in $HOME, shared by every instance.
            "control_socket_disable": True,
        },
        on_reload,
    ).run()
