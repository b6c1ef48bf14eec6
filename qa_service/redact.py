"""Redaction of what visitors type (cards, emails, phones, IBANs, SSNs) before anything is logged.

`redact()` is pure; `RedactingFilter` applies it to every log record of the loggers that
`install_redaction()` names, so no handler ever sees the original text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from numbers import Number

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# Country code, two check digits, then 11 to 30 letters or digits: in groups of 4 as printed,
# or in one piece (any case).
IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?\b"
    r"|\b[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}\b"
)
# A run of digits with the separators people type in card, phone and account numbers.
NUMBER = re.compile(r"(?<!\w)\+?\(?\d(?:[ ./()-]{0,2}\d){6,}(?!\w)")
SSN = re.compile(r"\d{3}[ -]?\d{2}[ -]?\d{4}")
IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")

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


def luhn_valid(digits: str) -> bool:
    total = 0
    for n, ch in enumerate(reversed(digits)):
        d = int(ch)
        if n % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _number(match: re.Match[str]) -> str:
    text = match.group()
    if IPV4.fullmatch(text):
        return text  # the access log's client address, not something a visitor typed
    digits = re.sub(r"\D", "", text)
    if 13 <= len(digits) <= 19 and luhn_valid(digits):
        return "[card]"
    if SSN.fullmatch(text):
        return "[ssn]"
    if len(digits) <= 15:
        return "[phone]"
    return "[number]"


def redact(text: str) -> str:
    """The text with personal data replaced by markers such as [card], [email] and [phone]."""
    # Every replacement below needs an @ (email) or seven digits (a number; an IBAN is kept
    # unless it has eight): most log text, such as "/api/v1/ask", has neither.
    if ("@" not in text and not _SEVEN_DIGITS.search(text)) or IPV4.fullmatch(text):
        return text
    text = EMAIL.sub("[email]", text)
    text = IBAN.sub(
        lambda m: "[iban]" if sum(c.isdigit() for c in m.group()) >= 8 else m.group(), text
    )
    return NUMBER.sub(_number, text)


_SEVEN_DIGITS = re.compile(r"\d(?:\D*\d){6}")
_FORMATTER = logging.Formatter()


class _Redacted:
    """A log argument that is redacted when the message is formatted."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return redact(str(self.value))

    def __repr__(self) -> str:
        return redact(repr(self.value))


def _safe(value: object) -> object:
    # Numbers pass as they are (status codes, sizes and times side by side would read as a
    # phone number); strings and everything else are redacted.
    if isinstance(value, Number):
        return value
    if isinstance(value, str):
        return redact(value)
    return _Redacted(value)


class RedactingFilter(logging.Filter):
    """Redacts a record's message, arguments, traceback and stack in place, for every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The filter sits on loggers and on handlers; a record redacted once is done.
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
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging() -> None:
    """INFO and up to stderr, a line per record. Records skip gathering the thread, process
    and multiprocessing names, which the format does not show (about 1 us an access line)."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False


def install_redaction(*handlers: logging.Handler) -> None:
    """Adds the filter to the LOGGERS and to the given handlers, once each."""
    targets: list[logging.Filterer] = [logging.getLogger(name) for name in LOGGERS]
    targets += handlers
    for target in targets:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())


class AccessLogger(AbstractAccessLogger):
    """Method, path without its query string, status, size and time: never what visitors typed."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s %s %.1fms',
            request.remote,
            request.method,
            request.path,
            response.status,
            response.body_length,
            time * 1000,
        )
