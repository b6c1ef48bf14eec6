"""Synthetic privacy policies of any size, from the words of the policies in tests/data."""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "corpus" / "emailcenterpro_privacy_statement.md",
    ROOT / "tests" / "data" / "policies" / "acme_rockets.md",
    ROOT / "tests" / "data" / "policies" / "lumen_fitness.md",
]


def synthetic_policy(clauses: int, seed: int = 3) -> str:
    """A Markdown policy with `clauses` sentences: real privacy sentences reshuffled, mixed
    with invented product and vendor names so the vocabulary grows with the size."""
    rng = random.Random(seed)
    text = " ".join(p.read_text(encoding="utf-8") for p in SOURCES)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", re.sub(r"[#*_>\[\]()]", " ", text))]
    words = [w for s in sentences for w in re.findall(r"[A-Za-z]+", s)]
    syllables = ["ra", "ven", "tor", "lex", "mi", "qua", "zor", "bel", "dan", "ix", "ope", "sul"]
    lines = ["# Privacy Policy - Synthetic Services Ltd", "", "Effective date: 1 March 2024", ""]
    for n in range(clauses):
        if n % 40 == 0:
            lines += ["", f"## Section {n // 40 + 1}: {' '.join(rng.sample(words, 3)).title()}", ""]
        elif n % 4 == 0:
            lines.append("")
        length = rng.randint(8, 22)
        chosen = rng.sample(words, length)
        if rng.random() < 0.3:
            chosen[rng.randrange(length)] = "".join(rng.sample(syllables, 3)).title()
        lines.append(" ".join(chosen).capitalize() + ".")
    lines += ["", "## Contact", "", "Email privacy@synthetic.example or call 1-800-555-0100."]
    return "\n".join(lines) + "\n"
