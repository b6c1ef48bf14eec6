"""The answer cache gives the very answers the engine computes, and can be turned off."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa_service.answering import Engine
from qa_service.config import Settings

QUESTIONS = ["do u sell my emial", "How long do you keep my data?", "hello", "weather in paris"]


@pytest.fixture(scope="module")
def uncached() -> Engine:
    return Engine.from_settings(Settings(answer_cache=0))


def test_cached_answers_are_the_computed_ones(uncached: Engine) -> None:
    cached = replace(uncached, answer_cache=2)
    for question in QUESTIONS:
        first = cached.answer(question)
        assert first == uncached.answer(question)
        assert cached.answer(question) is first  # the second time comes from the cache
    # Bounded: the first questions have been evicted and are computed again.
    assert cached.answer(QUESTIONS[0]) == uncached.answer(QUESTIONS[0])
    assert cached._cached is not None
    assert len(cached._cached) == 2


def test_caches_keep_no_visitor_text(uncached: Engine) -> None:
    """Questions and unknown words are cached under digests; the caches hold no PII."""
    cached = replace(uncached, answer_cache=8)
    question = "my card 4111 1111 1111 1111 and jane.doe@example.com and 555-0100, sell my emial?"
    cached.answer(question)
    held = repr(vars(cached._cached)) + repr(vars(cached.analyzer._correct))
    held += repr(list(cached.analyzer._known_terms)) + repr(list(cached._known_words))
    for secret in ("4111", "jane", "example.com", "555", "0100", "emial", "card 4111"):
        assert secret not in held


def test_zero_turns_the_cache_off(uncached: Engine) -> None:
    assert uncached._cached is None
    assert uncached.answer(QUESTIONS[0]) is not uncached.answer(QUESTIONS[0])


def test_cache_size_from_the_environment() -> None:
    assert Settings.from_env({"POLICY_QA_ANSWER_CACHE": "0"}).answer_cache == 0
    assert Settings.from_env({}).answer_cache > 0
    assert Settings.from_env({}, answer_cache=5).answer_cache == 5
