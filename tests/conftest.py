"""Shared fixtures: one engine for the session, apps with the rate limit off unless a test
turns it on, and a helper that serves the real CLI in a subprocess on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_settings(Settings())


@pytest.fixture
def make_app(engine: Engine) -> Callable[..., web.Application]:
    def make(**overrides: Any) -> web.Application:
        overrides.setdefault("rate_limit", 0)
        return create_app(Settings(**overrides), engine=engine)

    return make


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, make_app: Callable[..., web.Application]
) -> TestClient[Any, Any]:
    return await aiohttp_client(make_app())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """`run.py serve` in a subprocess on 127.0.0.1, its stderr (the log) in a file."""

    def __init__(self, tmp: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"server-{self.port}.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_QA_")}
        environ.update(env or {})
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "run.py"), "serve", "--port", str(self.port), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environ,
                cwd=ROOT,
            )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not start:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Served:
        served = Served(tmp_path, *args, env=env)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()
