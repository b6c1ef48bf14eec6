"""Search as an agent types: the query's last word may be unfinished (`prefix`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine


@pytest.mark.parametrize(
    ("typed", "word"),
    [("coo", "cookie"), ("cr", "credit"), ("sel", "selling"), ("dele", "delete")],
)
def test_unfinished_word_finds_clauses(engine: Engine, typed: str, word: str) -> None:
    assert engine.search(typed) == []  # a whole-word search finds nothing yet
    hits = engine.search(typed, prefix=True)
    assert hits
    assert any(w.startswith(word) for w in hits[0].matched)
    assert word in hits[0].clause.text.lower()


@pytest.mark.parametrize("typed", ["co", "cr", "em", "se", "sh", "de", "up"])
def test_two_keystrokes_are_enough(engine: Engine, typed: str) -> None:
    assert engine.search(typed, prefix=True)


def test_earlier_words_still_count(engine: Engine) -> None:
    hits = engine.search("sell em", prefix=True)
    assert "not selling our customers' email addresses" in hits[0].clause.text
    assert {"email", "selling"} <= set(hits[0].matched)


def test_a_finished_word_is_left_alone(engine: Engine) -> None:
    ids = [h.clause.id for h in engine.search("cookie ", prefix=True)]
    assert ids == [h.clause.id for h in engine.search("cookie")]


def test_one_letter_is_not_a_prefix(engine: Engine) -> None:
    assert engine.search("c", prefix=True) == []


async def test_search_endpoint_prefix(
    aiohttp_client: Callable[..., Awaitable[TestClient]], engine: Engine
) -> None:
    client = await aiohttp_client(create_app(Settings(), engine=engine))
    body = await (await client.get("/api/v1/search", params={"q": "cr", "prefix": "true"})).json()
    assert body["results"] and "credit" in body["results"][0]["matched"]
    body = await (await client.get("/api/v1/search", params={"q": "cr"})).json()
    assert body["results"] == []
    response = await client.get("/api/v1/search", params={"q": "cr", "prefix": "maybe"})
    assert response.status == 422
    assert response.content_type == "application/problem+json"
