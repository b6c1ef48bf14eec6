"""Every weight and threshold of the engine, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tuning:
    """Weights and thresholds, chosen on the dev split only; `chosen_on` records the figure
    they gave there. The calibration and the two thresholds below it come from `run.py tune`
    over the twelve dev policies of tests/data/policies and the dev split of labelled.jsonl;
    the retrieval and routing weights from comparisons on the same questions."""

    # Clause retrieval: BM25 over each clause's terms and term pairs, plus lower-weighted
    # fields and signals (see ClauseIndex).
    k1: float = 1.2
    b: float = 0.5
    related: float = 0.35  # weight of a question word's related words (the lexicon's groups)
    heading: float = 0.3  # weight of the clause's section heading
    context: float = 0.5  # weight of the lead-in of the list a clause belongs to
    neighbour: float = 0.2  # weight of the previous sentence of the clause's paragraph
    chars: float = 0.3  # weight of character n-gram similarity (spellings terms miss)
    asks: float = 0.25  # bonus for a clause of the kind the question asks for ("how long")
    holds: float = 1.5  # bonus for a clause holding the value asked for ("your phone number")
    coverage: float = 0.5  # weight of the share of the question's terms a clause holds
    name: float = 0.3  # weight of the words of the company's or product's name
    # A route's example score: a blend of word, character n-gram and fuzzy similarity.
    word: float = 0.45
    char: float = 0.30
    fuzzy: float = 0.25
    support: float = 0.2  # weight of the best retrieval score among an intent's cited clauses
    cue: float = 0.25  # added for each cue phrase of an intent the question says
    # Bars a route's score must reach.
    intent: float = 0.5  # a curated intent
    topic: float = 0.55  # a generic privacy topic
    chat: float = 0.5  # smalltalk, handoff and off-topic intents
    # The confidence: a logistic model over the decision's Evidence (bias, then one weight per
    # signal), and the probability at which a question is answered.
    calibration: tuple[float, ...] = (
        -2.786,
        -0.002,
        2.855,
        3.03,
        -0.964,
        -0.391,
        -0.267,
        0.504,
        1.163,
        0.27,
        0.581,
    )
    answer_at: float = 0.36
    domain: float = 0.45  # share of the question's terms a privacy policy would use
    # A curated answer stands unless retrieval's first clause scores over 1 / this times as
    # well as the clauses it cites.
    curated: float = 0.3
    also_cite: float = 0.6  # other citations must score this share of the best one
    max_citations: int = 3
    chosen_on: str = (
        "dev split, 881 questions of 13 policies, each scored by a calibration fitted without "
        "it: status 69.0%, AUROC 0.87, at least 90% of unanswerable questions left unanswered"
    )

    def bar(self, kind: str) -> float:
        return {"answer": self.intent, "topic": self.topic}.get(kind, self.chat)
