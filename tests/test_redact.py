"""What visitors type never reaches a log unredacted: the pure function, and the real log
output of a running app (caplog sees records after the loggers' filters have run)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_service.logs import RedactingFilter
from qa_service.redact import luhn_valid, redact, redact_all

CARD = "4111 1111 1111 1111"
EMAIL = "jane.doe+shop@example.co.uk"
PHONE = "+1 (555) 123-4567"
SECRET_QUESTION = f"my card {CARD}, mail {EMAIL}, phone {PHONE}: do you sell my email?"


# Every form a visitor has been seen to type, the ones that leaked in review included: the
# marker says what was found, and nothing of the original number or address is left.
FORMS = [
    # cards: any separators, Unicode spaces and digits, glued to letters, Luhn decides
    (f"card {CARD} please", "card [card] please"),
    ("4111-1111-1111-1111", "[card]"),
    ("4111 - 1111 - 1111 - 1111", "[card]"),
    ("4111 / 1111 / 1111 / 1111", "[card]"),
    ("4111\t1111\t1111\t1111", "[card]"),
    ("4111\u00a01111\u00a01111\u00a01111", "[card]"),  # no-break spaces
    ("4111\u202f1111\u20091111\u30001111", "[card]"),  # narrow, thin, ideographic spaces
    ("4111,1111,1111,1111", "[card]"),
    ("4111, 1111, 1111, 1111", "[card]"),
    ("4111_1111_1111_1111", "[card]"),
    ("4111   1111   1111   1111", "[card]"),
    ("4111.1111.1111.1111", "[card]"),
    ("4111\u20131111\u20141111\u22121111", "[card]"),  # en dash, em dash, minus sign
    ("4111\u200b1111\u00ad1111\u20601111", "[card]"),  # zero-width space, soft hyphen, joiner
    ("4111\n1111\n1111\n1111", "[card]"),
    (
        "\uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 "
        "\uff11\uff11\uff11\uff11",
        "[card]",
    ),  # full-width digits
    ("\u0664" + "\u0661" * 15, "[card]"),  # Arabic-Indic digits
    ("x4111111111111111", "x[card]"),
    ("4111111111111111th", "[card]th"),
    ("card#4111111111111111#", "card#[card]#"),
    ("5500005555555559", "[card]"),
    ("378282246310005", "[card]"),  # Amex, 15 digits
    ("6011 0009 9013 9424", "[card]"),
    ("4111 1111 1111 1111 12/27", "[card] 12/27"),
    ("4111 1111 1111 1112 is not a card", "[number] is not a card"),
    ("4111,1111,1111,1112", "[number]"),
    # phones, found by phonenumbers
    (f"call {PHONE} now", "call [phone] now"),
    ("+44 - 20 - 7946 - 0958", "[phone]"),
    ("+44 20 7946 0958", "[phone]"),
    ("+44\u00a020\u00a07946\u00a00958", "[phone]"),
    ("0044 20 7946 0958", "[phone]"),
    ("020 7946 0958", "[phone]"),
    ("+44 7700 900123", "[phone]"),
    ("+49 30 12345678", "[phone]"),
    ("+33 1 23 45 67 89", "[phone]"),
    ("+91 98765 43210", "[phone]"),
    ("(212) 555-0187", "[phone]"),
    ("1-800-605-7057", "[phone]"),
    ("+44 20 7946 0958 ext. 123", "[phone]"),
    ("555.123.4567", "[number]"),  # no such area code: still hidden
    # emails
    (f"write to {EMAIL}", "write to [email]"),
    ("A.B@sub.example.org,", "[email],"),
    ("john@localhost", "[email]"),
    ("john.doe @ example.com", "[email]"),
    ("john.doe@ example.com", "[email]"),
    ("JOHN@EXAMPLE.COM", "[email]"),
    ("john\uff20example.com", "[email]"),  # full-width @
    ("john (at) example (dot) com", "[email]"),
    ("john[at]example.com", "[email]"),
    ('"john doe"@example.com', "[email]"),
    ("john@[192.0.2.1]", "[email]"),
    ("/api/v1/clauses/john@localhost", "/api/v1/clauses/[email]"),
    # other identifiers
    ("ssn 123-45-6789", "ssn [ssn]"),
    ("DE89 3704 0044 0532 0130 00 is mine", "[iban] is mine"),
    ("gb82west12345698765432", "[iban]"),
    ("account 12345678901234567890", "account [number]"),
    # left alone
    ("do you sell my email?", "do you sell my email?"),
    ("clause we-have-a-strict-policy-d1f494", "clause we-have-a-strict-policy-d1f494"),
    ('127.0.0.1 "GET /healthz" 200', '127.0.0.1 "GET /healthz" 200'),
    ("192.168.100.200", "192.168.100.200"),
    ("version 3.14.5, 1000 characters", "version 3.14.5, 1000 characters"),
    ("in 2019 and 2020", "in 2019 and 2020"),
    ("    @web.middleware", "    @web.middleware"),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_the_table_covers_forty_forms() -> None:
    assert len({text for text, expected in FORMS if expected != text}) >= 40


def test_redact_is_idempotent() -> None:
    once = redact(SECRET_QUESTION)
    assert redact(once) == once
    assert CARD not in once and EMAIL not in once and "123-4567" not in once


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


def test_filter_redacts_arguments_traceback_and_keeps_numbers() -> None:
    record = logging.LogRecord(
        "qa_service", logging.ERROR, __file__, 1, "%s %r %d %s %s", None, None
    )
    record.args = (EMAIL, {"q": CARD}, 200, 1234, 5.5)
    try:
        raise ValueError(f"bad {PHONE}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert text.startswith("[email] {'q': '[card]'} 200 1234 5.5")
    assert "ValueError: bad [phone]" in text
    assert EMAIL not in text and CARD not in text and PHONE not in text


def _all_logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records)


async def _ask_secrets(client: TestClient[Any, Any]) -> None:
    response = await client.post("/api/v1/ask", json={"question": SECRET_QUESTION})
    assert response.status == 200
    response = await client.get(
        "/api/v1/search", params={"q": f"{CARD} {EMAIL} {PHONE}", "limit": "3"}
    )
    assert response.status == 200
    response = await client.get(f"/api/v1/clauses/{EMAIL}")  # in the path itself
    assert response.status == 404
    response = await client.get("/api/v1/clauses/x4111%09-%091111%20-%201111\u00a01111th")
    assert response.status == 404
    response = await client.get("/api/v1/clauses/john.doe%20@%20localhost")
    assert response.status == 404


async def test_questions_are_not_logged_by_default(
    aiohttp_client: Callable[..., Any],
    make_app: Callable[..., web.Application],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await aiohttp_client(make_app())
    await _ask_secrets(client)
    logged = _all_logged(caplog)
    assert '"POST /api/v1/ask" 200' in logged  # the access log ran...
    assert '"GET /api/v1/search" 200' in logged  # ...without the query string
    assert '"GET /api/v1/clauses/[email]" 404' in logged  # ...and with paths redacted
    assert '"GET /api/v1/clauses/x[card]th" 404' in logged
    assert logged.count('"GET /api/v1/clauses/[email]" 404') == 2
    assert "question (" not in logged
    for secret in (CARD, "4111111111111111", EMAIL, "123-4567", "sell my email", "q="):
        assert secret not in logged


async def test_log_questions_opt_in_logs_them_redacted(
    aiohttp_client: Callable[..., Any],
    make_app: Callable[..., web.Application],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await aiohttp_client(make_app(log_questions=True))
    await _ask_secrets(client)
    logged = _all_logged(caplog)
    assert "qa_service question (" in logged
    assert "my card [card], mail [email], phone [phone]: do you sell my email?" in logged
    for secret in (CARD, "4111111111111111", EMAIL, "123-4567"):
        assert secret not in logged


async def test_errors_logged_with_tracebacks_are_redacted(
    aiohttp_client: Callable[..., Any],
    make_app: Callable[..., web.Application],
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def explode(request: web.Request) -> web.Response:
        raise RuntimeError(f"engine choked on {request.query['q']}")

    app = make_app()
    app.router.add_get("/explode", explode)
    client = await aiohttp_client(app)
    response = await client.get("/explode", params={"q": f"{CARD} {EMAIL}"})
    assert response.status == 500
    assert response.content_type == "application/problem+json"
    body = await response.text()
    assert "Traceback" not in body and "choked" not in body
    logged = _all_logged(caplog) + "".join(r.exc_text or "" for r in caplog.records)
    assert "RuntimeError: engine choked on [card] [email]" in logged
    assert CARD not in logged and EMAIL not in logged


@given(
    st.text(alphabet="0123456789 .-/()+@abcDE:,_\t\u00a0\u2013\uff14", max_size=40)
    | st.from_regex(r"[A-Z]{2}[0-9]{2}[A-Z0-9 ]{8,30}", fullmatch=True)
    | st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", fullmatch=True)
)
@settings(max_examples=400, deadline=None)
def test_the_shortcut_skips_only_texts_no_rule_changes(text: str) -> None:
    """Texts without an @ and with fewer than seven digits are returned as they are (once
    normalised): exactly the ones that every rule, applied in full, leaves alone."""
    assert redact(text) == redact_all(text)
