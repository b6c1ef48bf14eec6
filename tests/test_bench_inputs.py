"""The benchmark's inputs are what docs/performance.md says they are."""

from __future__ import annotations

import sys
from pathlib import Path

from qa_service.corpus import parse_policy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from questions import questions
from synthetic import synthetic_policy


def test_questions_are_many_distinct_and_repeatable() -> None:
    first = questions(1000)
    assert len(first) == len(set(first)) == 1000
    assert first == questions(1000)
    assert sum(q.endswith("?") for q in first) < len(first)  # reworded, not one template


def test_synthetic_policy_has_about_the_clauses_asked_for() -> None:
    policy = parse_policy(synthetic_policy(1000))
    assert 900 <= len(policy.clauses) <= 1000
    assert policy.contact.email == "privacy@synthetic.example"
    assert len({c.id for c in policy.clauses}) == len(policy.clauses)
