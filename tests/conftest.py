"""Shared fixtures: one engine for the session, apps with the rate limit and insights off
unless a test turns them on, a helper that serves the real CLI in a subprocess on loopback,
and the insights databases (an SQLite file, a throwaway PostgreSQL server)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from tests.needs import missing
from tests.postgres import Cluster, bindir

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture(scope="session", autouse=True)
def data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's data directory, where insights' default database goes, is a temporary one
    for every test and every server they start."""
    path = tmp_path_factory.mktemp("data-home")
    old = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(path)
    yield path
    if old is None:
        del os.environ["XDG_DATA_HOME"]
    else:
        os.environ["XDG_DATA_HOME"] = old


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_settings(Settings())


@pytest.fixture
def make_app(engine: Engine) -> Callable[..., web.Application]:
    def make(**overrides: Any) -> web.Application:
        overrides.setdefault("rate_limit", 0)
        overrides.setdefault("insights", False)
        return create_app(Settings(**overrides), engine=engine)

    return make


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, make_app: Callable[..., web.Application]
) -> TestClient[Any, Any]:
    return await aiohttp_client(make_app())


# The address a served process logs once it listens: ours, or gunicorn's master's.
LISTENING = re.compile(r"(?:listening on|Listening at:) http://127\.0\.0\.1:(\d+)")


def listening_port(proc: subprocess.Popen[bytes], log_path: Path, timeout: float = 30.0) -> int:
    """The port a server started with `--port 0` chose, read from its log: no other process
    can take it between a test choosing a port and the server binding it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = LISTENING.search(log_path.read_text(encoding="utf-8", errors="replace"))
        if found:
            return int(found.group(1))
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log_path.read_text()}")
        time.sleep(0.02)
    proc.kill()
    raise RuntimeError(f"server did not start:\n{log_path.read_text()}")


def stop_process(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM, then SIGKILL if it has not stopped in 30 s; its exit status."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


class Served:
    """`run.py serve` in a subprocess on 127.0.0.1, its stderr (the log) in a file."""

    def __init__(self, tmp: Path, *args: str, env: dict[str, str] | None = None) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_QA_")}
        environ.update(env or {})
        self.log_path = Path(tempfile.mkstemp(prefix="server-", suffix=".log", dir=tmp)[1])
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "run.py"), "serve", "--port", "0", *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environ,
                cwd=ROOT,
            )
        self.port = listening_port(self.proc, self.log_path)
        self.url = f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def ask(self, question: str) -> dict[str, object]:
        """POST the question to /api/v1/ask; the JSON reply (a 200, or the test fails)."""
        request = urllib.request.Request(
            f"{self.url}/api/v1/ask",
            data=json.dumps({"question": question}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            body: dict[str, object] = json.loads(response.read())
            return body

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> int:
        return stop_process(self.proc)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keeps each phase's report on the test, so fixtures can tell that it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def serve(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Served:
        served = Served(tmp_path, *args, env=env)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:  # the servers' logs, to see why
        for served in started:
            print(f"--- log of the server on port {served.port}:\n{served.log()}")


# --- insights databases -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A PostgreSQL server for the session; missing PostgreSQL skips, or fails in CI."""
    found = bindir()
    if found is None:
        missing(
            "PostgreSQL tests", "no PostgreSQL: install it with `apt-get install -y postgresql`"
        )
    cluster = Cluster(found)
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database of each kind, as the URL --database takes."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'insights.db'}"
    cluster: Cluster = request.getfixturevalue("postgres")
    return cluster.create_database()
