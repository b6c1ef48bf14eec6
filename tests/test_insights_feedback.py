"""Votes on answers: one per answer, the last one counts, comments redacted; unknown and
expired answer ids are 404; rate-limited like the rest of the API. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.insights.recorder import FEEDBACK_WINDOW, Recorder
from qa_service.insights.store import Store, Summary, database_url
from qa_service.validation import MAX_COMMENT_CHARS
from tests.polling import until

Client = TestClient[web.Request, web.Application]
WEEK = timedelta(days=7)


@pytest.fixture
async def store(database: str) -> AsyncIterator[Store]:
    store = Store(database_url(database))
    yield store
    await store.close()


@pytest.fixture
async def client(aiohttp_client: Any, engine: Engine, database: str) -> Client:
    settings = Settings(rate_limit=0, database=database, insights_flush=0.05)
    made: Client = await aiohttp_client(create_app(settings, engine=engine))
    return made


async def answer_id(client: Client, question: str = "Do you sell my email address?") -> str:
    data = await (await client.post("/api/v1/ask", json={"question": question})).json()
    value: str = data["answer_id"]
    return value


async def summary(store: Store) -> Summary:
    from datetime import UTC, datetime

    return await store.summary(datetime.now(UTC).replace(tzinfo=None) - WEEK)


async def test_a_vote_is_taken_and_a_second_one_replaces_it(client: Client, store: Store) -> None:
    first = await answer_id(client)
    resp = await client.post("/api/v1/feedback", json={"answer_id": first, "helpful": False})
    assert resp.status == 202
    assert await resp.json() == {"answer_id": first, "helpful": False}
    done = await until(lambda: summary(store), lambda s: s.votes == 1)
    assert done.helpful == 0
    resp = await client.post("/api/v1/feedback", json={"answer_id": first, "helpful": True})
    assert resp.status == 202
    done = await until(lambda: summary(store), lambda s: s.helpful == 1)
    assert done.votes == 1  # still one vote for the one answer
    [tally] = done.intents
    assert (tally.key, tally.votes, tally.helpful) == ("sell_email", 1, 1)


async def test_a_comment_is_kept_redacted(client: Client, store: Store) -> None:
    given = await answer_id(client)
    comment = (
        "I wanted to know about refunds, write to jane.doe@example.com "
        "or call +1 415 555 0100, card 4111 1111 1111 1111"
    )
    resp = await client.post(
        "/api/v1/feedback", json={"answer_id": given, "helpful": False, "comment": comment}
    )
    assert resp.status == 202
    done = await until(lambda: summary(store), lambda s: len(s.comments) == 1)
    kept = done.comments[0].comment
    assert kept.startswith("I wanted to know about refunds")
    for secret in ("jane.doe@example.com", "555 0100", "4111"):
        assert secret not in kept
    assert {"[email]", "[phone]", "[card]"} <= set(kept.replace(",", " ").split())


@pytest.mark.parametrize("unknown", ["never-given-0123456789", "x" * 65, "../../etc", "é"])
async def test_an_unknown_answer_id_is_a_404_problem(client: Client, unknown: str) -> None:
    resp = await client.post("/api/v1/feedback", json={"answer_id": unknown, "helpful": True})
    assert resp.status == 404
    assert resp.content_type == "application/problem+json"
    problem = await resp.json()
    assert problem["title"] == "Answer not found"
    assert problem["instance"] == "/api/v1/feedback"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"helpful": True}, "answer_id"),
        ({"answer_id": 7, "helpful": True}, "answer_id"),
        ({"answer_id": "{id}"}, "helpful"),
        ({"answer_id": "{id}", "helpful": "yes"}, "helpful"),
        ({"answer_id": "{id}", "helpful": 1}, "helpful"),
        ({"answer_id": "{id}", "helpful": False, "comment": 5}, "comment"),
        ({"answer_id": "{id}", "helpful": False, "comment": "x" * 501}, "comment"),
    ],
)
async def test_a_bad_vote_is_a_422_naming_the_field(
    client: Client, body: dict[str, Any], field: str
) -> None:
    given = await answer_id(client)
    body = {k: (given if v == "{id}" else v) for k, v in body.items()}
    resp = await client.post("/api/v1/feedback", json=body)
    assert resp.status == 422
    assert field in (await resp.json())["detail"]


async def test_a_comment_of_the_longest_length_is_taken(client: Client) -> None:
    given = await answer_id(client)
    resp = await client.post(
        "/api/v1/feedback",
        json={"answer_id": given, "helpful": False, "comment": "x" * MAX_COMMENT_CHARS},
    )
    assert resp.status == 202


async def test_feedback_is_rate_limited_like_the_api(
    aiohttp_client: Any, engine: Engine, database: str
) -> None:
    settings = Settings(rate_limit=2, database=database)
    client: Client = await aiohttp_client(create_app(settings, engine=engine))
    given = await answer_id(client)  # one request of the two a minute
    vote = {"answer_id": given, "helpful": True}
    assert (await client.post("/api/v1/feedback", json=vote)).status == 202
    resp = await client.post("/api/v1/feedback", json=vote)
    assert resp.status == 429
    assert "Retry-After" in resp.headers


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_answers_take_votes_for_a_day_here_and_in_other_processes(
    store: Store, engine: Engine
) -> None:
    """The process that answered knows its ids; another one sharing the database finds them
    there once written. A day later, neither takes a vote."""
    clock = Clock()
    here = Recorder(store, clock=clock)
    await here.prepare()
    answer = engine.answer("Do you sell my email address?")
    given = here.asked(answer, "Do you sell my email address?", "widget", engine.policy)
    other = Recorder(Store(store.url), clock=clock)
    assert await here.votable(given)
    assert not await other.votable(given)  # not written yet
    await here.flush()
    assert await other.votable(given)
    assert not await other.votable("never-given")
    clock.now += FEEDBACK_WINDOW.total_seconds() + 120
    assert not await here.votable(given)
    assert not await other.votable(given)
    await other.store.close()
