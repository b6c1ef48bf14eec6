"""Serve with several worker processes under gunicorn's aiohttp worker.

The caller builds the engine once in the master, before gunicorn forks (`preload_app`),
so the workers share the read-only index pages copy-on-write and a bad policy fails at
start-up, not in every worker. Each worker then makes its own aiohttp application.

SIGHUP to the master reloads the policy: `on_reload` builds the new engine in the master
(a broken file is refused and the old engine kept), then gunicorn forks new workers from it
and lets the old ones finish their requests.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from gunicorn.app.base import BaseApplication

AppFactory = Callable[[], web.Application]


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(
        self, factory: AppFactory, options: dict[str, Any], access_log_class: type[Any]
    ) -> None:
        self.factory = factory
        self.options = options
        self.access_log_class = access_log_class
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # newer settings are skipped on older gunicorns
                self.cfg.set(key, value)

    def load(self) -> Callable[[], Any]:
        factory, access_log_class = self.factory, self.access_log_class

        async def runner() -> web.AppRunner:
            # The same access log as the single-process server: path, never the query.
            return web.AppRunner(
                factory(),
                access_log_class=access_log_class,
                access_log=logging.getLogger("aiohttp.access"),
            )

        return runner


def _reload(on_reload: Callable[[], None] | None) -> None:
    if on_reload is not None:
        on_reload()
        gc.freeze()  # the new engine too, before the new workers fork


def serve(
    factory: AppFactory,
    host: str,
    port: int,
    workers: int,
    access_log_class: type[AbstractAccessLogger] | None = None,
    on_reload: Callable[[], None] | None = None,
) -> None:
    """Run `workers` processes answering on host:port until gunicorn is told to stop."""
    # Objects built so far (the engine) move to a generation the collector never visits, so
    # collections in the workers do not write to, and so copy, the pages they share.
    gc.freeze()
    if access_log_class is None:
        from qa_service.logs import AccessLogger

        access_log_class = AccessLogger
    _Server(
        factory,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "aiohttp.GunicornWebWorker",
            "preload_app": True,
            "graceful_timeout": 10,
            "accesslog": None,
            # No control socket: it sits at a fixed path in $HOME, shared by every instance.
            "control_socket_disable": True,
            "on_reload": lambda arbiter: _reload(on_reload),
        },
        access_log_class,
    ).run()
