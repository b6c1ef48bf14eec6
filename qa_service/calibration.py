"""Fit the confidence on labelled dev questions: a logistic model of the probability that the
clause an answer cites answers the question, then the probabilities at which to answer and
the privacy-word share at which an unanswered question is a fallback rather than off-topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LogisticRegression

from qa_service.engine import Assessment, Engine, Tuning
from qa_service.engine.decision import Evidence, decide, probability
from qa_service.evaluation import UNANSWERED, Case, auroc


@dataclass(frozen=True, slots=True)
class Fit:
    tuning: Tuning
    accuracy: float  # status accuracy on the questions fitted on, each policy's scored by a
    auroc: float | None  # calibration fitted without it
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


def _model(rows: Sequence[tuple[float, ...]], labels: Sequence[bool]) -> tuple[float, ...]:
    """A logistic model's bias and weights, as Tuning.calibration holds them."""
    model = LogisticRegression(C=1.0, max_iter=1000).fit(np.asarray(rows), np.asarray(labels))
    return tuple(round(w, 3) for w in (float(model.intercept_[0]), *model.coef_[0].tolist()))


def fit(
    sets: Sequence[tuple[Engine, Sequence[Case]]],
    base: Tuning | None = None,
    min_abstain: float = 0.9,
) -> Fit:
    """The tuning whose calibration and thresholds fit the questions best, among those that
    leave at least `min_abstain` of the questions the policy does not answer unanswered:
    a wrong answer costs a visitor more than an honest "I don't know".

    The thresholds are chosen as they would work on a policy the model has not seen: each
    policy's questions are scored by a model fitted on the other policies' questions only."""
    base = base or Tuning()
    seen = [
        (n, engine, case, engine.assess(case.question))
        for n, (engine, cases) in enumerate(sets)
        for case in cases
    ]
    rows: list[tuple[float, ...]] = []
    labels: list[bool] = []
    groups: list[int] = []
    for n, engine, case, a in seen:
        if case.status != "answered" and case.status not in UNANSWERED:
            continue  # smalltalk and handoff are routed by their intents, not the confidence
        clause = (
            a.route.clauses[0]
            if a.route is not None and a.route.intent.kind == "answer"
            else (engine.policy.clauses[a.cited] if a.cited is not None else None)
        )
        rows.append(a.evidence.vector())
        labels.append(case.status == "answered" and case.right(clause))
        groups.append(n)
    tuned = replace(base, calibration=_model(rows, labels))

    # For each policy, the calibration fitted without it (the whole fit if nothing else is).
    def without(n: int) -> Tuning:
        rest = [(r, y) for r, y, g in zip(rows, labels, groups, strict=True) if g != n]
        if len({y for _, y in rest}) < 2:
            return tuned
        return replace(base, calibration=_model([r for r, _ in rest], [y for _, y in rest]))

    unseen = [without(n) for n in range(len(sets))]
    best = (-1.0, tuned)
    for answer_at in np.arange(0.2, 0.81, 0.02):
        for domain in np.arange(0.2, 0.81, 0.05):
            at, share = round(float(answer_at), 2), round(float(domain), 2)
            each = [replace(t, answer_at=at, domain=share) for t in unseen]
            abstained = [
                decide(each[n], a.route, a.evidence).status != "answered"
                for n, _, c, a in seen
                if c.status in UNANSWERED
            ]
            if abstained and sum(abstained) < min_abstain * len(abstained):
                continue
            accuracy = sum(_correct(each[n], c, e, a) for n, e, c, a in seen) / len(seen)
            if accuracy > best[0] + 1e-9:
                best = (accuracy, replace(tuned, answer_at=at, domain=share))
    accuracy, chosen = best
    p = [probability(unseen[g], Evidence(*r)) for r, g in zip(rows, groups, strict=True)]
    answerable = [
        case.status == "answered"
        for _, _, case, _ in seen
        if case.status == "answered" or case.status in UNANSWERED
    ]
    return Fit(chosen, accuracy, auroc(answerable, p), len(seen))
