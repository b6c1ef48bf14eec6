"""What the service records about each question, off the request path, on SQLite and
PostgreSQL; what it never records; retention; and insights turned off."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.insights.recorder import policy_digest
from qa_service.insights.store import Question, Store, citations, database_url, questions
from tests.polling import until

Client = TestClient[web.Request, web.Application]
ClientFactory = Callable[..., Any]


@pytest.fixture
async def store(database: str) -> AsyncIterator[Store]:
    store = Store(database_url(database))
    yield store
    await store.close()


async def rows(store: Store) -> list[dict[str, Any]]:
    async with store.engine.connect() as connection:
        found = (await connection.execute(select(questions))).mappings().all()
        cited = (await connection.execute(select(citations))).mappings().all()
    by_answer: dict[str, list[str]] = {}
    for row in sorted(cited, key=lambda r: r["rank"]):
        by_answer.setdefault(row["answer_id"], []).append(row["clause_id"])
    return [{**row, "clauses": by_answer.get(row["answer_id"], [])} for row in found]


async def recorded(store: Store, count: int) -> list[dict[str, Any]]:
    """The stored questions, once there are `count` of them (writes are batched)."""
    return await until(lambda: rows(store), lambda r: len(r) >= count)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@pytest.fixture
def insights_client(
    aiohttp_client: ClientFactory, engine: Engine, database: str
) -> Callable[..., Any]:
    async def make(**overrides: Any) -> Client:
        settings = Settings(rate_limit=0, database=database, insights_flush=0.05, **overrides)
        client: Client = await aiohttp_client(create_app(settings, engine=engine))
        return client

    return make


async def ask(client: Client, question: str, **extra: Any) -> dict[str, Any]:
    resp = await client.post(
        "/api/v1/ask", json={"question": question, **extra.pop("body", {})}, **extra
    )
    assert resp.status == 200
    data: dict[str, Any] = await resp.json()
    return data


async def test_each_answer_gets_its_own_random_id(insights_client: Callable[..., Any]) -> None:
    client = await insights_client()
    first = await ask(client, "Do you sell my email address?")
    second = await ask(client, "Do you sell my email address?")
    assert first["answer_id"] != second["answer_id"]  # not derived from the question
    assert len(first["answer_id"]) >= 20


async def test_a_question_is_recorded_with_its_answer_and_channel(
    insights_client: Callable[..., Any], store: Store, engine: Engine
) -> None:
    client = await insights_client()
    before = utcnow().replace(second=0, microsecond=0)
    answered = await ask(client, "Do you sell my email address?", body={"channel": "widget"})
    unanswered = await ask(
        client, "Do you have a data protection officer?", body={"channel": "agent"}
    )
    by_id = {row["answer_id"]: row for row in await recorded(store, 2)}

    row = by_id[answered["answer_id"]]
    assert row["channel"] == "widget"
    assert (row["status"], row["intent"]) == ("answered", answered["intent"])
    assert row["clauses"] == [c["clause_id"] for c in answered["citations"]]
    assert row["confidence"] == pytest.approx(answered["confidence"], abs=1e-3)
    assert row["policy"] == policy_digest(engine.policy)
    assert before <= row["minute"] <= before + timedelta(minutes=2)
    assert row["minute"].second == 0
    assert row["text"] is None  # answered with confidence: its text is not kept by default

    row = by_id[unanswered["answer_id"]]
    assert (row["channel"], row["status"]) == ("agent", unanswered["status"])
    assert unanswered["status"] in {"fallback", "out_of_scope"}
    assert row["text"] == "Do you have a data protection officer?"


async def test_the_api_is_the_channel_unless_a_client_says_otherwise(
    insights_client: Callable[..., Any], store: Store
) -> None:
    client = await insights_client()
    await ask(client, "Do you use cookies?")
    [row] = await recorded(store, 1)
    assert row["channel"] == "api"
    resp = await client.post("/api/v1/ask", json={"question": "cookies?", "channel": "sms"})
    assert resp.status == 422
    assert "channel" in (await resp.json())["detail"]


@pytest.mark.parametrize(
    ("mode", "kept"),
    [("none", set()), ("unanswered", {"Do you have a data protection officer?"}), ("all", None)],
)
async def test_which_texts_are_kept(
    insights_client: Callable[..., Any], store: Store, mode: str, kept: set[str] | None
) -> None:
    client = await insights_client(insights_text=mode)
    asked = ["Do you sell my email address?", "Do you have a data protection officer?"]
    for text in asked:
        await ask(client, text)
    texts = {row["text"] for row in await recorded(store, 2)} - {None}
    assert texts == (set(asked) if kept is None else kept)


async def test_nothing_that_identifies_a_visitor_is_stored(
    insights_client: Callable[..., Any], store: Store
) -> None:
    client = await insights_client(insights_text="all")
    headers = {
        "User-Agent": "Mozilla/5.0 (X11; Linux) VisitorBrowser/99",
        "X-Forwarded-For": "203.0.113.77",
        "Cookie": "session=visitor-session-1234",
    }
    await ask(client, "What do you do with my data?", headers=headers)
    [row] = await recorded(store, 1)
    assert set(row) == {
        "answer_id",
        "minute",
        "channel",
        "status",
        "intent",
        "confidence",
        "policy",
        "text",
        "helpful",
        "comment",
        "clauses",
    }
    stored = " ".join(str(value) for value in row.values())
    for needle in ("VisitorBrowser", "203.0.113.77", "127.0.0.1", "visitor-session-1234"):
        assert needle not in stored


async def test_records_past_retention_are_deleted_automatically(
    insights_client: Callable[..., Any], store: Store
) -> None:
    await store.upgrade()
    old = utcnow() - timedelta(days=31)
    recent = utcnow() - timedelta(days=29)
    await store.write(
        [
            Question("old", old, "api", "fallback", None, 0.5, "x", "old question", ()),
            Question("recent", recent, "api", "fallback", None, 0.5, "x", "recent one", ()),
        ],
        [],
    )
    await insights_client(insights_days=30)  # starting the service purges
    left = await until(lambda: rows(store), lambda r: len(r) == 1)
    assert left[0]["answer_id"] == "recent"


async def test_health_counts_what_was_recorded(insights_client: Callable[..., Any]) -> None:
    client = await insights_client()
    await ask(client, "Do you sell my email?")

    async def health() -> dict[str, Any]:
        data: dict[str, Any] = await (await client.get("/healthz")).json()
        return data

    data = await until(health, lambda h: h["insights"]["recorded"] >= 1)
    assert data["insights"] == {"enabled": True, "recorded": 1, "dropped": 0, "queued": 0}


async def test_insights_off_records_nothing_and_takes_no_feedback(
    aiohttp_client: ClientFactory, engine: Engine, tmp_path: Path
) -> None:
    db = tmp_path / "insights.db"
    app = create_app(
        Settings(rate_limit=0, insights=False, database=f"sqlite:///{db}"), engine=engine
    )
    client: Client = await aiohttp_client(app)
    data = await (await client.post("/api/v1/ask", json={"question": "cookies?"})).json()
    assert data["answer_id"] is None
    resp = await client.post("/api/v1/feedback", json={"answer_id": "x", "helpful": True})
    assert resp.status == 404
    assert (await (await client.get("/healthz")).json())["insights"] == {"enabled": False}
    assert not db.exists()


async def test_an_unwritable_default_location_turns_insights_off_with_one_warning(
    aiohttp_client: ClientFactory,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))  # even root cannot mkdir here
    with caplog.at_level(logging.WARNING, logger="qa_service"):
        app = create_app(Settings(rate_limit=0), engine=engine)
    client: Client = await aiohttp_client(app)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "insights are off" in warnings[0].getMessage()
    resp = await client.post("/api/v1/ask", json={"question": "Do you sell my email?"})
    assert resp.status == 200
    assert (await resp.json())["answer_id"] is None


async def test_the_widget_is_told_to_say_questions_are_kept_while_insights_are_on(
    aiohttp_client: ClientFactory, engine: Engine, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'i.db'}"
    cases = [
        (Settings(rate_limit=0, database=database), "/policy"),
        (
            Settings(rate_limit=0, database=database, privacy_url="https://example.com/privacy#qa"),
            "https://example.com/privacy#qa",
        ),
        (Settings(rate_limit=0, insights=False), None),
    ]
    for settings, link in cases:
        client: Client = await aiohttp_client(create_app(settings, engine=engine))
        notice = (await (await client.get("/widget.json")).json())["privacy_notice"]
        if link is None:
            assert notice is None
        else:
            assert "kept without personal details" in notice["text"]
            assert notice["url"] == link
        await client.close()


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "policy", "data:text/html,x", ""])
def test_the_privacy_link_must_be_a_path_or_a_web_address(bad: str) -> None:
    with pytest.raises(ValueError, match="privacy URL"):
        Settings(privacy_url=bad)
