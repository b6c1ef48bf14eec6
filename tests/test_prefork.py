"""`run.py serve --workers 2` serves from gunicorn workers (real gunicorn, in a subprocess):
a killed worker is replaced and gunicorn's own log lines survive; SIGHUP reloads every worker,
a refused policy changes nothing (no worker recycled); SIGTERM is bounded even with an upload
stalled mid-body."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.soak import children

from .conftest import Served

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "corpus" / "emailcenterpro_privacy_statement.md"

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _wait(condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("timed out")


class Workers(Served):
    """The CLI with --workers 2 on 127.0.0.1, its log (stderr) in a file."""

    def __init__(self, tmp: Path, *args: str) -> None:
        super().__init__(tmp, "--workers", "2", *args)
        _wait(lambda: len(self.children()) == 2 and self.ask("hello"))

    def children(self) -> set[int]:
        return set(children(self.proc.pid))

    def effective_date(self) -> object:
        url = f"http://127.0.0.1:{self.port}/api/v1/clauses"
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())["policy"]["effective_date"]

    def signal_and_wait(self, sig: int) -> None:
        """Sends `sig`, then SIGUSR1, and waits until the master has handled the SIGUSR1: the
        master handles signals one at a time, so `sig` is fully handled by then."""
        handled = self.log().count("Handling signal: usr1")
        os.kill(self.proc.pid, sig)
        os.kill(self.proc.pid, signal.SIGUSR1)
        _wait(lambda: self.log().count("Handling signal: usr1") > handled)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., Workers]]:
    started: list[Workers] = []

    def start(*args: str) -> Workers:
        started.append(Workers(tmp_path, *args))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_two_workers_answer_and_a_killed_one_is_replaced_and_logged(
    workers: Callable[..., Workers],
) -> None:
    server = workers()
    before = server.children()
    assert len(before) == 2
    answer = server.ask("do u sell my emial")
    assert answer["status"] == "answered" and "not selling" in str(answer["answer"])
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    # The other worker keeps answering while gunicorn starts a new one.
    assert server.ask("do u sell my emial")["status"] == "answered"
    _wait(lambda: len(server.children() - {victim}) == 2)
    for _ in range(6):  # both workers, old and new, serve
        assert server.ask("do u sell my emial")["status"] == "answered"
    _wait(lambda: f"Worker (pid:{victim}) was sent SIGKILL" in server.log())
    log = server.log()
    assert "Logging error" not in log and "NoneType" not in log  # gunicorn's lines print
    assert log.count("Booting worker with pid") == 3
    assert server.stop() == 0


def test_sighup_reloads_every_worker_and_a_refused_policy_changes_nothing(
    workers: Callable[..., Workers], tmp_path: Path
) -> None:
    policy = tmp_path / POLICY.name  # its curated intents still apply
    original = POLICY.read_text(encoding="utf-8")
    policy.write_text(original, encoding="utf-8")
    server = workers("--policy", str(policy))
    assert server.effective_date() == "02/22/08"

    policy.write_text(original.replace("02/22/08", "03/01/09"), encoding="utf-8")
    first = server.children()
    server.signal_and_wait(signal.SIGHUP)
    # New workers forked from the rebuilt engine; every answer comes from it.
    _wait(lambda: server.children().isdisjoint(first) and len(server.children()) == 2)
    assert all(server.effective_date() == "03/01/09" for _ in range(6))

    policy.write_text("", encoding="utf-8")  # a broken update is refused...
    serving = server.children()
    server.signal_and_wait(signal.SIGHUP)
    assert "policy reload rejected" in server.log()
    assert server.children() == serving  # ...and no worker was recycled for it
    assert server.log().count("Booting worker with pid") == 4
    for _ in range(6):
        assert server.effective_date() == "03/01/09"
        assert server.ask("do u sell my emial")["status"] == "answered"
    assert server.stop() == 0


def test_sigterm_with_a_stalled_upload_stops_within_the_shutdown_timeout(
    workers: Callable[..., Workers],
) -> None:
    server = workers("--shutdown-timeout", "2", "--read-timeout", "60")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as stalled:
        stalled.sendall(
            b"POST /api/v1/ask HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"question": "'
        )
        for _ in range(4):  # a worker has taken our connection by the time these are answered
            assert server.ask("hello")
        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=30)
        elapsed = time.monotonic() - started
    assert server.proc.returncode == 0, server.log()
    assert elapsed < 2.0 + 1.0, f"stopped {elapsed:.1f} s after SIGTERM"
