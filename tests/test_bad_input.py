"""Bad requests against the real app: each gets its exact status and RFC 9457 body, never a
stack trace or a 500. Raw-socket cases cover what an HTTP client library would tidy up."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

ASK = "/api/v1/ask"
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    status: int
    detail: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    title: str | None = None


def q(value: Any) -> bytes:
    return json.dumps({"question": value}).encode()


NOT_OBJECT = 'The JSON body must be an object such as {"question": "..."}.'
REQUIRED = "The field 'question' is required."
NOT_STRING = "The field 'question' must be a string."
EMPTY = "The field 'question' must not be empty."
TOO_LONG = "The field 'question' must be at most 1000 characters."
WRONG_TYPE = "Send the question as JSON with 'Content-Type: application/json'."
LIMIT_RANGE = "'limit' must be between 1 and 50."
LIMIT_WHOLE = "'limit' must be a whole number."
Q_REQUIRED = "The query parameter 'q' is required and must not be empty."

CASES = [
    Case(
        "invalid-json",
        "POST",
        ASK,
        400,
        "The request body is not valid JSON: Expecting value",
        b'{"question": ',
    ),
    Case(
        "trailing-garbage",
        "POST",
        ASK,
        400,
        "The request body is not valid JSON: Extra data",
        b'{"question": "hi"} x',
    ),
    Case(
        "single-quotes",
        "POST",
        ASK,
        400,
        "The request body is not valid JSON: Expecting property name enclosed in double quotes",
        b"{'question': 'hi'}",
    ),
    Case(
        "empty-body", "POST", ASK, 400, "The request body is not valid JSON: Expecting value", b""
    ),
    Case(
        "invalid-utf8",
        "POST",
        ASK,
        400,
        "The request body is not valid UTF-8.",
        b'{"question": "\xff\xfe caf\xe9"}',
    ),
    Case(
        "deeply-nested",
        "POST",
        ASK,
        400,
        "The JSON body is nested too deeply.",
        b'{"question": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ),
    Case("json-array", "POST", ASK, 422, NOT_OBJECT, b'["Do you sell my email?"]'),
    Case("json-string", "POST", ASK, 422, NOT_OBJECT, b'"Do you sell my email?"'),
    Case("json-null", "POST", ASK, 422, NOT_OBJECT, b"null"),
    Case("json-number", "POST", ASK, 422, NOT_OBJECT, b"42"),
    Case("text-plain", "POST", ASK, 415, WRONG_TYPE, q("hi"), {"Content-Type": "text/plain"}),
    Case(
        "form",
        "POST",
        ASK,
        415,
        WRONG_TYPE,
        b"question=hi",
        {"Content-Type": "application/x-www-form-urlencoded"},
    ),
    Case(
        "json-lookalike",
        "POST",
        ASK,
        415,
        WRONG_TYPE,
        q("hi"),
        {"Content-Type": "application/jsonp"},
    ),
    Case("no-content-type", "POST", ASK, 415, WRONG_TYPE, q("hi"), {}),
    Case("question-missing", "POST", ASK, 422, REQUIRED, b'{"q": "hi"}'),
    Case("question-null", "POST", ASK, 422, REQUIRED, q(None)),
    Case("question-number", "POST", ASK, 422, NOT_STRING, q(3)),
    Case("question-nan", "POST", ASK, 422, NOT_STRING, b'{"question": NaN}'),
    Case("question-bool", "POST", ASK, 422, NOT_STRING, q(True)),
    Case("question-list", "POST", ASK, 422, NOT_STRING, q(["do you sell my email?"])),
    Case("question-object", "POST", ASK, 422, NOT_STRING, q({"text": "hi"})),
    Case("question-empty", "POST", ASK, 422, EMPTY, q("")),
    Case("question-whitespace", "POST", ASK, 422, EMPTY, q(" \t\n\r\u00a0\u3000 ")),
    Case("question-control", "POST", ASK, 422, EMPTY, q("\x00\x01\x1b\x7f\x9b\x08")),
    Case("question-invisible", "POST", ASK, 422, EMPTY, q("\u200b\u200d\ufeff\u2060")),
    Case("question-too-long", "POST", ASK, 422, TOO_LONG, q("a" * 1001)),
    Case(
        "body-too-large",
        "POST",
        ASK,
        413,
        "The request body must be at most 16384 bytes.",
        q("a" * 17_000),
    ),
    Case("ask-get", "GET", ASK, 405, "GET is not allowed here."),
    Case("ask-put", "PUT", ASK, 405, "PUT is not allowed here.", q("hi")),
    Case("ask-delete", "DELETE", ASK, 405, "DELETE is not allowed here."),
    Case(
        "search-post", "POST", "/api/v1/search?q=email", 405, "POST is not allowed here.", q("hi")
    ),
    Case("healthz-patch", "PATCH", "/healthz", 405, "PATCH is not allowed here."),
    Case("search-no-q", "GET", "/api/v1/search", 422, Q_REQUIRED),
    Case("search-blank-q", "GET", "/api/v1/search?q=%20%09", 422, Q_REQUIRED),
    Case("search-control-q", "GET", "/api/v1/search?q=%00%1b", 422, Q_REQUIRED),
    Case(
        "search-long-q",
        "GET",
        "/api/v1/search?q=" + "a" * 1001,
        422,
        "'q' must be at most 1000 characters.",
    ),
    Case(
        "search-huge-q",
        "GET",
        "/api/v1/search?q=" + "%41" * 2600,
        422,
        "'q' must be at most 1000 characters.",
    ),
    Case("limit-zero", "GET", "/api/v1/search?q=email&limit=0", 422, LIMIT_RANGE),
    Case("limit-negative", "GET", "/api/v1/search?q=email&limit=-3", 422, LIMIT_RANGE),
    Case("limit-too-big", "GET", "/api/v1/search?q=email&limit=51", 422, LIMIT_RANGE),
    Case("limit-absurd", "GET", "/api/v1/search?q=email&limit=" + "9" * 5000, 422, LIMIT_RANGE),
    Case("limit-float", "GET", "/api/v1/search?q=email&limit=2.5", 422, LIMIT_WHOLE),
    Case("limit-word", "GET", "/api/v1/search?q=email&limit=all", 422, LIMIT_WHOLE),
    Case("limit-spaces", "GET", "/api/v1/search?q=email&limit=%203%20", 422, LIMIT_WHOLE),
    Case("limit-underscore", "GET", "/api/v1/search?q=email&limit=1_0", 422, LIMIT_WHOLE),
    Case("limit-arabic-digit", "GET", "/api/v1/search?q=email&limit=%D9%A3", 422, LIMIT_WHOLE),
    Case(
        "clause-unknown",
        "GET",
        "/api/v1/clauses/no-such-clause-000000",
        404,
        "No clause has this id.",
        title="Clause not found",
    ),
    Case(
        "clause-card-number",
        "GET",
        "/api/v1/clauses/4111111111111111",
        404,
        "No clause has this id.",
        title="Clause not found",
    ),
    Case(
        "clause-encoded-slash",
        "GET",
        "/api/v1/clauses/..%2F..%2Fpyproject.toml",
        404,
        "No clause has this id.",
        title="Clause not found",
    ),
    Case("unknown-path", "GET", "/api/v2/ask", 404, "There is nothing at this address."),
    Case(
        "admin-without-token-config",
        "POST",
        "/admin/reload",
        404,
        "There is nothing at this address.",
    ),
]


def _problem(case: Case, path: str) -> dict[str, Any]:
    title = (
        case.title
        or {
            400: "Bad Request",
            404: "Not Found",
            405: "Method Not Allowed",
            413: "Request Entity Too Large",
            415: "Unsupported Media Type",
            422: "Unprocessable Entity",
        }[case.status]
    )
    return {
        "type": "/problems/" + title.lower().replace(" ", "-"),
        "title": title,
        "status": case.status,
        "detail": case.detail,
        "instance": path,
    }


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_bad_request(client: TestClient[Any, Any], case: Case) -> None:
    skip = () if "Content-Type" in case.headers or case.body is None else ("Content-Type",)
    response = await client.request(
        case.method, case.path, data=case.body, headers=case.headers, skip_auto_headers=skip
    )
    assert response.status == case.status
    assert response.content_type == "application/problem+json"
    body = await response.json(content_type="application/problem+json")
    expected = _problem(case, response.url.path)
    if case.detail.startswith("The request body is not valid JSON:"):
        assert body.pop("detail").startswith(case.detail)
        expected.pop("detail")
    assert body == expected
    assert "Traceback" not in json.dumps(body)
    if case.status == 405:
        assert response.headers["Allow"]


async def test_body_too_large_without_content_length(client: TestClient[Any, Any]) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"question": "'
        for _ in range(40):
            yield b"a" * 1024
        yield b'"}'

    response = await client.post(ASK, data=chunks(), headers=JSON)
    assert response.status == 413
    assert response.content_type == "application/problem+json"
    body = await response.json(content_type="application/problem+json")
    assert body["status"] == 413
    assert body["title"] == "Request Entity Too Large"


async def test_lone_surrogate_and_odd_json_still_answer(client: TestClient[Any, Any]) -> None:
    for raw in (
        b'{"question": "\\ud800 do you sell my email?"}',
        b'{"question": "hi", "question": "do you sell my email?"}',
        b'{"question": "do you sell my email?", "extra": [[[[[[[[1]]]]]]]], "x": Infinity}',
    ):
        response = await client.post(ASK, data=raw, headers=JSON)
        assert response.status == 200, raw
        body = await response.json()
        assert body["status"] in {"answered", "fallback", "out_of_scope", "handoff", "smalltalk"}


# --- raw HTTP: what a client library would normalise or refuse to send -----------------------


async def raw_request(
    client: TestClient[Any, Any], data: bytes
) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    try:
        writer.write(data)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(":") for line in lines[1:] if line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers, body
    finally:
        writer.close()


TRAVERSALS = [
    "/static/../pyproject.toml",
    "/static/../../../../etc/passwd",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/%252e%252e/pyproject.toml",
    "/static/..%5c..%5cpyproject.toml",
    "/static/....//....//etc/passwd",
    "/static/%c0%ae%c0%ae/pyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/static//etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_path_traversal_is_a_404_problem_never_a_file(
    client: TestClient[Any, Any], path: str
) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    status, headers, body = await raw_request(client, request.encode())
    assert status == 404
    assert headers["content-type"].split(";")[0] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 404
    assert problem["detail"] == "There is nothing at this address."
    assert b"build-system" not in body and b"root:" not in body


@pytest.mark.parametrize(
    ("name", "request_bytes"),
    [
        ("request-line-too-long", b"GET /api/v1/search?q=" + b"a" * 20_000 + b" HTTP/1.1\r\n"),
        ("header-too-long", b"GET /healthz HTTP/1.1\r\nX-Junk: " + b"a" * 20_000 + b"\r\n"),
        ("not-http", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n"),
        ("bad-content-length", b"POST /api/v1/ask HTTP/1.1\r\nContent-Length: -5\r\n"),
    ],
)
async def test_malformed_http_gets_a_problem(
    client: TestClient[Any, Any], name: str, request_bytes: bytes
) -> None:
    status, headers, body = await raw_request(
        client, request_bytes + b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    assert status == 400
    assert headers["content-type"].split(";")[0] == "application/problem+json"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-request-id"]
    assert json.loads(body) == {
        "type": "/problems/bad-request",
        "title": "Bad Request",
        "status": 400,
        "detail": "The request is not valid HTTP, or its line or headers are too long.",
    }
