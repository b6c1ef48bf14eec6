"""Fit the confidence on labelled dev questions: a logistic model of the probability that the
clause an answer cites answers the question, then the probabilities at which to answer and
the privacy-word share at which an unanswered question is a fallback rather than off-topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LogisticRegression

from qa_service.engine import Assessment, Engine, Tuning
from qa_service.engine.decision import decide
from qa_service.evaluation import UNANSWERED, Case, auroc


@dataclass(frozen=True, slots=True)
class Fit:
    tuning: Tuning
    accuracy: float  # status accuracy on the questions fitted on
    auroc: float | None
    questions: int


def _correct(tuning: Tuning, case: Case, engine: Engine, seen: Assessment) -> bool:
    decision = decide(tuning, seen.route, seen.evidence)
    if decision.status != case.status:
        return False
    if case.status != "answered" or not case.clauses:
        return True
    if seen.route is not None and seen.route.intent.kind == "answer":
        return case.right(seen.route.clauses[0] if seen.route.clauses else None)
    return seen.cited is not None and case.right(engine.policy.clauses[seen.cited])


def fit(
    sets: Sequence[tuple[Engine, Sequence[Case]]],
    base: Tuning | None = None,
    min_abstain: float = 0.9,
) -> Fit:
    """The tuning whose calibration and thresholds fit the questions best, among those that
    leave at least `min_abstain` of the questions the policy does not answer unanswered:
    a wrong answer costs a visitor more than an honest "I don't know"."""
    base = base or Tuning()
    seen = [
        (engine, case, engine.assess(case.question)) for engine, cases in sets for case in cases
    ]
    rows, labels = [], []
    for engine, case, a in seen:
        if case.status != "answered" and case.status not in UNANSWERED:
            continue  # smalltalk and handoff are routed by their intents, not the confidence
        clause = (
            a.route.clauses[0]
            if a.route is not None and a.route.intent.kind == "answer"
            else (engine.policy.clauses[a.cited] if a.cited is not None else None)
        )
        rows.append(a.evidence.vector())
        labels.append(case.status == "answered" and case.right(clause))
    model = LogisticRegression(C=1.0, max_iter=1000).fit(np.asarray(rows), np.asarray(labels))
    calibration = (float(model.intercept_[0]), *(float(w) for w in model.coef_[0]))
    tuned = replace(base, calibration=tuple(round(w, 3) for w in calibration))
    unanswerable = [(e, c, a) for e, c, a in seen if c.status in UNANSWERED]
    best = (-1.0, tuned)
    for answer_at in np.arange(0.2, 0.81, 0.02):
        for domain in np.arange(0.2, 0.81, 0.05):
            candidate = replace(tuned, answer_at=round(answer_at, 2), domain=round(domain, 2))
            abstained = sum(
                decide(candidate, a.route, a.evidence).status != "answered"
                for _, _, a in unanswerable
            )
            if unanswerable and abstained < min_abstain * len(unanswerable):
                continue
            accuracy = sum(_correct(candidate, c, e, a) for e, c, a in seen) / len(seen)
            if accuracy > best[0] + 1e-9:
                best = (accuracy, candidate)
    accuracy, chosen = best
    p = model.predict_proba(np.asarray(rows))[:, 1]
    answerable = [
        case.status == "answered"
        for _, case, _ in seen
        if case.status == "answered" or case.status in UNANSWERED
    ]
    return Fit(chosen, accuracy, auroc(answerable, p.tolist()), len(seen))
