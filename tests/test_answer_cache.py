"""The answer cache gives the very answers the engine computes, and can be turned off."""

from __future__ import annotations

import gc
import types

import pytest

from qa_service.config import Settings
from qa_service.engine import Engine

QUESTIONS = ["do u sell my emial", "How long do you keep my data?", "hello", "weather in paris"]


@pytest.fixture(scope="module")
def cached() -> Engine:
    return Engine.from_settings(Settings(answer_cache=2))


def test_cached_answers_are_the_computed_ones(engine: Engine, cached: Engine) -> None:
    uncached = Engine(engine.policy, engine.intents)
    for question in QUESTIONS:
        first = cached.answer(question)
        assert first == uncached.answer(question)
        assert cached.answer(question) is first  # the second time comes from the cache
    # Bounded: the first questions have been evicted and are computed again.
    again = cached.answer(QUESTIONS[0])
    assert again == uncached.answer(QUESTIONS[0])
    assert again is not cached.answer(QUESTIONS[1])


CODE = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)


def _reachable_text(root: object) -> list[str]:
    """Every string and bytes object reachable from root's data (not through classes,
    functions or modules, which reach the whole interpreter)."""
    seen: set[int] = set()
    todo = [root]
    found: list[str] = []
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            found.append(obj)
        elif isinstance(obj, bytes):
            found.append(obj.decode("latin-1"))
        elif not isinstance(obj, CODE):
            todo += gc.get_referents(obj)
    return found


def test_the_cache_keeps_no_visitor_text(cached: Engine) -> None:
    """Questions are cached under digests: nothing the engine holds has what was typed."""
    cached.answer("my card 4111 1111 1111 1111 and jane.doe@example.com, sell my emial?")
    held = _reachable_text(cached)
    assert any("not selling our customers" in text for text in held)  # the walk reaches clauses
    for secret in ("4111", "jane.doe", "emial"):
        assert not any(secret in text for text in held), secret


def test_zero_turns_the_cache_off() -> None:
    uncached = Engine.from_settings(Settings(answer_cache=0))
    assert uncached.answer(QUESTIONS[0]) is not uncached.answer(QUESTIONS[0])
    assert uncached.answer(QUESTIONS[0]) == uncached.answer(QUESTIONS[0])


def test_cache_size_from_the_environment() -> None:
    assert Settings.from_env({"POLICY_QA_ANSWER_CACHE": "0"}).answer_cache == 0
    assert Settings.from_env({}).answer_cache > 0
    assert Settings.from_env({}, answer_cache=5).answer_cache == 5
