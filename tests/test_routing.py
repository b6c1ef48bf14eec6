"""Routing: topics fire only when named, small talk only for chatty messages, and curated
intents cite the clauses their phrases quote."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_service.config import DEFAULT_INTENTS
from qa_service.corpus import parse_policy
from qa_service.engine import Engine
from qa_service.engine.routing import resolve
from qa_service.errors import IntentError
from qa_service.evaluation import labelled_policies, load_cases
from qa_service.intents import Intent, intent_files, load_intents

COMMON = load_intents(intent_files(DEFAULT_INTENTS, Path("own_policy.md")))
POLICY = parse_policy(
    """# Privacy policy of Example Ltd

We keep order records for six years after your last purchase.

Our services are not directed to children under 13.

We never sell your personal data to anyone.

Email privacy@example.org with any question.
"""
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(POLICY, COMMON)


def _route(engine: Engine, question: str) -> str | None:
    route = engine.assess(question).route
    return route.intent.name if route is not None else None


@pytest.mark.parametrize(
    ("question", "route"),
    [
        ("how long do you keep my order records?", "retention"),
        ("do you collect data from children?", "children"),
        ("do you sell my data", "selling"),
        ("hi there", "greeting"),
        ("thanks!", "thanks"),
        ("can i talk to a real person", "human"),
    ],
)
def test_a_route_fires_when_asked(engine: Engine, question: str, route: str) -> None:
    assert _route(engine, question) == route


@pytest.mark.parametrize(
    "question",
    [
        "can any 3rd party see my conversations?",  # not "see you"
        "what is the purpose of collecting my email",  # no topic named
        "can i delete the data on my account?",  # not retention
    ],
)
def test_a_route_does_not_fire_on_words_alone(engine: Engine, question: str) -> None:
    route = _route(engine, question)
    assert route not in {"goodbye", "identity", "retention", "children", "ai_training"}


def test_a_topic_cites_the_covered_clause_that_matches(engine: Engine) -> None:
    answer = engine.answer("how long do you keep my order records?")
    assert answer.status == "answered"
    assert "six years" in answer.citations[0].clause.text


def test_a_named_topic_the_policy_does_not_cover_falls_back(engine: Engine) -> None:
    answer = engine.answer("do you honour do not track signals?")
    assert answer.status == "fallback"
    assert answer.intent == "do_not_track"
    assert "privacy@example.org" in answer.answer


def test_topic_coverage_needs_the_topic_s_evidence() -> None:
    routes = {r.intent.name: r for r in resolve(COMMON.intents, POLICY)}
    assert [c.text for c in routes["retention"].clauses] == [POLICY.clauses[0].text]
    assert routes["do_not_track"].clauses == ()
    # A clause giving an email address covers "contact us", whatever words surround it.
    assert [c.text for c in routes["contact_us"].clauses] == [POLICY.clauses[-1].text]


def test_a_contact_line_answers_how_to_reach_the_company() -> None:
    policy = parse_policy("# Privacy policy\n\nWe never sell data.\n\n- Phone: 1800 555 274\n")
    answer = Engine(policy, COMMON).answer("what's your phone number?")
    assert answer.status == "answered"
    assert "1800 555 274" in answer.citations[0].clause.text


def test_a_cited_phrase_must_be_in_exactly_one_clause() -> None:
    cites = Intent("x", "answer", ("q",), cite=("never sell",), source="f.toml:1")
    (route,) = resolve([cites], POLICY)
    assert "never sell" in route.clauses[0].text
    with pytest.raises(IntentError, match="no clause of the policy contains"):
        resolve([Intent("x", "answer", ("q",), cite=("zebra",), source="f.toml:1")], POLICY)
    with pytest.raises(IntentError, match="is in 2 clauses"):
        resolve([Intent("x", "answer", ("q",), cite=("we",), source="f.toml:1")], POLICY)


def test_without_curated_intents_an_answer_cites_what_search_ranks_first() -> None:
    # A topic decides that a question is answered, never that a worse clause answers it.
    answered = 0
    for policy, labelled in labelled_policies(Path(__file__).parent / "data" / "policies"):
        engine = Engine.from_policy(policy)
        for case in load_cases(labelled):
            answer = engine.answer(case.question)
            if answer.status == "answered":
                answered += 1
                first = engine.search(case.question, 1)[0].clause
                assert answer.citations[0].clause == first, case.question
    assert answered >= 400
