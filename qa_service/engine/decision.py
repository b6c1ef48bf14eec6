"""The decision: which status a question gets and how confident the engine is, from how well
the best route and the best clause match."""

from __future__ import annotations

from dataclasses import dataclass

from qa_service.engine.results import Status
from qa_service.engine.routing import Route
from qa_service.engine.tuning import Tuning
from qa_service.intents import Kind

# The status of a route that replies rather than answers: a topic the policy does not cover
# falls back; the conversational ones are their own status.
_REPLY: dict[Kind, Status] = {
    "answer": "fallback",
    "topic": "fallback",
    "smalltalk": "smalltalk",
    "handoff": "handoff",
    "out_of_scope": "out_of_scope",
}


@dataclass(frozen=True, slots=True)
class Decision:
    status: Status
    confidence: float
    route: Route | None = None  # the intent that replies, if one does
    retrieved: bool = False  # the answer cites what retrieval ranks first


def decide(
    tuning: Tuning,
    route: Route | None,
    route_score: float,
    best_clause: float,
    nearest_route: float,
    domain: float,
) -> Decision:
    """A route that passes its bar decides; else retrieval answers if its best clause is good
    enough; else nothing is forced: a question in privacy words gets a fallback (the policy
    does not say), anything else is out of scope."""
    if route is not None:
        if route.answers:
            return Decision("answered", route_score, route)
        return Decision(_REPLY[route.intent.kind], route_score, route)
    if best_clause >= tuning.clause:
        return Decision("answered", best_clause, retrieved=True)
    doubt = 1.0 - max(best_clause / tuning.clause, nearest_route)
    return Decision("fallback" if domain >= tuning.domain else "out_of_scope", 0.5 + doubt / 2)
