"""Composing replies: quotes that make sense alone, the policy's own contacts, suggestions."""

from __future__ import annotations

from pathlib import Path

from qa_service.config import DEFAULT_INTENTS
from qa_service.corpus import Contact, Policy, parse_policy
from qa_service.engine import Engine
from qa_service.engine.compose import fill
from qa_service.intents import intent_files, load_intents


def _own(policy: Policy) -> Engine:
    """An engine over a company's own policy, with only the common intents."""
    return Engine(policy, load_intents(intent_files(DEFAULT_INTENTS, Path("own.md"))))


def test_templates_take_the_policy_s_owner_and_contacts() -> None:
    contact = Contact(email="dpo@example.org", phone="+1 555 0100")
    text = fill("Ask {owner}: {contact}.", "Example Ltd", contact, "no contact")
    assert text == "Ask Example Ltd: email dpo@example.org or call +1 555 0100."
    assert fill("{contact}", None, Contact(None, None), "see our site") == "see our site"
    assert fill("{owner}", None, contact, "") == "the company"


def test_a_clause_leaning_on_the_one_before_is_quoted_with_it(engine: Engine) -> None:
    answer = engine.answer("is my information kept confidential?")
    assert answer.citations[0].clause.text == "This is all kept strictly confidential."
    assert answer.answer.startswith("We collect name, email address")


def test_a_list_item_is_quoted_with_its_lead_in() -> None:
    # Alone, "the time at which you connect" would read as if it were logged.
    policy = parse_policy(
        "# Privacy policy\n\n## No logs\n\nIn particular, we do not log:\n\n"
        "- the time at which you connect to a VPN server;\n- your IP address.\n"
    )
    answer = _own(policy).answer("do you log the time i connect to the vpn?")
    assert answer.citations[0].clause.text == "the time at which you connect to a VPN server;"
    assert answer.answer == (
        "In particular, we do not log: the time at which you connect to a VPN server;"
    )


def test_suggestions_never_repeat_the_question_just_answered(engine: Engine) -> None:
    answer = engine.answer("Do you sell my email address?")
    assert answer.suggestions
    assert "Do you sell my email address?" not in answer.suggestions
    cited = {c.clause.id for c in answer.citations}
    for other in answer.suggestions:
        assert not cited & {c.clause.id for c in engine.answer(other).citations}


def test_starters_are_questions_the_policy_answers(engine: Engine) -> None:
    starters = engine.starters(3)
    assert len(starters) == 3
    assert all(engine.answer(q).status == "answered" for q in starters)


def test_a_clause_naming_the_policy_is_quoted_alone() -> None:
    policy = parse_policy(
        "# Privacy policy\n\n## Changes\n\nWe may change this policy. "
        "This policy was last updated on 3 March 2025.\n"
    )
    answer = _own(policy).answer("when was this policy last updated?")
    assert answer.answer == "This policy was last updated on 3 March 2025."
