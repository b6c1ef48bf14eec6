"""`run.py tune` fits a confidence that ranks answerable questions above the others."""

from __future__ import annotations

from dataclasses import fields

from qa_service.calibration import fit
from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.engine.decision import Evidence
from qa_service.evaluation import load_cases

from .conftest import DATA


def test_fit_on_dev_questions_of_two_policies() -> None:
    sets = []
    for name in ("acme_rockets", "travel_wanderly"):
        policy = DATA / "policies" / f"{name}.md"
        cases = [c for c in load_cases(policy.with_suffix(".jsonl")) if c.split == "dev"]
        sets.append((Engine.from_settings(Settings(policy=policy)), cases))
    result = fit(sets)
    assert result.questions == sum(len(cases) for _, cases in sets)
    assert result.auroc is not None and result.auroc >= 0.7
    assert 0.5 <= result.accuracy <= 1.0
    assert 0.2 <= result.tuning.answer_at <= 0.8
    assert len(result.tuning.calibration) == 1 + len(fields(Evidence))  # a bias, then the signals


def test_one_policy_is_scored_by_its_own_fit_having_no_other_to_hold_it_out() -> None:
    policy = DATA / "policies" / "acme_rockets.md"
    cases = [c for c in load_cases(policy.with_suffix(".jsonl")) if c.split == "dev"]
    result = fit([(Engine.from_settings(Settings(policy=policy)), cases)])
    assert result.questions == len(cases)
    assert result.auroc is not None and result.auroc >= 0.7
