from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Answer, Engine
from qa_service.offload import INLINE_CHARS

Client = TestClient[web.Request, web.Application]


async def test_ask_answers_with_a_citation(client: Client) -> None:
    resp = await client.post("/api/v1/ask", json={"question": "Do you sell my email address?"})
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "answered"
    citation = body["citations"][0]
    assert "not selling our customers' email addresses" in citation["text"]
    assert citation["url"] == f"/policy#{citation['clause_id']}"
    assert citation["position"] == 12
    assert body["contact"]["email"] == "customerservice@paloalto.com"


async def test_fallback_carries_the_contact(client: Client) -> None:
    resp = await client.post("/api/v1/ask", json={"question": "How long do you keep my data?"})
    body = await resp.json()
    assert body["status"] == "fallback"
    assert body["citations"] == []
    assert "customerservice@paloalto.com" in body["answer"]
    assert "1-800-605-7057" in body["answer"]


async def test_search_and_clauses(client: Client) -> None:
    resp = await client.get("/api/v1/search", params={"q": "cookies", "limit": "2"})
    assert resp.status == 200
    results = (await resp.json())["results"]
    assert len(results) == 2
    assert results[0]["score"] >= results[1]["score"]

    listing = await (await client.get("/api/v1/clauses")).json()
    assert len(listing["clauses"]) == 30
    assert listing["policy"]["effective_date_iso"] == "2008-02-22"
    first = listing["clauses"][0]
    one = await client.get(f"/api/v1/clauses/{first['clause_id']}")
    assert await one.json() == first


async def test_health(client: Client) -> None:
    body = await (await client.get("/healthz")).json()
    assert body["status"] == "ok"
    assert body["clauses"] == 30


BAD_ASKS: list[tuple[str, dict[str, Any], tuple[int, str]]] = [
    (
        "not json",
        {"data": b"{nope", "headers": {"Content-Type": "application/json"}},
        (400, "not valid JSON"),
    ),
    (
        "text/plain",
        {"data": b'{"question": "hi"}', "headers": {"Content-Type": "text/plain"}},
        (415, "application/json"),
    ),
    ("no content type", {"data": b'{"question": "hi"}'}, (415, "application/json")),
    ("array", {"json": ["question"]}, (422, "must be an object")),
    ("missing", {"json": {}}, (422, "'question' is required")),
    ("null", {"json": {"question": None}}, (422, "'question' is required")),
    ("number", {"json": {"question": 42}}, (422, "must be a string")),
    ("list", {"json": {"question": ["a"]}}, (422, "must be a string")),
    ("empty", {"json": {"question": ""}}, (422, "must not be empty")),
    ("whitespace", {"json": {"question": " \t\n "}}, (422, "must not be empty")),
    ("control chars", {"json": {"question": "\x00\x01\x7f"}}, (422, "must not be empty")),
    ("too long", {"json": {"question": "a" * 1001}}, (422, "at most 1000 characters")),
    ("too big", {"json": {"question": "a", "pad": "x" * 17000}}, (413, "16384 bytes")),
    (
        "bad utf-8",
        {"data": b'{"question": "\xff\xfe"}', "headers": {"Content-Type": "application/json"}},
        (400, "UTF-8"),
    ),
    (
        "deep nesting",
        {"data": b"[" * 100000 + b"]" * 100000, "headers": {"Content-Type": "application/json"}},
        (413, "16384 bytes"),
    ),
    (
        "deep but small",
        {"data": b"[" * 5000 + b"]" * 5000, "headers": {"Content-Type": "application/json"}},
        (400, "nested too deeply"),
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "expected"), BAD_ASKS, ids=[b[0] for b in BAD_ASKS])
async def test_bad_asks_get_one_problem_shape(
    client: Client, name: str, kwargs: dict[str, Any], expected: tuple[int, str]
) -> None:
    resp = await client.post("/api/v1/ask", **kwargs)
    status, detail = expected
    assert resp.status == status
    assert resp.content_type == "application/problem+json"
    body = await resp.json()
    assert body["status"] == status
    assert set(body) >= {"type", "title", "status", "detail"}
    assert detail in body["detail"]
    assert "Traceback" not in body["detail"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/clauses/no-such-clause", 404),
        ("GET", "/nowhere", 404),
        ("GET", "/api/v1/ask", 405),
        ("DELETE", "/api/v1/clauses", 405),
        ("GET", "/api/v1/search", 422),
        ("GET", "/api/v1/search?q=%20", 422),
        ("GET", "/api/v1/search?q=cookies&limit=0", 422),
        ("GET", "/api/v1/search?q=cookies&limit=100000000000000000000", 422),
        ("GET", "/api/v1/search?q=cookies&limit=-3", 422),
        ("GET", "/api/v1/search?q=cookies&limit=ten", 422),
        ("GET", "/api/v1/search?q=" + "a" * 1001, 422),
    ],
)
async def test_other_errors_are_problems(
    client: Client, method: str, path: str, status: int
) -> None:
    resp = await client.request(method, path)
    assert resp.status == status
    assert resp.content_type == "application/problem+json"
    body = await resp.json()
    assert body["status"] == status
    if status == 405:
        assert "Allow" in resp.headers


