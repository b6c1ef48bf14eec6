"""`run.py serve --workers 2` serves from gunicorn workers, and a killed worker is replaced."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ask(port: int, question: str) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/ask",
        data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        body: dict[str, object] = json.loads(response.read())
        return body


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _wait(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def server() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "run.py",
            "serve",
            "--workers",
            "2",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: len(_children(proc.pid)) == 2 and _ask(port, "hello"))
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_two_workers_answer(server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = server
    assert len(_children(proc.pid)) == 2
    answer = _ask(port, "do u sell my emial")
    assert answer["status"] == "answered"
    assert "not selling" in str(answer["answer"])


def test_a_killed_worker_is_replaced(server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = server
    before = _children(proc.pid)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    # The other worker keeps answering while gunicorn starts a new one.
    assert _ask(port, "do u sell my emial")["status"] == "answered"
    _wait(lambda: len(_children(proc.pid) - {victim}) == 2)
    after = _children(proc.pid)
    assert victim not in after and len(after) == 2
    for _ in range(6):  # both workers, old and new, serve
        assert _ask(port, "do u sell my emial")["status"] == "answered"


def _effective_date(port: int) -> object:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/clauses", timeout=5) as r:
        return json.loads(r.read())["policy"]["effective_date"]


def test_sighup_reloads_the_policy_in_every_worker(tmp_path: Path) -> None:
    policy = tmp_path / "emailcenterpro_privacy_statement.md"  # its curated intents still apply
    original = (ROOT / "corpus" / policy.name).read_text(encoding="utf-8")
    policy.write_text(original, encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "run.py",
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            "--policy",
            str(policy),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: len(_children(proc.pid)) == 2 and _ask(port, "hello"))
        assert _effective_date(port) == "02/22/08"

        policy.write_text(original.replace("02/22/08", "03/01/09"), encoding="utf-8")
        os.kill(proc.pid, signal.SIGHUP)
        # New workers fork from the rebuilt engine; every answer then comes from it.
        _wait(lambda: all(_effective_date(port) == "03/01/09" for _ in range(6)))

        policy.write_text("", encoding="utf-8")  # a broken update is refused
        os.kill(proc.pid, signal.SIGHUP)
        time.sleep(3)
        assert proc.poll() is None
        for _ in range(6):
            assert _effective_date(port) == "03/01/09"
            assert _ask(port, "do u sell my emial")["status"] == "answered"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
