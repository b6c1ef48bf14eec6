"""Log hygiene: a client cannot forge a log line, a flood of one error is logged a few times,
and the served log (a real subprocess) keeps one line per request."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
from collections.abc import Callable
from typing import Any

import pytest

from qa_service.logs import RedactingFilter, RepeatFilter, escape

# How every record of the served log begins (the format of qa_service.logs.LOG_FORMAT).
RECORD_START = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain /api/v1/ask", "plain /api/v1/ask"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("esc \x1b[2J", "esc \\x1b[2J"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("next line\x85", "next line\\x85"),
        ("line\u2028sep", "line\\u2028sep"),
        ("para\u2029sep", "para\\u2029sep"),
        ("bidi \u202eevil", "bidi \\u202eevil"),
        ("isolate \u2066x\u2069", "isolate \\u2066x\\u2069"),
        ("caf\u00e9 \u00a0 \u4e2d\u6587", "caf\u00e9 \u00a0 \u4e2d\u6587"),  # printable stays
    ],
)
def test_escape_puts_any_text_on_one_line(text: str, expected: str) -> None:
    assert escape(text) == expected
    assert len(escape(text).splitlines()) <= 1


def _format(record: logging.LogRecord) -> str:
    assert RedactingFilter().filter(record)
    return logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)


def test_arguments_and_messages_are_escaped() -> None:
    record = logging.LogRecord(
        "aiohttp.access", logging.INFO, __file__, 1, '%s "%s %s" %s', None, None
    )
    record.args = ("127.0.0.1", "GET", "/x\nINFO qa_service policy reloaded\x1b[2J", 404)
    text = _format(record)
    assert text == (
        'INFO aiohttp.access 127.0.0.1 "GET /x\\nINFO qa_service policy reloaded\\x1b[2J" 404'
    )
    bare = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "one\ntwo\u2028", None, None)
    assert _format(bare) == "ERROR asyncio one\\ntwo\\u2028"


def test_a_traceback_keeps_its_lines_indented_so_none_starts_a_record() -> None:
    record = logging.LogRecord("qa_service", logging.ERROR, __file__, 1, "failed", None, None)
    try:
        raise ValueError("bad\nERROR qa_service forged\x1b[2J")
    except ValueError:
        record.exc_info = sys.exc_info()
    lines = _format(record).split("\n")
    assert lines[0] == "ERROR qa_service failed"
    assert len(lines) > 3 and all(line.startswith("  ") for line in lines[1:])
    assert "  ERROR qa_service forged\\x1b[2J" in lines


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_repeated_errors_are_logged_a_few_times_a_window() -> None:
    clock = Clock()
    limit = RepeatFilter(burst=3, window=60, clock=clock)

    def record(msg: str, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("aiohttp.server", level, __file__, 1, msg, None, None)

    passed = [limit.filter(record("Error handling request from %s")) for _ in range(1000)]
    assert passed.count(True) == 3
    assert limit.filter(record("another kind"))  # counted per kind of message
    assert all(limit.filter(record("an info line", logging.INFO)) for _ in range(100))
    clock.now += 60
    later = record("Error handling request from %s")
    assert limit.filter(later)
    assert later.msg == "Error handling request from %s [997 more like this not logged]"


async def _raw(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    return response


async def test_a_client_cannot_forge_a_line_of_the_served_log(
    serve: Callable[..., Any],
) -> None:
    server = serve("--rate-limit", "0", "--log-questions")
    forged = "%0aINFO%20qa_service%20policy%20reloaded%1b%5b2J%e2%80%a8x"
    response = await _raw(
        server.port,
        f"GET /api/v1/clauses/x{forged} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".encode(),
    )
    assert response.startswith(b"HTTP/1.1 404")
    questions = [
        "sell my data?\nINFO qa_service policy reloaded",
        "sell\rmy data?\x1b[31m red",
        "sell my data?\u2028INFO forged\u2029\x85",
    ]
    for question in questions:
        body = json.dumps({"question": question}).encode()
        head = (
            "POST /api/v1/ask HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        assert (await _raw(server.port, head.encode() + body)).startswith(b"HTTP/1.1 200")
    assert server.stop() == 0
    log = server.log()
    lines = log.split("\n")
    assert all(RECORD_START.match(line) or not line for line in lines), log
    assert "\x1b" not in log and "\u2028" not in log and "\x85" not in log and "\r" not in log
    assert '"GET /api/v1/clauses/x\\nINFO qa_service policy reloaded\\x1b[2J\\u2028x" 404' in log
    assert "question (answered, sell_email): sell my data?\\nINFO qa_service policy reloaded" in log
    assert "sell\\rmy data?\\x1b[31m red" in log
    assert "sell my data?\\u2028INFO forged\\u2029\\x85" in log
    assert len([line for line in lines if '"POST /api/v1/ask" 200' in line]) == 3
