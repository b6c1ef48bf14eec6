"""The decision: a calibrated probability, statuses from it, nothing forced."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa_service.engine import Tuning
from qa_service.engine.decision import Evidence, decide, probability
from qa_service.engine.routing import Route
from qa_service.intents import Intent

STRONG = Evidence(1.0, 0.5, 1.0, 0.0, 1.0, 1.0, 1.5, 0.0, 0.0, 1.0)
WEAK = Evidence(0.1, 0.0, 0.1, 0.5, 0.0, 1.0, 1.5, 0.0, 0.0, -1.0)


def test_probability_grows_with_the_evidence() -> None:
    t = Tuning()
    assert 0.0 < probability(t, WEAK) < probability(t, STRONG) < 1.0
    assert probability(t, replace(WEAK, coverage=0.6)) > probability(t, WEAK)


def test_answered_above_the_threshold_fallback_or_off_topic_below() -> None:
    t = Tuning()
    assert decide(t, None, STRONG).status == "answered"
    assert decide(t, None, WEAK).status == "fallback"
    assert decide(t, None, replace(WEAK, domain=0.0)).status == "out_of_scope"
    strong = decide(t, None, STRONG)
    assert strong.confidence == pytest.approx(probability(t, STRONG))


def test_routes_that_reply_and_topics_the_policy_does_not_cover() -> None:
    t = Tuning()
    chat = Route(Intent("greeting", "smalltalk", ("hi",), response="Hello"))
    assert decide(t, chat, STRONG).status == "smalltalk"
    uncovered = Route(Intent("dnt", "topic", ("dnt",), evidence=("do not track",)))
    assert decide(t, uncovered, STRONG).status == "fallback"
    curated = Route(Intent("sell", "answer", ("sell",), cite=("sell",)))
    assert decide(t, curated, WEAK).status == "answered"


def test_a_threshold_of_one_answers_nothing_by_retrieval() -> None:
    assert decide(replace(Tuning(), answer_at=1.0), None, STRONG).status == "fallback"
