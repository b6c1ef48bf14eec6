"""What one client may hold, over real sockets on loopback: a request's head and body have a
deadline, a client that leaves mid-upload or sends garbage is one log line, and connections
are capped below the open-file limit (a served subprocess with a low limit)."""

from __future__ import annotations

import asyncio
import logging
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web

from qa_service import limits

from .conftest import listening_port

ROOT = Path(__file__).resolve().parent.parent
ASK_HEAD = (
    "POST /api/v1/ask HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
    "Content-Length: 100\r\n\r\n"
)


@pytest.fixture
async def served(
    make_app: Callable[..., web.Application],
) -> AsyncIterator[Callable[..., Any]]:
    """Serves an app through the same runner as the CLI, on 127.0.0.1 and a free port."""
    runners: list[web.AppRunner] = []

    async def start(max_connections: int = 1000, **settings: Any) -> int:
        runner = limits.Runner(make_app(**settings), max_connections=max_connections)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return int(runner.addresses[0][1])

    yield start
    for runner in runners:
        await runner.cleanup()


async def _trickle(writer: asyncio.StreamWriter, data: bytes, every: float) -> None:
    for byte in data:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(every)


async def test_a_body_trickled_byte_by_byte_is_cut_off(served: Callable[..., Any]) -> None:
    port = await served(read_timeout=1.0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(ASK_HEAD.encode())
    trickle = asyncio.create_task(_trickle(writer, b'{"question": "' + b"x" * 90, 0.2))
    try:
        response = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        trickle.cancel()
        writer.close()
    assert response.startswith(b"HTTP/1.1 408 ")
    assert b"application/problem+json" in response
    assert b"did not arrive within 1 s" in response
    assert time.monotonic() - started < 5  # read() returned: the server closed the connection


async def test_a_head_trickled_line_by_line_is_cut_off(served: Callable[..., Any]) -> None:
    port = await served(read_timeout=1.0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(b"GET /healthz HTTP/1.1\r\n")
    trickle = asyncio.create_task(_trickle(writer, b"X-Slow: " + b"a" * 200, 0.2))
    try:
        response = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        trickle.cancel()
        writer.close()
    assert response == b""  # closed without an answer: there was no request to answer
    assert time.monotonic() - started < 5


async def test_a_slow_but_steady_client_still_gets_its_answer(
    served: Callable[..., Any],
) -> None:
    port = await served(read_timeout=3.0)
    body = b'{"question": "Do you sell my email address?"}'
    head = ASK_HEAD.replace("100", str(len(body))).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await _trickle(writer, head + body, 0.002)
    response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    writer.close()
    assert response.startswith(b"HTTP/1.1 200 ")


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("aiohttp", "qa_service", "asyncio"))]


async def _until(predicate: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_client_leaving_mid_upload_is_one_info_line(
    served: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    port = await served()
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(ASK_HEAD.encode() + b'{"questi')
    await writer.drain()
    writer.close()
    await _until(lambda: any("499" in r.getMessage() for r in _records(caplog)))
    await asyncio.sleep(0)  # anything logged after the access line would show below
    records = _records(caplog)
    assert [(r.levelname, r.name) for r in records] == [("INFO", "aiohttp.access")]
    assert '"POST /api/v1/ask" 499' in records[0].getMessage()
    assert not records[0].exc_info and not records[0].exc_text


@pytest.mark.parametrize(
    "garbage",
    [
        b"GARBAGE\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n",
    ],
    ids=["words", "tls-hello", "bad-length"],
)
async def test_garbage_is_a_problem_and_one_log_line(
    served: Callable[..., Any], caplog: pytest.LogCaptureFixture, garbage: bytes
) -> None:
    caplog.set_level(logging.DEBUG)
    port = await served()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(garbage)
    response = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    assert response.split(b"\r\n")[0].endswith(b" 400 Bad Request")
    assert b"application/problem+json" in response
    await _until(lambda: bool(_records(caplog)))
    records = _records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].levelname == "INFO"
    assert "127.0.0.1 bad request (" in records[0].getMessage()
    assert not records[0].exc_text


async def test_connections_past_the_cap_get_503_and_one_log_line(
    served: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    port = await served(max_connections=5)
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(5)]
    async with ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/healthz") as refused:
            assert refused.status == 503
            assert refused.headers["Retry-After"] == "1"
            assert refused.headers["Server"] == "policy-qa"
            problem = await refused.json(content_type="application/problem+json")
            assert problem["status"] == 503
        for _ in range(30):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert (await reader.read()).startswith(b"HTTP/1.1 503 ")
            writer.close()
        warnings = [r for r in caplog.records if "connections open" in r.getMessage()]
        assert len(warnings) == 1 and warnings[0].levelname == "WARNING"
        for _, writer in held:
            writer.close()

        async def healthy() -> bool:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                return response.status == 200

        deadline = time.monotonic() + 10
        while not await healthy():  # the held connections' slots come back as they close
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)


def test_the_default_cap_is_below_the_open_file_limit() -> None:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert 0 < limits.default_max_connections() < soft


def _low_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (320, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


def test_a_connection_flood_at_the_file_limit_is_refused_quietly(tmp_path: Path) -> None:
    """The server runs with 320 open files at most; 300 clients hold connections open."""
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "run.py", "serve", "--port", "0", "--rate-limit", "0"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_low_file_limit,
        )
    held: list[socket.socket] = []
    try:
        port = listening_port(proc, log_path)
        for _ in range(300):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        answered: set[socket.socket] = set()
        while True:  # the refused are answered at once; the admitted wait for a request
            readable, _, _ = select.select([s for s in held if s not in answered], [], [], 0.5)
            if not readable:
                break
            for sock in readable:
                assert sock.recv(64).startswith(b"HTTP/1.1 503")
                answered.add(sock)
        assert 100 <= len(answered) < 300  # the cap sits below the limit, with room to spare
        for sock in held:
            sock.close()
        held.clear()
        deadline = time.monotonic() + 10
        while True:  # once the flood is gone, a visitor is served again
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    break
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        for sock in held:
            sock.close()
        proc.terminate()
        proc.wait(timeout=30)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, text
    assert text.count("connections open, the most allowed") == 1, text
    assert "out of system resource" not in text and "Traceback" not in text


def test_the_limits_come_from_the_environment_and_the_command_line() -> None:
    from qa_service.cli import _settings, build_parser
    from qa_service.config import Settings

    env = {
        "POLICY_QA_READ_TIMEOUT": "2.5",
        "POLICY_QA_SHUTDOWN_TIMEOUT": "10",
        "POLICY_QA_MAX_CONNECTIONS": "500",
    }
    settings = Settings.from_env(env)
    assert (settings.read_timeout, settings.shutdown_timeout, settings.max_connections) == (
        2.5,
        10.0,
        500,
    )
    args = build_parser().parse_args(
        ["serve", "--read-timeout", "3", "--shutdown-timeout", "4", "--max-connections", "9"]
    )
    settings = _settings(args)
    assert (settings.read_timeout, settings.shutdown_timeout, settings.max_connections) == (
        3.0,
        4.0,
        9,
    )
    for bad in (
        {"POLICY_QA_READ_TIMEOUT": "soon"},
        {"POLICY_QA_READ_TIMEOUT": "0"},
        {"POLICY_QA_SHUTDOWN_TIMEOUT": "-1"},
        {"POLICY_QA_MAX_CONNECTIONS": "0"},
    ):
        with pytest.raises(ValueError, match=r"POLICY_QA|must be"):
            Settings.from_env(bad)