async def test_long_questions_are_matched_off_the_event_loop(
    engine: Engine, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short question is answered in the request's own thread; a long one, which may hold
    a hundred unknown words to correct, in the matcher thread, while the loop serves others."""
    threads: list[str] = []
    answer = engine.answer

    def spy(question: str) -> Answer:
        threads.append(threading.current_thread().name)
        return answer(question)

    monkeypatch.setattr(engine, "answer", spy)
    client = await aiohttp_client(create_app(Settings(rate_limit=0), engine=engine))
    short = "do you sell my email?"
    long = (
        "I would like to know, before I sign up for your email marketing service, whether "
        "you ever sell or rent my email address to other companies?"
    )
    assert len(short) <= INLINE_CHARS < len(long) <= Settings().max_question_chars
    bodies = []
    for question in (short, long):
        resp = await client.post("/api/v1/ask", json={"question": question})
        assert resp.status == 200
        bodies.append(await resp.json())
    assert threads[0] == threading.current_thread().name
    assert threads[1].startswith("policy-qa-engine")
    assert bodies[0]["status"] == bodies[1]["status"] == "answered"
    cited = [[c["clause_id"] for c in body["citations"]] for body in bodies]
    assert cited[0] == cited[1] == ["we-have-a-strict-policy-d1f494"]

    hits = await client.get("/api/v1/search", params={"q": "cookies " * 20})
    assert hits.status == 200
    assert (await hits.json())["results"]


async def test_a_failing_question_fails_alone_as_a_problem(
    engine: Engine, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = engine.answer

    def spy(question: str) -> Answer:
        if question == "boom":
            raise RuntimeError("the engine failed")
        return answer(question)

    monkeypatch.setattr(engine, "answer", spy)
    client = await aiohttp_client(create_app(Settings(rate_limit=0), engine=engine))
    questions = ["do you sell my email?", "boom", "hello"]
    replies = await asyncio.gather(
        *(client.post("/api/v1/ask", json={"question": q}) for q in questions)
    )
    bodies = [await r.json() for r in replies]
    assert [r.status for r in replies] == [200, 500, 200]
    assert bodies[1]["title"] == "Internal Server Error"
    assert "engine failed" not in str(bodies[1])
    assert [bodies[0]["status"], bodies[2]["status"]] == ["answered", "smalltalk"]


async def test_citation_urls_are_absolute_under_the_public_url(
    aiohttp_client: Any, engine: Engine
) -> None:
    settings = Settings(rate_limit=0, public_url="https://privacy.example.com/")
    client = await aiohttp_client(create_app(settings, engine=engine))
    body = await (
        await client.post("/api/v1/ask", json={"question": "Do you sell my email?"})
    ).json()
    citation = body["citations"][0]
    assert citation["url"] == f"https://privacy.example.com/policy#{citation['clause_id']}"
    hits = await (await client.get("/api/v1/search", params={"q": "cookies"})).json()
    assert hits["results"][0]["url"].startswith("https://privacy.example.com/policy#")
    listing = await (await client.get("/api/v1/clauses")).json()
    assert all(c["url"].startswith("https://privacy.example.com/") for c in listing["clauses"])
    config = await (await client.get("/widget.json")).json()
    assert config["policy_url"] == "https://privacy.example.com/policy"


async def test_without_a_public_url_links_stay_relative_whatever_the_host(
    client: Client,
) -> None:
    """The service never builds its own address from the request's Host header."""
    resp = await client.post(
        "/api/v1/ask",
        json={"question": "Do you sell my email?"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    citation = (await resp.json())["citations"][0]
    assert citation["url"] == f"/policy#{citation['clause_id']}"


async def test_a_question_in_another_language_says_so_in_it(client: Client) -> None:
    resp = await client.post("/api/v1/ask", json={"question": "¿Venden mi correo electrónico?"})
    body = await resp.json()
    assert body["status"] == "fallback"
    assert body["language"] == "es"
    assert "inglés" in body["answer"] and "customerservice@paloalto.com" in body["answer"]
    english = await (await client.post("/api/v1/ask", json={"question": "cookies?"})).json()
    assert english["language"] is None


async def test_search_can_bring_the_answer_in_the_same_reply(client: Client) -> None:
    params = {"q": "Do you sell my email address?", "limit": "3", "answer": "true"}
    body = await (await client.get("/api/v1/search", params=params)).json()
    assert len(body["results"]) == 3
    assert body["answer"]["status"] == "answered"
    assert "not selling" in body["answer"]["answer"]
    plain = await (await client.get("/api/v1/search", params={"q": "cookies"})).json()
    assert "answer" not in plain
    bad = await client.get("/api/v1/search", params={"q": "cookies", "answer": "maybe"})
    assert bad.status == 422
    who = {"q": "cookies", "answer": "true", "channel": "robot"}
    assert (await client.get("/api/v1/search", params=who)).status == 422
