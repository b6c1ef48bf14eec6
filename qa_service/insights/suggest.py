"""Closing the loop: the most asked unanswered clusters as draft intents (the TOML of
`intents/*.toml`), each citing a phrase of the policy clause nearest to it, for a person to
check and copy into `intents/<policy file name>.toml`."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import tomli_w

from qa_service.corpus import Clause, Policy
from qa_service.insights.report import Report

SHORTEST_CITE = 6  # words: a shorter phrase is too easily found in another clause
# Words that say nothing about what a question is about, left out of a draft's name.
_FILLER = frozenset(
    {
        *("a", "an", "and", "are", "can", "could", "do", "does", "for", "how", "i", "if"),
        *("im", "in", "is", "it", "me", "my", "of", "on", "or", "our", "please", "the"),
        *("there", "this", "to", "u", "was", "what", "whats", "when", "where", "which"),
        *("who", "why", "will", "with", "would", "you", "your"),
    }
)


@dataclass(frozen=True, slots=True)
class Draft:
    name: str
    count: int
    examples: tuple[str, ...]
    clause: Clause | None  # None: no clause of the policy is near these questions
    score: float
    cite: str | None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def cite_phrase(clause: Clause, policy: Policy) -> str:
    """The shortest opening of the clause, from SHORTEST_CITE words on, that is in no other
    clause: the intent loader needs a phrase that finds exactly one."""
    words = clause.text.split()
    others = [_fold(c.text) for c in policy.clauses if c.id != clause.id]
    for n in range(min(SHORTEST_CITE, len(words)), len(words) + 1):
        phrase = " ".join(words[:n]).rstrip(",;:")
        if not any(_fold(phrase) in other for other in others):
            return phrase
    return clause.text


def _name(example: str, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", example.lower()) if w not in _FILLER]
    base = "draft_" + ("_".join(words[:4]) or "question")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def drafts(report: Report, policy: Policy, *, most: int = 10, min_count: int = 2) -> list[Draft]:
    """Drafts from the report's unanswered clusters asked at least `min_count` times."""
    taken: set[str] = set()
    out: list[Draft] = []
    for found in report.unanswered:
        if found.count < min_count or len(out) >= most:
            continue
        nearest = found.nearest
        clause = policy.clause(nearest.clause_id) if nearest is not None else None
        out.append(
            Draft(
                name=_name(found.examples[0], taken),
                count=found.count,
                examples=found.examples,
                clause=clause,
                score=nearest.score if nearest is not None else 0.0,
                cite=cite_phrase(clause, policy) if clause is not None else None,
            )
        )
    return out


def _comment(text: str) -> str:
    return textwrap.fill(" ".join(text.split()), 96, initial_indent="# ", subsequent_indent="# ")


def drafts_toml(found: list[Draft], report: Report) -> str:
    """The drafts as a TOML file the intent loader reads, every intent marked DRAFT."""
    out = [
        _comment(
            f"DRAFT intents from questions {report.policy!r} did not answer, "
            f"{report.since} to {report.until}, made by `run.py insights suggest`."
        ),
        "# Check each one before use: does the cited clause answer its examples? Edit the",
        "# name, question and examples, delete what is wrong, then copy the rest into",
        "# intents/<policy file name>.toml and reload (SIGHUP or POST /admin/reload).",
    ]
    if not found:
        out += ["", "# No unanswered questions were asked often enough to suggest anything."]
    for draft in found:
        out.append("")
        if draft.clause is None or draft.cite is None:
            out.append(
                _comment(
                    f"Asked {draft.count} time(s), and no clause of the policy is near: the "
                    f"policy may not cover it. Examples: {' | '.join(draft.examples)}"
                )
            )
            continue
        out.append(
            _comment(
                f"DRAFT: asked {draft.count} time(s); nearest clause {draft.clause.id} "
                f"(score {draft.score:.2f}): {draft.clause.text[:200]}"
            )
        )
        intent = {
            "name": draft.name,
            "kind": "answer",
            "question": draft.examples[0],
            "cite": [draft.cite],
            "examples": list(draft.examples),
        }
        out.append(tomli_w.dumps({"intent": [intent]}).rstrip("\n"))
    return "\n".join(out) + "\n"
