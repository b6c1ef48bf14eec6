"""Waiting for something that happens in the background (a batched write), by polling with
a deadline rather than sleeping a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


WITHIN = 15.0  # seconds


async def until(check: Callable[[], Awaitable[T]], accept: Callable[[T], bool]) -> T:
    """Call `check` until `accept` takes its result; that result, or AssertionError with the
    last one seen when WITHIN seconds have passed."""
    deadline = time.monotonic() + WITHIN
    while True:
        value = await check()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not as expected after {WITHIN} s: {value!r}")
        await asyncio.sleep(0.05)


def until_sync(check: Callable[[], T], accept: Callable[[T], bool], timeout: float = 15.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not as expected after {timeout} s: {value!r}")
        time.sleep(0.05)
