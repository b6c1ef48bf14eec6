"""Property-based tests of the answering core: any text up to the length limit gets a
well-formed answer or search result, never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa_service.config import DEFAULT_INTENTS, Settings
from qa_service.corpus import parse_policy
from qa_service.engine import STATUSES, Answer, Engine
from qa_service.errors import PolicyError
from qa_service.intents import intent_files, load_intents
from qa_service.serialise import answer_json

LIMIT = Settings().max_question_chars

# Every code point, lone surrogates included (JSON can carry them as \ud800 escapes).
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=LIMIT)
WORDY = st.lists(
    st.sampled_from(
        [
            "do",
            "you",
            "sell",
            "my",
            "email",
            "cookies",
            "data",
            "keep",
            "how",
            "long",
            "card",
            "4111",
            "@",
            "?",
            "GDPR",
            "delete",
            "children",
            "émail",
            "数据",
            "🙂",
            "\u200b",
            "\x00",
            "y" * 1200,  # longer than any word the policy knows
        ]
    ),
    max_size=60,
).map(" ".join)


def _well_formed(engine: Engine, answer: Answer) -> None:
    assert answer.status in STATUSES
    assert isinstance(answer.answer, str) and answer.answer.strip()
    assert 0.0 <= answer.confidence <= 1.0
    if answer.status == "answered":
        assert answer.citations
    for citation in answer.citations:
        assert engine.policy.clause(citation.clause.id) is citation.clause
    assert len(answer.suggestions) <= 3
    answer_json(answer)  # serialisable as the API sends it


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_any_text_gets_a_well_formed_answer(engine: Engine, question: str) -> None:
    _well_formed(engine, engine.answer(question))


@settings(max_examples=200, deadline=None)
@given(WORDY)
def test_privacy_words_in_any_order_get_a_well_formed_answer(engine: Engine, question: str) -> None:
    _well_formed(engine, engine.answer(question))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT | WORDY, st.integers(min_value=1, max_value=50))
def test_any_search_is_ranked_and_bounded(engine: Engine, query: str, limit: int) -> None:
    hits = engine.search(query, limit)
    assert len(hits) <= limit
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(h.score > 0 for h in hits)


# --- any policy builds and answers ------------------------------------------------------------

SENTENCE = st.tuples(
    st.lists(
        st.sampled_from(
            [
                "We",
                "collect",
                "your",
                "name",
                "email",
                "data",
                "keep",
                "it",
                "for",
                "years",
                "share",
                "with",
                "partners",
                "cookies",
                "children",
                "delete",
                "e.g.",
                "Inc.",
                "U.S.C.",
                "No.",
                "1.",
                "(a)",
                "-",
                "as follows:",
                "contact",
                "privacy@x.example",
                "+1 555 0100",
                "é",
                "数据",
                "🙂",
                "\u200b",
            ]
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([".", "", ":", "?"]),
).map(lambda parts: " ".join(parts[0]) + parts[1])
BLOCK = st.one_of(
    SENTENCE,
    SENTENCE.map(lambda s: f"# {s}"),
    SENTENCE.map(lambda s: f"## {s}"),
    SENTENCE.map(lambda s: f"1. {s}"),
    SENTENCE.map(lambda s: f"- {s}"),
    st.just(""),
)
MARKUP = st.sampled_from(["markdown", "text", "html"])
# What a company's own policy gets: the common intents only, no curated ones.
COMMON = load_intents(intent_files(DEFAULT_INTENTS, Path("own_policy.md")))


def _as(fmt: str, lines: list[str]) -> str:
    if fmt != "html":
        return "\n".join(lines)
    return "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(BLOCK, min_size=1, max_size=30), MARKUP, st.lists(WORDY | ANY_TEXT, max_size=3))
def test_any_policy_builds_and_answers(lines: list[str], fmt: str, questions: list[str]) -> None:
    try:
        policy = parse_policy(_as(fmt, lines), fmt)  # type: ignore[arg-type]
    except PolicyError:
        assert not any(c.isalnum() for c in "".join(lines) if not c.isspace())
        return
    engine = Engine(policy, COMMON)
    for question in [*questions, "do you sell my data?", "hi"]:
        answer = engine.answer(question)
        assert answer.status in STATUSES
        assert all(policy.clause(c.clause.id) is c.clause for c in answer.citations)
        engine.search(question, 5, prefix=True)
