"""The matcher batches short questions on the event loop and sends long ones to a thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from qa_service.matcher import BATCH, INLINE_CHARS, Matcher


@pytest.fixture
def matcher() -> Iterator[Matcher]:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-qa-match") as pool:
        yield Matcher(pool)


def _recording(calls: list[tuple[str, str, int]], turn: list[int]) -> Callable[[str], str]:
    def match(text: str) -> str:
        calls.append((text, threading.current_thread().name, turn[0]))
        return text.upper()

    return match


async def _turns(turn: list[int]) -> None:
    """Counts turns of the event loop, so a test can tell which calls shared one."""
    while True:
        turn[0] += 1
        await asyncio.sleep(0)


async def test_questions_of_one_turn_are_answered_together_in_batches(
    matcher: Matcher,
) -> None:
    calls: list[tuple[str, str, int]] = []
    turn = [0]
    counter = asyncio.create_task(_turns(turn))
    match = _recording(calls, turn)
    texts = [f"question {i}" for i in range(BATCH + 4)]
    answers = await asyncio.gather(*(matcher.run(match, t) for t in texts))
    counter.cancel()
    assert answers == [t.upper() for t in texts]
    assert [text for text, _, _ in calls] == texts  # in arrival order
    assert {name for _, name, _ in calls} == {threading.current_thread().name}
    # The first BATCH in one callback, the rest in the next one.
    assert len({t for _, _, t in calls[:BATCH]}) == 1
    assert len({t for _, _, t in calls[BATCH:]}) == 1
    assert calls[BATCH][2] > calls[0][2]


async def test_long_text_goes_to_the_thread(matcher: Matcher) -> None:
    calls: list[tuple[str, str, int]] = []
    long = "x" * (INLINE_CHARS + 1)
    assert await matcher.run(_recording(calls, [0]), long) == long.upper()
    assert calls[0][1].startswith("policy-qa-match")


async def test_errors_reach_their_own_caller_and_cancelled_ones_are_skipped(
    matcher: Matcher,
) -> None:
    done: list[str] = []

    def match(text: str) -> str:
        if text == "boom":
            raise ValueError("boom")
        done.append(text)
        return text

    tasks = [asyncio.create_task(matcher.run(match, t)) for t in ("a", "boom", "gone", "b")]
    await asyncio.sleep(0)  # every task has queued its text; the batch has not run yet
    tasks[2].cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[0] == "a" and results[3] == "b"
    assert isinstance(results[1], ValueError)
    assert isinstance(results[2], asyncio.CancelledError)
    assert done == ["a", "b"]
