"""Where the engine runs for the views: short questions on the event loop, long ones in a
worker thread, so a pasted essay full of typos never holds up other requests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from aiohttp import web

T = TypeVar("T")

# Up to this long, a question is answered in well under a millisecond: cheaper than a hop to
# a thread and back.
INLINE_CHARS = 120


class Offload:
    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool

    async def run(self, work: Callable[[str], T], text: str) -> T:
        """`work(text)`: inline for short text, in the worker thread for long text."""
        if len(text) <= INLINE_CHARS:
            return work(text)
        return await asyncio.get_running_loop().run_in_executor(self._pool, work, text)


OFFLOAD = web.AppKey("offload", Offload)


async def setup(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: the worker thread, for the app's lifetime."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-qa-engine") as pool:
        app[OFFLOAD] = Offload(pool)
        yield
