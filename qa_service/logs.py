"""Log hygiene: one record is one line, nothing a visitor typed is logged unredacted, and a
flood of one error is logged a few times a minute, not once per request.

Every argument a record carries is redacted (`redact.redact`) and its control characters
escaped (`\\n`, `\\x1b`, `\\u2028`...), so a client cannot forge a log line; tracebacks keep
their lines but are indented, so only a record's first line starts at the margin.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from numbers import Number

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from qa_service.redact import preload, redact

# The loggers whose records may carry request data: ours, aiohttp's, asyncio's and the ones a
# gunicorn deployment adds.
LOGGERS = (
    "qa_service",
    "aiohttp",
    "aiohttp.access",
    "aiohttp.client",
    "aiohttp.internal",
    "aiohttp.server",
    "aiohttp.web",
    "aiohttp.websocket",
    "asyncio",
    "gunicorn.error",
    "gunicorn.access",
)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
# overrides that make a terminal show text in another order than it was written.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROL_NOT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escape_one(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """The text on one line: control and line-breaking characters written as escapes."""
    if text.isprintable():  # the common case, checked in C
        return text
    return _CONTROL.sub(_escape_one, text)


def _indent_block(text: str) -> str:
    """A traceback or stack: its own lines kept, each indented, other controls escaped."""
    text = _CONTROL_NOT_NEWLINE.sub(_escape_one, text)
    return "\n".join("  " + line for line in text.split("\n"))


_FORMATTER = logging.Formatter()


def _redacted(text: str) -> str:
    try:
        return redact(text)
    except Exception:  # never let the original through, nor break the logging call
        return "[not logged: redaction failed]"


def clean(value: object) -> str:
    """A value as it may be logged: redacted, then on one line."""
    return escape(_redacted(str(value)))


class _Clean:
    """A log argument that is cleaned when the message is formatted (it may be formatted with
    %r or %s, so the object is kept until then)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return clean(self.value)

    def __repr__(self) -> str:
        return escape(_redacted(repr(self.value)))


def _safe(value: object) -> object:
    # Numbers pass as they are (status codes, sizes and times side by side would read as a
    # phone number); strings and everything else are redacted and escaped.
    if isinstance(value, Number):
        return value
    if isinstance(value, str):
        return clean(value)
    return _Clean(value)


class RedactingFilter(logging.Filter):
    """Redacts and escapes a record's message and arguments, and redacts and indents its
    traceback and stack, in place, for every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The filter sits on loggers and on handlers; a record cleaned once is done.
        if getattr(record, "redacted", False):
            return True
        record.redacted = True
        record.msg = _safe(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {k: _safe(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_safe(a) for a in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _indent_block(_redacted(record.exc_text))
        if record.stack_info:
            record.stack_info = _indent_block(_redacted(record.stack_info))
        return True


_DIGITS = re.compile(r"\d+")


class RepeatFilter(logging.Filter):
    """Warnings and errors of one kind (logger, level and message template) at most `burst`
    times a `window`; the next one let through says how many were dropped meanwhile."""

    def __init__(
        self,
        burst: int = 5,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.burst = burst
        self.window = window
        self.clock = clock
        self._seen: dict[tuple[str, int, str], list[float]] = {}  # key: [window start, count]
        self._dropped: dict[tuple[str, int, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        # A message formatted before logging (asyncio's) differs in its numbers only.
        key = (record.name, record.levelno, _DIGITS.sub("#", str(record.msg))[:100])
        now = self.clock()
        seen = self._seen.get(key)
        if seen is None or now - seen[0] >= self.window:
            if len(self._seen) > 1000:  # a bounded table: forget the kinds not seen lately
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.window}
            self._seen[key] = [now, 1]
        elif seen[1] >= self.burst:
            self._dropped[key] = self._dropped.get(key, 0) + 1
            return False
        else:
            seen[1] += 1
        dropped = self._dropped.pop(key, 0)
        if dropped:
            record.msg = f"{record.msg} [{dropped} more like this not logged]"
        return True


def configure_logging() -> None:
    """INFO and up to stderr, a line per record. Records skip gathering the thread and
    multiprocessing names, which no format shows; the process id stays, as gunicorn's own
    log format prints it."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.logThreads = logging.logMultiprocessing = False


def install_filters(*handlers: logging.Handler) -> None:
    """Adds the redacting filter to the LOGGERS and to the given handlers, and the repeat
    filter after it on the loggers, once each."""
    preload()
    targets: list[logging.Filterer] = [logging.getLogger(name) for name in LOGGERS]
    targets += handlers
    for target in targets:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RepeatFilter) for f in logger.filters):
            logger.addFilter(RepeatFilter())


# Set on a request aiohttp could not parse (by `security`): the reason, for the access line.
PARSE_ERROR = web.RequestKey("parse_error", str)


class AccessLogger(AbstractAccessLogger):
    """Method, path without its query string, status, size and time: never what visitors
    typed. A request that could not be parsed is one line with the reason instead."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        reason = request.get(PARSE_ERROR)
        if reason is not None:
            self.logger.info(
                "%s bad request (%s) %s %.1fms",
                request.remote,
                reason,
                response.status,
                time * 1000,
            )
            return
        self.logger.info(
            '%s "%s %s" %s %s %.1fms',
            request.remote,
            request.method,
            request.path,
            response.status,
            response.body_length,
            time * 1000,
        )
