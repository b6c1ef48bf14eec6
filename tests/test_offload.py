"""Short questions are answered on the event loop, long ones in the worker thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from qa_service.offload import INLINE_CHARS, Offload


@pytest.fixture
def offload() -> Iterator[Offload]:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-qa-engine") as pool:
        yield Offload(pool)


def _thread_name(text: str) -> str:
    return threading.current_thread().name


async def test_short_text_runs_on_the_loop(offload: Offload) -> None:
    assert await offload.run(_thread_name, "x" * INLINE_CHARS) == threading.current_thread().name


async def test_long_text_goes_to_the_thread(offload: Offload) -> None:
    name = await offload.run(_thread_name, "x" * (INLINE_CHARS + 1))
    assert name.startswith("policy-qa-engine")


async def test_errors_reach_the_caller(offload: Offload) -> None:
    def boom(text: str) -> str:
        raise ValueError(text)

    for text in ("short", "x" * (INLINE_CHARS + 1)):
        with pytest.raises(ValueError, match=text[:5]):
            await offload.run(boom, text)
