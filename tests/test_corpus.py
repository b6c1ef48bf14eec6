from __future__ import annotations

from pathlib import Path

import pytest

from qa_service.config import DEFAULT_POLICY
from qa_service.corpus import load_policy, parse_policy, split_sentences
from qa_service.errors import PolicyError

from .conftest import DATA


def test_bundled_statement_splits_into_sentence_clauses() -> None:
    policy = load_policy(DEFAULT_POLICY)
    texts = [c.text for c in policy.clauses]
    assert len(texts) == 30
    assert texts[0].startswith("This privacy statement discloses the privacy practices")
    assert "This is all kept strictly confidential." in texts
    assert texts[-2] == "Effective Date: 02/22/08"
    assert [c.position for c in policy.clauses] == list(range(1, 31))


def test_archive_note_is_not_part_of_the_policy() -> None:
    policy = load_policy(DEFAULT_POLICY)
    assert not any("Wayback" in c.text or "archived" in c.text for c in policy.clauses)


def test_bundled_metadata_comes_from_the_text() -> None:
    policy = load_policy(DEFAULT_POLICY)
    assert policy.owner == "Palo Alto Software, Inc."
    assert policy.effective_date == "02/22/08"
    assert policy.effective_date_iso == "2008-02-22"
    assert policy.contact.email == "customerservice@paloalto.com"
    assert policy.contact.phone == "1-800-605-7057"
    assert "sales@paloalto.com" in policy.contact.emails
    assert policy.contact.phones == ("1-800-605-7057",)  # "(800) 605-7057" is the same number
    assert policy.contact.address == "488 East 11th, Suite 220, Eugene, OR 97401, USA"


def test_address_block_is_one_clause() -> None:
    policy = load_policy(DEFAULT_POLICY)
    last = policy.clauses[-1]
    assert last.text.startswith("Palo Alto Software, 488 East 11th")
    assert "sales@paloalto.com" in last.text


def test_clause_ids_are_stable_and_survive_edits_elsewhere() -> None:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    first = parse_policy(text)
    again = parse_policy(text)
    assert [c.id for c in first.clauses] == [c.id for c in again.clauses]
    assert len({c.id for c in first.clauses}) == len(first.clauses)
    edited = parse_policy(text.replace("This is all kept strictly confidential.", "It is secret."))
    unchanged = {c.id for c in first.clauses} & {c.id for c in edited.clauses}
    assert len(unchanged) == len(first.clauses) - 1


@pytest.mark.parametrize(
    ("name", "owner", "email", "phone", "iso"),
    [
        (
            "policies/acme_rockets.md",
            "Acme Rocket Supplies Ltd.",
            "privacy@acme-rockets.example",
            "+44 20 7946 0958",
            "2024-03-03",
        ),
        (
            "tiny_policy.txt",
            "Blue Finch Apps LLC",
            "hello@bluefinch.example",
            "(555) 010-4477",
            "2023-01-15",
        ),
        (
            "tiny_policy.html",
            "Green Owl Co.",
            "privacy@greenowl.example",
            "1-888-555-0199",
            "2022-07-01",
        ),
    ],
)
def test_other_policies_give_their_own_metadata(
    name: str, owner: str, email: str, phone: str, iso: str
) -> None:
    policy = load_policy(DATA / name)
    assert policy.owner == owner
    assert policy.contact.email == email
    assert policy.contact.phone == phone
    assert policy.effective_date_iso == iso
    assert "paloalto" not in " ".join(c.text for c in policy.clauses)


def test_markdown_headings_become_sections() -> None:
    policy = load_policy(DATA / "policies" / "acme_rockets.md")
    titles = [s.title for s in policy.sections]
    assert "Children" in titles
    children = next(s for s in policy.sections if s.title == "Children")
    assert all(policy.clause(cid).section == "Children" for cid in children.clause_ids)  # type: ignore[union-attr]
    assert policy.contact.address == "1 Launch Way, Bristol BS1 4DJ, United Kingdom"


def test_html_leaves_out_scripts_and_navigation() -> None:
    html = (DATA / "tiny_policy.html").read_text(encoding="utf-8")
    assert "<script" in html and "<nav" in html
    policy = load_policy(DATA / "tiny_policy.html")
    text = " ".join(c.text for c in policy.clauses)
    assert "function" not in text and "{" not in text
    assert any("never sell your personal information" in c.text for c in policy.clauses)


def test_plain_text_upper_case_headings_are_sections() -> None:
    policy = load_policy(DATA / "tiny_policy.txt")
    assert [s.title for s in policy.sections][:2] == ["What we collect", "How we use it"]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Palo Alto Software, Inc. collects data. We keep it.",
            ["Palo Alto Software, Inc. collects data.", "We keep it."],
        ),
        (
            "It is owned by Palo Alto Software, Inc. If you have questions, ask.",
            ["It is owned by Palo Alto Software, Inc.", "If you have questions, ask."],
        ),
        (
            "We share aggregate data (i.e. number of users, etc.) with advertisers. Fine.",
            ["We share aggregate data (i.e. number of users, etc.) with advertisers.", "Fine."],
        ),
        ("We use e.g. Google Analytics. Really.", ["We use e.g. Google Analytics.", "Really."]),
        ("Stored in the U.S. and the U.K. only.", ["Stored in the U.S. and the U.K. only."]),
        ("Call us! Or write? Yes.", ["Call us!", "Or write?", "Yes."]),
    ],
)
def test_sentence_splitting_respects_abbreviations(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_empty_policy_is_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(PolicyError, match="empty"):
        load_policy(empty)
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.md")
