"""A bounded cache keyed by a digest of what a visitor typed, never the text itself."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class DigestCache(Generic[V]):
    """`compute(text)`, remembered for the `size` texts used last under a digest of the text,
    so the cache holds what was computed (a policy word, an answer) and no email, phone or
    card number a visitor typed. Safe to share with the engine's worker thread."""

    def __init__(self, compute: Callable[[str], V], size: int) -> None:
        self.compute = compute
        self.size = size
        self._values: OrderedDict[bytes, V] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> V:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = self.compute(text)
        with self._lock:
            self._values[key] = value
            if len(self._values) > self.size:
                self._values.popitem(last=False)
        return value
