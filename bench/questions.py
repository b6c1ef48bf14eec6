"""Many distinct visitor questions for the benchmarks: the labelled sets, reworded and misspelt.

Deterministic (seeded), so every run and both servers get the same load.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"

OPENERS = ["", "hi, ", "quick question: ", "hey ", "sorry, ", "um ", "ok so ", "one more thing, "]
CLOSERS = ["", "?", "??", " please", " thanks", " - asking for my company", " at all?", "!"]


def _labelled() -> list[str]:
    out = []
    for name in ("labelled.jsonl", "policies/acme_rockets.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(str(json.loads(line)["question"]))
    return out


def _misspell(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(["drop", "swap", "double", "replace"])
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    if edit == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if edit == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioustrnl") + word[i + 1 :]


def questions(count: int = 1000, seed: int = 1) -> list[str]:
    """`count` distinct questions: the labelled ones first, then variants with typos."""
    rng = random.Random(seed)
    base = _labelled()
    seen: set[str] = set()
    out: list[str] = []
    for q in base:
        if q not in seen:
            seen.add(q)
            out.append(q)
    while len(out) < count:
        words = rng.choice(base).rstrip("?!.").split()
        words = [_misspell(w, rng) if rng.random() < 0.25 else w for w in words]
        q = rng.choice(OPENERS) + " ".join(words) + rng.choice(CLOSERS)
        if rng.random() < 0.2:
            q = q.lower()
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out[:count]


if __name__ == "__main__":
    for q in questions():
        print(q)
