"""The engine end to end: the statuses, citations and contacts a visitor gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_service.config import Settings
from qa_service.engine import Engine

from .conftest import DATA


def test_sell_email_cites_the_no_selling_clause(engine: Engine) -> None:
    answer = engine.answer("Do you sell my email address?")
    assert answer.status == "answered"
    assert "not selling our customers' email addresses" in answer.citations[0].clause.text
    assert "not selling our customers' email addresses" in answer.answer
    assert 0.5 <= answer.confidence <= 1.0
    assert answer.suggestions and "Do you sell my email address?" not in answer.suggestions


def test_chat_spelling_still_lands(engine: Engine) -> None:
    answer = engine.answer("do u sell my emial")
    assert answer.status == "answered"
    assert "not selling" in answer.citations[0].clause.text


def test_uncovered_privacy_topic_falls_back_with_the_policy_contacts(engine: Engine) -> None:
    answer = engine.answer("How long do you keep my data?")
    assert answer.status == "fallback"
    assert answer.citations == ()
    assert "customerservice@paloalto.com" in answer.answer
    assert "1-800-605-7057" in answer.answer
    assert answer.contact.email == "customerservice@paloalto.com"
    assert answer.contact.phone == "1-800-605-7057"


@pytest.mark.parametrize(
    ("question", "status"),
    [
        ("what's the weather", "out_of_scope"),
        ("tell me a joke", "out_of_scope"),
        ("hi there", "smalltalk"),
        ("thanks!", "smalltalk"),
        ("who are you?", "smalltalk"),  # nothing but function words
        ("do you?", "out_of_scope"),  # ...that are not an example's
        ("can I talk to a real person?", "handoff"),
        ("do you collect data from children under 13?", "fallback"),
        ("do you honor do not track signals", "fallback"),
    ],
)
def test_statuses(engine: Engine, question: str, status: str) -> None:
    answer = engine.answer(question)
    assert answer.status == status
    assert answer.citations == ()
    assert 0.0 <= answer.confidence <= 1.0


def test_handoff_gives_the_contact(engine: Engine) -> None:
    answer = engine.answer("i want to speak to a human")
    assert "customerservice@paloalto.com" in answer.answer


def test_nothing_is_forced_on_a_question_nothing_answers(engine: Engine) -> None:
    for question in ["zxqv blorp", "?", "🙂", "the"]:
        answer = engine.answer(question)
        assert answer.status in {"fallback", "out_of_scope"}
        assert answer.citations == ()


def test_search_ranks_clauses_and_names_matched_words(engine: Engine) -> None:
    hits = engine.search("credit card", 3)
    assert len(hits) == 3
    assert hits[0].score >= hits[1].score >= hits[2].score > 0
    assert {"credit", "card"} <= set(hits[0].matched)
    assert engine.search("zxqv", 5) == []


@pytest.fixture(scope="module")
def acme() -> Engine:
    return Engine.from_settings(Settings(policy=DATA / "policies" / "acme_rockets.md"))


def test_another_policy_answers_from_its_own_clauses_and_contacts(acme: Engine) -> None:
    assert not any(r.intent.kind == "answer" for r in acme.routes)  # retrieval and topics only
    kept = acme.answer("how long do you keep order records?")
    assert kept.status == "answered"
    assert "six years" in kept.citations[0].clause.text
    children = acme.answer("do you collect data from children?")
    assert children.status == "answered"
    assert children.citations[0].clause.section == "Children"
    fallback = acme.answer("do you honor do not track?")
    assert fallback.status == "fallback"
    assert "privacy@acme-rockets.example" in fallback.answer
    assert "+44 20 7946 0958" in fallback.answer
    assert "paloalto" not in fallback.answer
    assert fallback.contact.email == "privacy@acme-rockets.example"


def test_contact_can_be_set_in_configuration() -> None:
    engine = Engine.from_settings(
        Settings(contact_email="dpo@example.org", contact_phone="+1 555 0100")
    )
    answer = engine.answer("How long do you keep my data?")
    assert "dpo@example.org" in answer.answer and "+1 555 0100" in answer.answer
    assert answer.contact.address == engine.policy.contact.address


def test_a_question_asking_for_a_contact_detail_cites_the_clause_holding_it(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "policy.md"
    policy.write_text(
        "# Privacy Policy of Kestrel Bikes\n\n## What we collect\n\n"
        "When you order a bike we collect your name, delivery address and phone number.\n\n"
        "We use your phone number only to arrange delivery.\n\n## Contact\n\n"
        "Questions? Ring us on +1 503 555 0199 or write to privacy@kestrel.example.\n\n"
        "Our office is at 12 Harbor Street, Portland, OR 97201.\n"
    )
    engine = Engine.from_policy(policy)
    phone = engine.answer("what's your phone number?")
    assert "+1 503 555 0199" in phone.citations[0].clause.text
    letter = engine.answer("where can i send a letter to you")
    assert "12 Harbor Street" in letter.citations[0].clause.text
    # Asking about the visitor's own phone number is not asking for the company's.
    for question in ("do you share my phone number", "what do you use my phone number for"):
        assert "+1 503" not in engine.search(question, limit=1)[0].clause.text


def test_a_word_of_a_question_type_that_names_the_topic_still_has_to_be_matched(
    tmp_path: Path,
) -> None:
    # "minimum age" asks for an age and says what about: the clause on setting up an account
    # matches the rest of the question better but says nothing of age.
    policy = tmp_path / "policy.md"
    policy.write_text(
        "# Privacy Policy of Kestrel Bikes\n\n## Your account\n\n"
        "Providing your name and email address is necessary to set up an account.\n\n"
        "You can delete your account at any time in the app.\n\n## Children\n\n"
        "Kestrel is not meant for children under 16.\n"
    )
    answer = Engine.from_policy(policy).answer("Is there a minimum age for setting up an account?")
    assert "under 16" in answer.citations[0].clause.text


def test_a_clause_giving_the_type_of_answer_asked_is_likelier_the_answer(tmp_path: Path) -> None:
    policy = tmp_path / "policy.md"
    answers = {}
    for kept in ("We keep order records.", "We keep order records for six years."):
        policy.write_text(f"# Privacy\n\n## Orders\n\n{kept}\n\nWe use cookies.\n")
        seen = Engine.from_policy(policy).assess("how long do you keep order records?")
        assert seen.cited == 0
        answers[kept] = seen.evidence
    assert answers["We keep order records."].typed == -1.0  # "how long" and no length of time
    assert answers["We keep order records for six years."].typed == 1.0
    no_type = Engine.from_policy(policy).assess("do you keep order records?").evidence
    assert no_type.typed == 0.0


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("who do i tell about concerns with this statement", "questions or concerns about"),
        ("what is the email for sales", "sales@paloalto.com"),
    ],
)
def test_a_curated_answer_yields_to_a_far_better_clause(
    engine: Engine, question: str, quoted: str
) -> None:
    answer = engine.answer(question)
    assert answer.status == "answered"
    assert quoted in answer.citations[0].clause.text
