"""What counts as an empty question: nothing but whitespace, control or invisible format
characters. One regex serves the handlers and the OpenAPI spec, so they cannot disagree."""

from __future__ import annotations

import re
import sys
import unicodedata


def _invisible_ranges() -> list[tuple[int, int]]:
    # The Basic Multilingual Plane only: the pattern must read the same in JSON Schema's
    # ECMA-262 dialect (\uXXXX escapes) as in Python's re.
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return ranges


def _escape(cp: int) -> str:
    return f"\\u{cp:04x}"


INVISIBLE_CLASS = "".join(
    _escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in _invisible_ranges()
)
# Found anywhere in a string, this means "at least one visible character".
VISIBLE_PATTERN = f"[^{INVISIBLE_CLASS}]"
_VISIBLE = re.compile(VISIBLE_PATTERN)
assert sys.maxunicode > 0xFFFF  # \uXXXX ranges above assume a wide build (always, since 3.3)


def blank(text: str) -> bool:
    return _VISIBLE.search(text) is None
