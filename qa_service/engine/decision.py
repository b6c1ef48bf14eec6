"""The decision: which status a question gets, and the confidence: the estimated probability
that the clause the answer cites (or would cite) answers the question, from a logistic model
over a few signals, fitted on the dev split of several policies (`run.py tune`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from qa_service.engine.results import Status
from qa_service.engine.routing import CHAT, Route
from qa_service.engine.tuning import Tuning
from qa_service.intents import Kind


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the decision reads about one question and the clause it would cite."""

    score: float  # the clause's retrieval score (about 1: it holds every term of the question)
    lead: float  # how far it leads the next clause
    coverage: float  # share of the question's terms (by idf) the clause holds
    unknown: float  # share of the question's terms the policy never uses
    rarest: float  # whether the clause holds the question's rarest term the policy uses
    domain: float  # share of the question's terms a privacy policy would use
    terms: float  # how many terms the question has, log-scaled
    intent: float  # the best curated answer's score over its bar (1: at the bar)
    topic: float  # 1 when the question names a topic the policy covers
    typed: float  # 1: the clause gives the type of answer asked ("how long"); -1: not

    def vector(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in _SIGNALS)


_SIGNALS = tuple(f.name for f in fields(Evidence))


def probability(tuning: Tuning, evidence: Evidence) -> float:
    """The calibrated probability that the clause answers the question."""
    bias, *weights = tuning.calibration
    z = bias + sum(w * x for w, x in zip(weights, evidence.vector(), strict=True))
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


@dataclass(frozen=True, slots=True)
class Decision:
    status: Status
    confidence: float
    route: Route | None = None  # the intent that replies or answers, if one does


def decide(tuning: Tuning, route: Route | None, evidence: Evidence) -> Decision:
    """A conversational intent replies, and a curated answer (written for this very policy)
    answers; otherwise the question is answered when the clause probably answers it, a
    fallback when it is about privacy, else out of scope. A topic the question names but the
    policy does not cover falls back: nothing is forced."""
    p = probability(tuning, evidence)
    if route is not None and route.intent.kind in CHAT:
        return Decision(_CHAT[route.intent.kind], p, route)
    if route is not None and route.intent.kind == "answer":
        return Decision("answered", p, route)
    if route is not None and route.intent.kind == "topic" and not route.clauses:
        return Decision("fallback", p, route)
    if p >= tuning.answer_at:
        return Decision("answered", p, route)
    status: Status = "fallback" if evidence.domain >= tuning.domain else "out_of_scope"
    return Decision(status, p)


_CHAT: dict[Kind, Status] = {
    "smalltalk": "smalltalk",
    "handoff": "handoff",
    "out_of_scope": "out_of_scope",
}
