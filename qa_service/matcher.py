"""Where the engine runs for the views: short questions on the event loop, a batch at a time;
long ones in a worker thread.

Batching: questions that arrive in the same turn of the event loop are answered one after
another in a single callback, instead of each between its own request parsing and reply
writing. The engine's tables and code then stay in the CPU caches from one question to the
next; under concurrent load that costs markedly less per question (docs/performance.md).
A lone question waits one turn of the loop, nothing more.

Long questions (over INLINE_CHARS, up to max_question_chars, possibly every word an unknown
one to correct) take milliseconds, so they go to one worker thread and never hold up other
requests; the compiled kernels release the GIL while they run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")

# Up to this long, a question costs a fraction of a millisecond to match, and about a
# millisecond even when every word is a typo to correct.
INLINE_CHARS = 120
# At most this many questions are answered in one callback before other events get a turn.
BATCH = 16


class Matcher:
    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool
        self._queue: list[tuple[Callable[[str], Any], str, asyncio.Future[Any]]] = []

    async def run(self, match: Callable[[str], T], text: str) -> T:
        """`match(text)`, on the loop in this turn's batch or, for long text, in the thread."""
        loop = asyncio.get_running_loop()
        if len(text) > INLINE_CHARS:
            return await loop.run_in_executor(self._pool, match, text)
        future: asyncio.Future[T] = loop.create_future()
        if not self._queue:
            loop.call_soon(self._run_batch)
        self._queue.append((match, text, future))
        return await future

    def _run_batch(self) -> None:
        batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
        if self._queue:
            asyncio.get_running_loop().call_soon(self._run_batch)
        for match, text, future in batch:
            if future.cancelled():  # the client went away
                continue
            try:
                future.set_result(match(text))
            except Exception as exc:  # the view raises it, as if it had called match itself
                future.set_exception(exc)


MATCHER = web.AppKey("matcher", Matcher)


async def setup(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: the matcher and its thread, for the app's lifetime."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-qa-match") as pool:
        app[MATCHER] = Matcher(pool)
        yield
