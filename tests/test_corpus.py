from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa_service.config import DEFAULT_POLICY
from qa_service.corpus import Format, holds, load_policy, parse_policy, split_sentences
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
    titles = [s.title for s in policy.sections]
    assert titles[titles.index("What we collect") + 1] == "How we use it"
    # The date line is a clause a visitor can be shown, not a section title.
    assert policy.clauses[0].text == "Effective: January 15, 2023"
    assert policy.clauses[0].section == "Blue Finch Apps LLC privacy policy"


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
        (
            "We follow the Children's Online Privacy Protection Act (15 U.S.C. 6501 et seq.) "
            "and its implementing rule.",
            [
                "We follow the Children's Online Privacy Protection Act (15 U.S.C. 6501 et seq.) "
                "and its implementing rule."
            ],
        ),
        (
            "Records are kept as the Privacy Act requires (5 U.S.C. 552a). You may ask for them.",
            [
                "Records are kept as the Privacy Act requires (5 U.S.C. 552a).",
                "You may ask for them.",
            ],
        ),
        (
            "See the Act (15 U.S.C. 6501 et seq.). Parents may object.",
            ["See the Act (15 U.S.C. 6501 et seq.).", "Parents may object."],
        ),
        (
            "Our bank is Heron Bank, N.A. We are regulated by the OCC.",
            ["Our bank is Heron Bank, N.A.", "We are regulated by the OCC."],
        ),
        (
            "Our office is open 9 a.m. to 5 p.m. Monday to Friday, at No. 5 St. James Street.",
            ["Our office is open 9 a.m. to 5 p.m. Monday to Friday, at No. 5 St. James Street."],
        ),
        (
            "Data is stored in the U.S. The servers are in Oregon.",
            ["Data is stored in the U.S.", "The servers are in Oregon."],
        ),
        (
            "BrightDesk Inc. also participates in the EU-U.S. Data Privacy Framework.",
            ["BrightDesk Inc. also participates in the EU-U.S. Data Privacy Framework."],
        ),
        (
            "Acme Ltd. Holdings owns us. It is based in London.",
            ["Acme Ltd. Holdings owns us.", "It is based in London."],
        ),
        (
            "We do not collect data from children under 13. We delete it if we learn of it.",
            [
                "We do not collect data from children under 13.",
                "We delete it if we learn of it.",
            ],
        ),
        (
            "4. HOW WE SHARE YOUR INFORMATION We share it with couriers.",
            ["4. HOW WE SHARE YOUR INFORMATION We share it with couriers."],
        ),
        (
            "1. WHO WE ARE 2. WHAT WE COLLECT 3. HOW WE USE IT",
            ["1. WHO WE ARE 2. WHAT WE COLLECT 3. HOW WE USE IT"],
        ),
        (
            "Contact Dr. Okafor or Ms. Lee, e.g. by email.",
            ["Contact Dr. Okafor or Ms. Lee, e.g. by email."],
        ),
        (
            "Under Cal. Civ. Code § 1798.83 you may ask us. See Colo. Rev. Stat. § 6-1-1301.",
            ["Under Cal. Civ. Code § 1798.83 you may ask us.", "See Colo. Rev. Stat. § 6-1-1301."],
        ),
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


@pytest.mark.parametrize(
    "data",
    [
        "\ufeffWe don\u2019t sell your data \u2014 ever.\n".encode(),  # UTF-8, with a BOM
        "We don\u2019t sell your data \u2014 ever.\n".encode("utf-16"),  # with its BOM
        "We don\u2019t sell your data \u2014 ever.\n".encode("cp1252"),  # Word on Windows
    ],
)
def test_a_policy_file_is_read_in_the_encodings_companies_save(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(data)
    assert [c.text for c in load_policy(path).clauses] == ["We don\u2019t sell your data — ever."]


def test_a_binary_policy_file_is_refused(tmp_path: Path) -> None:
    for name, data in (("policy.pdf", b"%PDF-1.7\n..."), ("policy.docx", b"PK\x03\x04\x00\x00")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(PolicyError, match="binary file"):
            load_policy(tmp_path / name)


# --- tables of contents and section titles ---------------------------------------------------


def _texts(text: str, fmt: Format) -> list[str]:
    return [c.text for c in parse_policy(text, fmt).clauses]


TWO_SECTIONS_MD = """
## 1. Who We Are

We are Kestrel Tutoring.

## 2. What We Collect

We collect your name.
"""
TWO_SECTIONS_TXT = """
1. WHO WE ARE
We are Kestrel Tutoring.

2. WHAT WE COLLECT
We collect your name.
"""


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (
            "markdown",
            "## Table of Contents\n\n1. Who We Are\n2. What We Collect\n" + TWO_SECTIONS_MD,
        ),
        ("markdown", "- [Who we are](#who)\n- [What we collect](#what)\n" + TWO_SECTIONS_MD),
        ("markdown", "Sections:\n\n* Who we are\n* What we collect\n" + TWO_SECTIONS_MD),
        ("text", "CONTENTS\n1. WHO WE ARE\n2. WHAT WE COLLECT\n" + TWO_SECTIONS_TXT),
        ("text", "CONTENTS\n\n1. Who we are\n2. What we collect\n" + TWO_SECTIONS_TXT),
        ("text", "TABLE OF CONTENTS\n1. About us\n2. Data\n\n" + TWO_SECTIONS_TXT),
        (
            "text",
            "1. WHO WE ARE 2. WHAT WE COLLECT 3. HOW WE USE IT 4. CONTACT US\n" + TWO_SECTIONS_TXT,
        ),
        (
            "text",
            "Contents: 1. Who we are 2. What we collect 3. Contact us\n" + TWO_SECTIONS_TXT,
        ),
        (
            "html",
            '<ol><li><a href="#who">Who we are</a></li><li>2. <a href="#what">What we collect</a>'
            '<ul><li><a href="#what-more">More</a></li></ul></li></ol>'
            "<h2 id=who>1. Who we are</h2><p>We are Kestrel Tutoring.</p>"
            "<h2 id=what>2. What we collect</h2><p>We collect your name.</p>",
        ),
    ],
)
def test_tables_of_contents_give_no_clauses(fmt: Format, text: str) -> None:
    policy = parse_policy(text, fmt)
    assert [c.text for c in policy.clauses] == ["We are Kestrel Tutoring.", "We collect your name."]
    # Markdown keeps the title's own case; all-capitals titles are quietened.
    assert [c.section.lower() for c in policy.clauses] == ["who we are", "what we collect"]


def test_a_list_that_is_not_a_table_of_contents_stays() -> None:
    text = "## Summary\n\n- We sell nothing.\n- Who we are matters.\n\n## Who we are\n\nKestrel."
    assert _texts(text, "markdown") == ["We sell nothing.", "Who we are matters.", "Kestrel."]


@pytest.mark.parametrize(
    ("fmt", "text", "sections"),
    [
        (
            "text",
            "1. SCOPE OF THIS NOTICE\nThis notice covers our shops.\n\n"
            "4. HOW WE SHARE YOUR INFORMATION\n\nWe share it with couriers.\n\n"
            "IV. YOUR CALIFORNIA RIGHTS\nYou may opt out.\n",
            ["Scope of this notice", "How we share your information", "Your California rights"],
        ),
        (
            "text",
            "ARTICLE II - DATA WE COLLECT\n\nWe collect your name.\n\n"
            "Article IV: Sharing\n\nWe never sell data.\n",
            ["Data we collect", "Sharing"],
        ),
        (
            "text",
            "What information do we collect?\n\nWe collect your name.\n\n"
            "How long do we keep it?\nWe keep it for two years.\n",
            ["What information do we collect?", "How long do we keep it?"],
        ),
        (
            "markdown",
            "## 4. How We Share Your Information\n\nWe share it with couriers.\n\n"
            "### 4.1 Couriers:\n\nCouriers get your address.\n\n"
            "SECTION 5 - CONTACT US\n-----\n\nEmail us.\n",
            ["How We Share Your Information", "Couriers", "Contact us"],
        ),
        (
            "markdown",
            "1. SCOPE OF THIS NOTICE\n\nThis notice covers our shops.\n\n"
            "**Cookies**\n\nWe use one cookie.\n",
            ["Scope of this notice", "Cookies"],
        ),
        (
            "markdown",
            "Information We Collect\n\nWe collect your name.\n\n"
            "**Cookies**   [top](#top)\n\nWe use one cookie.\n",
            ["Information We Collect", "Cookies"],
        ),
        (
            "markdown",
            "**VI. Children under 13**\n\nWe collect none.\n\n**_c. Analytic Tools._**\n\n"
            "We use our own.\n",
            ["Children under 13", "Analytic Tools"],
        ),
        (
            "markdown",
            "What are cookies?\n\nSmall files your browser keeps.\n\n"
            "1.1 Required data  \nWe ask for your email.\n\n"
            "**Live events  \n**\n\nWe receive sign-in lists. * *\n",
            ["What are cookies?", "Required data", "Live events"],
        ),
        (
            "html",
            "<h2>4. HOW WE SHARE YOUR INFORMATION</h2><p>We share it with couriers.</p>"
            "<p><strong>Cookies</strong></p><p>We use one cookie.</p>"
            "<details><summary>A. Your choices</summary><p>You may opt out.</p></details>",
            ["How we share your information", "Cookies", "Your choices"],
        ),
    ],
)
def test_section_titles_are_headings_not_clauses(
    fmt: Format, text: str, sections: list[str]
) -> None:
    policy = parse_policy(text, fmt)
    assert [s.title for s in policy.sections] == sections
    texts = [c.text for c in policy.clauses]
    assert not any(t.rstrip(".").isdigit() or t.isupper() or t in sections for t in texts)
    assert len(texts) == len(sections)


@pytest.mark.parametrize(
    ("fmt", "text", "expected"),
    [
        (
            "markdown",
            "**Health information.** We collect your sleep data. We keep it private.",
            [
                ("We collect your sleep data.", "Health information"),
                ("We keep it private.", "Health information"),
            ],
        ),
        (
            "markdown",
            "**Cookies**: We use one cookie.",
            [("We use one cookie.", "Cookies")],
        ),
        (
            "markdown",
            "- **EEA residents:** you may complain to a regulator. Ask us first.",
            [
                ("EEA residents: you may complain to a regulator.", ""),
                ("Ask us first.", "EEA residents"),
            ],
        ),
        (
            "markdown",
            "**Account Data** is information about you.",
            [("Account Data is information about you.", "")],
        ),
        (
            "markdown",
            "**We do not sell your data.** That is the short version.\n\n"
            "**Can we see your messages?** No. They are encrypted.",
            [  # a sentence set in bold says something; a question names a topic
                ("We do not sell your data.", ""),
                ("That is the short version.", "We do not sell your data"),
                ("No. They are encrypted.", "Can we see your messages?"),
            ],
        ),
        (
            "html",
            "<p><strong>Health information.</strong> We collect your sleep data.</p>"
            "<dl><dt>Location</dt><dd>We use your city to show local news.</dd>"
            "<dt>Email</dt><dd>privacy@kestrel.example</dd></dl>",
            [
                ("We collect your sleep data.", "Health information"),
                ("We use your city to show local news.", "Location"),
                ("Email: privacy@kestrel.example", ""),
            ],
        ),
        (
            "text",
            "3.1 On-Device and Cloud Processing. Basic edits are made on your device. "
            "AI filters run on our servers.\n\n"
            "3.2 We keep uploads for 24 hours. Then they are deleted.\n",
            [
                ("Basic edits are made on your device.", "3.1 On-Device and Cloud Processing"),
                ("AI filters run on our servers.", "3.1 On-Device and Cloud Processing"),
                ("3.2 We keep uploads for 24 hours.", ""),
                ("Then they are deleted.", ""),
            ],
        ),
    ],
)
def test_run_in_headings_are_context_not_clauses(
    fmt: Format, text: str, expected: list[tuple[str, str]]
) -> None:
    policy = parse_policy(text, fmt)
    assert [(c.text, c.context) for c in policy.clauses] == expected


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (
            "text",
            "Privacy FAQ\n\nQ: Do you sell my data?\nA: No, never.\n\n"
            "Q: How long?\n\nA: 2 years.\n",
        ),
        (
            "text",
            "Privacy FAQ\n\nQuestion: Do you sell my data? Answer: No, never.\n\n"
            "Q: How long? A: 2 years.\n",
        ),
        (
            "markdown",
            "# Privacy FAQ\n\n**Q: Do you sell my data?**\n\nA: No, never.\n\n"
            "## Q: How long?\n\nA: 2 years.\n",
        ),
        (
            "html",
            "<h1>Privacy FAQ</h1><p>Q: Do you sell my data?</p><p>A: No, never.</p>"
            "<h3>Q. How long?</h3><p>A. 2 years.</p>",
        ),
    ],
)
def test_a_faqs_questions_are_titles_of_their_answers(fmt: Format, text: str) -> None:
    policy = parse_policy(text, fmt)
    assert [(c.section, c.text) for c in policy.clauses] == [
        ("Do you sell my data?", "No, never."),
        ("How long?", "2 years."),
    ]


# --- lead-ins and their lists --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("markdown", "We collect the following:\n\n- your name;\n- your email address.\n"),
        ("markdown", "We collect the following:\n* your name;\n* your email address.\n"),
        ("markdown", "We collect the following:\n\n1. your name;\n2. your email address.\n"),
        ("text", "We collect the following:\n(a) your name;\n(b) your email address.\n"),
        ("text", "We collect the following:\n\na) your name;\n\nb) your email address.\n"),
        ("text", "We collect the following:\n• your name;\n• your email address.\n"),
        ("text", "We collect the following:\n● your name;\n■ your email address.\n"),
        ("text", "We collect the following:\no your name;\no your email address.\n"),
        ("markdown", "We collect the following:\n\n1\\. your name;\n\n2\\. your email address.\n"),
        ("markdown", "We collect the following:\n\n\\- your name;\n\\- your email address.\n"),
        ("markdown", "We collect the following:\n\na) your name;\n\nb) your email address.\n"),
        ("markdown", "We collect the following:\n\n● your name;\n● your email address.\n"),
        ("text", "We collect the following:\n- your name;\n- your email\n  address.\n"),
        ("text", "We collect the following:\n1. your name;\n2. your email address.\n"),
        (
            "html",
            "<p>We collect the following:</p><ul><li>your name;</li><li>your email address.</ul>",
        ),
        (
            "html",
            "<p>We collect the following:</p><p>• your name;</p><p>• your email address.</p>",
        ),
    ],
)
def test_list_items_carry_their_lead_in(fmt: Format, text: str) -> None:
    policy = parse_policy(text, fmt)
    assert [(c.text, c.context) for c in policy.clauses] == [
        ("We collect the following:", ""),
        ("your name;", "We collect the following:"),
        ("your email address.", "We collect the following:"),
    ]


def test_the_lead_in_is_the_last_sentence_before_the_list() -> None:
    text = "We never sell data. We share it as follows:\n\n- with couriers. They get addresses.\n"
    policy = parse_policy(text, "markdown")
    assert [(c.text, c.context) for c in policy.clauses] == [
        ("We never sell data.", ""),
        ("We share it as follows:", ""),
        ("with couriers.", "We share it as follows:"),
        ("They get addresses.", "We share it as follows:"),
    ]
    assert policy.clauses[2].paragraph == policy.clauses[3].paragraph


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (
            "markdown",
            "We collect data as follows:\n\n- device data, including:\n  - your IP address;\n"
            "  - your browser.\n- your orders.\n",
        ),
        (
            "html",
            "<p>We collect data as follows:</p><ul><li>device data, including:<ul>"
            "<li>your IP address;</li><li>your browser.</li></ul></li><li>your orders.</li></ul>",
        ),
        (
            "text",
            "We collect data as follows:\n1. device data, including:\n   (a) your IP address;\n"
            "   (b) your browser.\n2. your orders.\n",
        ),
        (
            "text",
            "We collect data as follows:\n1. device data, including:\n(a) your IP address;\n"
            "(b) your browser.\n2. your orders.\n",
        ),
    ],
)
def test_nested_items_carry_their_parents(fmt: Format, text: str) -> None:
    lead = "We collect data as follows:"
    policy = parse_policy(text, fmt)
    assert [(c.text, c.context) for c in policy.clauses] == [
        (lead, ""),
        ("device data, including:", lead),
        ("your IP address;", f"{lead} device data, including:"),
        ("your browser.", f"{lead} device data, including:"),
        ("your orders.", lead),
    ]


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("markdown", "We keep things simple.\n\n- No ads.\n- No tracking.\n"),
        ("html", "<h2>In short</h2><ul><li>No ads.</li><li>No tracking.</li></ul>"),
        ("text", "We keep things simple.\n- No ads.\n- No tracking.\n"),
    ],
)
def test_lists_without_a_lead_in_have_no_context(fmt: Format, text: str) -> None:
    items = [c for c in parse_policy(text, fmt).clauses if c.text.startswith("No ")]
    assert [(c.text, c.context) for c in items] == [("No ads.", ""), ("No tracking.", "")]


def test_a_short_lead_in_keeps_the_sentence_before_it() -> None:
    text = "We collect what you give us when you sign up. This may include:\n\n- your name.\n"
    item = parse_policy(text, "markdown").clauses[-1]
    assert (item.text, item.context) == (
        "your name.",
        "We collect what you give us when you sign up. This may include:",
    )


def test_another_markdown_marker_starts_another_list() -> None:
    text = "We collect:\n\n1. your name;\n2. your email.\n\n- We never sell it.\n"
    policy = parse_policy(text, "markdown")
    assert [c.context for c in policy.clauses] == ["", "We collect:", "We collect:", ""]


def test_an_inline_enumeration_stays_in_its_sentence() -> None:
    text = "We disclose data only to: (a) obey the law; or (b) protect our rights."
    assert _texts(text, "markdown") == [text]


# --- tables ----------------------------------------------------------------------------------


def test_html_table_rows_are_clauses_under_their_header() -> None:
    html = (
        "<p>We keep records as follows:</p><table><thead><tr><th>Record</th><th>Kept for</th>"
        "</tr></thead><tbody><tr><td>Transaction records</td><td>7 years after account "
        "closure</td></tr><tr><td>Call recordings</td><td><p>90 days</p></td></tr></tbody>"
        "</table><table><tr><td>Logs</td><td>30 days</td></tr></table>"
    )
    policy = parse_policy(html, "html")
    lead = "We keep records as follows:"
    assert [(c.text, c.context) for c in policy.clauses] == [
        (lead, ""),
        ("Transaction records — 7 years after account closure", f"{lead} Record — Kept for"),
        ("Call recordings — 90 days", f"{lead} Record — Kept for"),
        ("Logs — 30 days", ""),
    ]


def test_an_html_table_laying_out_the_page_is_read_as_text() -> None:
    # Older sites put the whole page in a table: its cells hold headings, paragraphs and
    # data tables of their own, and are not one row clause.
    html = (
        "<table><tr><td><h1>Privacy</h1><h2>Cookies</h2><p>We use cookies. They keep you "
        "signed in.</p><table><tr><th>Data</th><th>Kept for</th></tr><tr><td>Orders</td>"
        "<td>6 years</td></tr></table><p>Write to us.</p></td></tr></table>"
    )
    policy = parse_policy(html, "html")
    assert [(c.section, c.text, c.context) for c in policy.clauses] == [
        ("Cookies", "We use cookies.", ""),
        ("Cookies", "They keep you signed in.", ""),
        ("Cookies", "Orders — 6 years", "Data — Kept for"),
        ("Cookies", "Write to us.", ""),
    ]
    long = "We use cookies to keep you signed in and to remember your choices. " * 8
    policy = parse_policy(f"<h1>Privacy</h1><table><tr><td>{long}</td></tr></table>", "html")
    assert len(policy.clauses) == 8  # a cell of running text is sentences, not one value


def test_markdown_table_rows_are_clauses_under_their_header() -> None:
    text = "| Data | Kept for |\n|---|:--|\n| Orders | 6 years |\n| Logs | 90 days |\n"
    policy = parse_policy(text, "markdown")
    assert [(c.text, c.context) for c in policy.clauses] == [
        ("Orders — 6 years", "Data — Kept for"),
        ("Logs — 90 days", "Data — Kept for"),
    ]


def test_plain_text_table_rows_are_clauses_under_their_header() -> None:
    # A header row over a dashed rule, columns aligned with spaces: not a title and a
    # paragraph of run-together rows. A word overrunning its column stays whole.
    text = (
        "8. DATA RETENTION\n\nOur retention periods are as follows:\n\n"
        "  Category of Data        Retention Period\n"
        "  ----------------------  --------------------------\n"
        "  Cloud uploads           Deleted within 24 hours\n"
        "  Purchase transaction records 7 years, for tax purposes\n"
        "  ----------------------  --------------------------\n\n"
        "Backups are overwritten after 35 days.\n"
    )
    policy = parse_policy(text, "text")
    context = "Our retention periods are as follows: Category of Data — Retention Period"
    assert [(c.section, c.text, c.context) for c in policy.clauses] == [
        ("Data retention", "Our retention periods are as follows:", ""),
        ("Data retention", "Cloud uploads — Deleted within 24 hours", context),
        ("Data retention", "Purchase transaction records — 7 years, for tax purposes", context),
        ("Data retention", "Backups are overwritten after 35 days.", ""),
    ]


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (
            "html",
            "<h1>Privacy</h1><div>We collect your name<br>and email.<br><br>We keep it.<br>"
            "<b>Cookies</b><br>We use one cookie. It expires.<br>Sharing<br>We share with:<br>"
            "1. couriers<br>2. banks</div>"
            "<p>Write to us:<br>Kestrel Ltd<br>12 Harbor Street<br>Portland, OR 97201</p>",
        ),
        (
            "markdown",
            "# Privacy\n\nWe collect your name  \nand email.  \nWe keep it.\n\n"
            "**Cookies**  \nWe use one cookie. It expires.\n\nSharing  \nWe share with:  \n"
            "\\- couriers  \n\\- banks\n\n"
            "Write to us:  \nKestrel Ltd  \n12 Harbor Street  \nPortland, OR 97201\n",
        ),
    ],
)
def test_lines_broken_by_hand_are_paragraphs_titles_and_items(fmt: Format, text: str) -> None:
    # Older pages set a whole section in one element with <br>, and Markdown converted from
    # them ends lines with two spaces: each line is a clause, a title or an item as it looks;
    # an address stays one clause.
    policy = parse_policy(text, fmt)
    assert [(c.section, c.text, c.context) for c in policy.clauses] == [
        ("Privacy", "We collect your name and email.", ""),
        ("Privacy", "We keep it.", ""),
        ("Cookies", "We use one cookie.", ""),
        ("Cookies", "It expires.", ""),
        ("Sharing", "We share with:", ""),
        ("Sharing", "couriers", "We share with:"),
        ("Sharing", "banks", "We share with:"),
        ("Sharing", "Write to us: Kestrel Ltd, 12 Harbor Street, Portland, OR 97201", ""),
    ]
    assert policy.contact.address == "12 Harbor Street, Portland, OR 97201"


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_a_title_shaped_line_over_other_short_lines_is_no_title(fmt: Format) -> None:
    # A name, a job title and an address, each its own paragraph: no line of them titles
    # the rest of the policy, and nothing is lost.
    lines = [
        "Write to our officer:",
        "Jane Roe",
        "Data Protection Officer",
        "12 High Street, Springfield, IL 62701",
    ]
    text = (
        "\n\n".join(["# Privacy", *lines])
        if fmt == "markdown"
        else "<h1>Privacy</h1>" + "".join(f"<p>{line}</p>" for line in lines)
    )
    policy = parse_policy(text, fmt)
    assert [(c.section, c.text) for c in policy.clauses] == [("Privacy", x) for x in lines]


@pytest.mark.parametrize("gap", ["  \n", "\n\n"])  # the lead-in ends a line or a paragraph
def test_short_lines_under_a_lead_in_are_its_items_not_titles(gap: str) -> None:
    text = (
        f"# Portal\n\nTo process a request we need the following:{gap}User name  \nEmail  \n"
        "Address  \nA copy of a valid ID.\n"
    )
    policy = parse_policy(text, "markdown")
    lead = "To process a request we need the following:"
    assert [(c.section, c.text, c.context) for c in policy.clauses] == [
        ("Portal", lead, ""),
        ("Portal", "User name", lead),
        ("Portal", "Email", lead),
        ("Portal", "Address", lead),
        ("Portal", "A copy of a valid ID.", ""),
    ]


def test_html_titles_styled_rather_than_marked_up_are_sections() -> None:
    # Site builders and word processors' exports set a title as a plain or styled paragraph.
    html = (
        "<h1>Privacy</h1><p>Information We Collect</p><p>We collect your name.</p>"
        "<p><span style='font-size:14px; font-weight: 700'>Cookies</span></p>"
        "<p>We use cookies</p><p><span style='font-weight:bold'>Health data.</span>"
        "<span> We keep it safe.</span></p><p>Last Updated March 3, 2025</p>"
        "<p>OPT OUT</p><p>Write to us to stop our emails.</p>"
    )
    policy = parse_policy(html, "html")
    assert [(c.section, c.text, c.context) for c in policy.clauses] == [
        ("Information We Collect", "We collect your name.", ""),
        ("Cookies", "We use cookies", ""),  # a sentence without its full stop is no title
        ("Cookies", "We keep it safe.", "Health data"),
        ("Cookies", "Last Updated March 3, 2025", ""),
        ("Opt out", "Write to us to stop our emails.", ""),
    ]


def test_an_html_policy_is_titled_by_its_heading_rather_than_the_pages_slogan() -> None:
    html = "<title>Kestrel - Cheap garden tools</title><h1>Privacy Policy</h1><p>We sell none.</p>"
    assert parse_policy(html, "html").title == "Privacy Policy"
    html = "<title>Kestrel privacy</title><h1>Welcome</h1><p>We sell none.</p>"
    assert parse_policy(html, "html").title == "Kestrel privacy"  # a heading naming no policy


def test_a_contact_said_only_by_a_link_is_read_from_it() -> None:
    html = (
        "<h1>Privacy</h1><p>Questions? <a href='mailto:privacy@kestrel.example?subject=Hi'>"
        "Email our privacy team</a> or <a href='tel:+15035550199'>call us</a>. Our DPO is "
        "<a href='mailto:dpo@kestrel.example'>dpo@kestrel.example</a>.</p>"
    )
    policy = parse_policy(html, "html")
    assert [c.text for c in policy.clauses] == [
        "Questions? Email our privacy team (privacy@kestrel.example) or call us (+15035550199).",
        "Our DPO is dpo@kestrel.example.",
    ]
    assert policy.contact.email == "privacy@kestrel.example"
    assert policy.contact.phone == "+15035550199"


@pytest.mark.parametrize(
    "front",
    [
        '---\ntitle: "Privacy Policy"\ndate: 2023-12-01\naliases:\n  - /privacy\n---\n',
        '+++\ntitle = "Privacy Policy"\ndraft = false\n[extra]\nclass = "page"\n+++\n',
    ],
)
def test_a_site_generators_front_matter_gives_only_the_title(front: str) -> None:
    policy = parse_policy(f"{front}\nWe collect nothing.\n\n---\n\nWe sell nothing.\n")
    assert policy.title == "Privacy Policy"
    assert [c.text for c in policy.clauses] == ["We collect nothing.", "We sell nothing."]


def test_an_empty_markdown_heading_titles_nothing() -> None:
    policy = parse_policy("# Privacy\n\n## Cards\n\nWe keep none.\n\n### \n\nWe encrypt them.\n")
    assert [(c.section, c.text) for c in policy.clauses] == [
        ("Cards", "We keep none."),
        ("Cards", "We encrypt them."),
    ]


def test_html_inside_markdown_is_read_as_html() -> None:
    # Policies exported from a site builder mix Markdown with HTML blocks and inline tags.
    text = (
        "# Privacy Policy\n\nWe collect your <strong>name</strong>.<br>We keep it.\n\n"
        "<p>We share it with:</p>\n<ul><li>couriers;</li><li>banks.</li></ul>\n\n"
        "<table><tr><th>Data</th><th>Kept for</th></tr><tr><td>Orders</td><td>6 years</td>"
        "</tr></table>\n\n"
        "Questions? <a href='mailto:privacy@x.example'>Email us</a> or <dpo@x.example>.\n"
    )
    policy = parse_policy(text, "markdown")
    assert [(c.text, c.context) for c in policy.clauses] == [
        ("We collect your name.", ""),
        ("We keep it.", ""),
        ("We share it with:", ""),
        ("couriers;", "We share it with:"),
        ("banks.", "We share it with:"),
        ("Orders — 6 years", "Data — Kept for"),
        ("Questions? Email us (privacy@x.example) or dpo@x.example.", ""),
    ]
    assert policy.contact.emails == ("privacy@x.example", "dpo@x.example")


def test_html_page_furniture_is_not_policy_but_its_contacts_count() -> None:
    html = (
        "<html><head><title>Privacy | Kestrel</title></head><body>"
        "<header><a href='/'>Home</a> <a href='/shop'>Shop now</a></header>"
        "<nav><ul><li>Pricing</li></ul></nav><main><h1>Privacy</h1>"
        "<p>We collect your name.</p></main>"
        "<footer><p>Questions? Call 1-888-555-0101.</p><p>© Kestrel Tutoring LLC</p></footer>"
        "</body></html>"
    )
    policy = parse_policy(html, "html")
    assert [c.text for c in policy.clauses] == ["We collect your name."]
    assert policy.contact.phone == "1-888-555-0101"


# --- neighbours ------------------------------------------------------------------------------


def test_a_sentence_of_one_word_is_read_with_a_neighbour() -> None:
    policy = parse_policy("# FAQ\n\nDo you sell data? No. We never sell it. Period.\n")
    assert [c.text for c in policy.clauses] == [
        "Do you sell data?",
        "No. We never sell it. Period.",  # the last, with the one before
    ]


def test_clauses_know_their_neighbours_in_the_paragraph() -> None:
    policy = parse_policy(
        "# Data\n\nWe collect one. We keep two. We share three.\n\nWe sell none.\n", "markdown"
    )
    one, two, three, four = policy.clauses
    assert (policy.previous(one), policy.next(one)) == (None, two)
    assert (policy.previous(two), policy.next(two)) == (one, three)
    assert (policy.previous(three), policy.next(three)) == (two, None)
    assert (policy.previous(four), policy.next(four)) == (None, None)
    assert {c.section for c in policy.clauses} == {"Data"}


# --- owner -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "text", "owner"),
    [
        (
            "text",
            "KESTREL PRIVACY NOTICE\n\nKestrel Tutoring & Testing, Inc. and its subsidiaries "
            '(collectively, "Kestrel," "we," "us") respect your privacy.\n\n'
            "We work with Seabright Schools Group Inc. and Seabright Schools Group Inc. again.\n",
            "Kestrel Tutoring & Testing, Inc.",
        ),
        (
            "markdown",
            "# Privacy\n\nThis policy explains how Kestrel Tutoring Limited and its affiliates "
            '("Kestrel", "we", "us") use data. Partner Corp. ("Partner") helps us.\n',
            "Kestrel Tutoring Limited",
        ),
        (
            "markdown",
            '# Notice\n\nIn this notice, "Kestrel", "we" and "us" mean Kestrel Media Limited. '
            "We print newspapers.\n",
            "Kestrel Media Limited",
        ),
        (
            "markdown",
            "# Notice\n\nThis site is owned and operated by Kestrel Software, Inc. We sell "
            "software. Ask Other Firm Ltd. or Other Firm Ltd. for theirs.\n",
            "Kestrel Software, Inc.",
        ),
        (
            "markdown",
            "# Kestrel Tutoring Student Data Privacy Policy\n\nKestrel Tutoring, Inc. provides "
            "online tutoring. We use Other Firm Ltd. and Other Firm Ltd. for hosting.\n",
            "Kestrel Tutoring, Inc.",
        ),
        (
            "markdown",
            "# Kestrel Privacy Policy\n\nWe use Other Firm Ltd. for hosting.\n",
            "Kestrel",
        ),
        (
            "markdown",
            "# Our Privacy Policy\n\nThis policy explains how Widgetco Ltd uses your data.\n",
            "Widgetco Ltd",
        ),
        (
            "html",
            "<title>Kestrel - Cheap garden tools shipped fast</title><h1>Privacy</h1>"
            "<p>We never sell your data.</p>",
            "Kestrel",
        ),
        ("markdown", "# Website privacy notice\n\nWe never sell your data.\n", None),
        (
            "markdown",
            "# Help | Kestrel.com\n\nKestrel.com is for fans. Kestrel.com sells nothing.\n",
            "Kestrel.com",
        ),
        ("markdown", "# Kestrel's privacy policy\n\nWe never sell your data.\n", "Kestrel"),
        (
            "markdown",
            '# Privacy\n\nThe "Provider" for Kestrel SE ("we", "us") runs this shop.\n',
            "Kestrel SE",
        ),
        (
            "markdown",
            "# Kestrel™ privacy policy\n\nWe use Google Analytics, a service provided by "
            "Google, Inc. It sets cookies.\n",
            "Kestrel",
        ),
        ("markdown", "# Notice\n\nThis site is operated by Kestrel. It sells tools.\n", "Kestrel"),
        (
            "text",
            'PRIVACY POLICY\n\n1.1 Kestrel Payroll Inc. ("Kestrel", "we") runs payroll.\n',
            "Kestrel Payroll Inc.",
        ),
    ],
)
def test_owner_is_the_company_that_owns_the_policy(
    fmt: Format, text: str, owner: str | None
) -> None:
    assert parse_policy(text, fmt).owner == owner


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("saas_brightdesk.md", "BrightDesk Software Ltd."),
        ("game_pixelquest.md", "Lanternfish Games, Inc."),
        ("news_dailyledger.md", "Daily Ledger Media Limited"),
        ("travel_wanderly.md", "Wanderly Travel Limited"),
    ],
)
def test_owner_of_the_development_policies(name: str, owner: str) -> None:
    assert load_policy(DATA / "policies" / name).owner == owner


# --- whole documents -------------------------------------------------------------------------

DEV_POLICIES = [
    DEFAULT_POLICY,
    DATA / "tiny_policy.txt",
    DATA / "tiny_policy.html",
    *(
        DATA / "policies" / f"{name}.md"
        for name in (
            "acme_rockets",
            "saas_brightdesk",
            "game_pixelquest",
            "news_dailyledger",
            "travel_wanderly",
        )
    ),
    *sorted((DATA / "corpus").iterdir()),
]


@pytest.mark.parametrize("path", DEV_POLICIES, ids=lambda p: p.name)
def test_no_clause_is_a_title_or_a_fragment(path: Path) -> None:
    policy = load_policy(path)
    titles = {s.title.lower() for s in policy.sections}
    for clause in policy.clauses:
        assert clause.text.lower().rstrip(".:") not in titles, clause.text
        assert not re.fullmatch(r"[\d.() ]+|[A-Z0-9 ,&'-]+", clause.text), clause.text
        assert clause.section and clause.id
    assert [c.position for c in policy.clauses] == list(range(1, len(policy.clauses) + 1))


def test_table_of_contents_of_a_markdown_policy_is_gone() -> None:
    policy = load_policy(DATA / "policies" / "saas_brightdesk.md")
    assert "Table of Contents" not in {c.section for c in policy.clauses}
    assert "Who We Are and Our Role" in [s.title for s in policy.sections]
    assert any(c.text.endswith("EU-U.S. Data Privacy Framework.") for c in policy.clauses)
    usage = next(c for c in policy.clauses if c.text.startswith("pages viewed"))
    assert usage.context.endswith(
        "we automatically collect certain technical information as follows:"
    )


CORPUS = DATA / "corpus"


def test_plain_text_notice() -> None:
    policy = load_policy(CORPUS / "harborview_notice.txt")
    assert policy.title == "Harborview Outfitters, Inc. privacy notice"
    assert policy.owner == "Harborview Outfitters, Inc."  # not its partner Seabright Retail Group
    assert policy.effective_date_iso == "2024-06-01"
    assert policy.contact.email == "privacy@harborview.example"
    assert policy.contact.phone == "1-800-555-0142"
    assert policy.contact.address == "200 Harbor Way, Portland, ME 04101"
    assert [s.title for s in policy.sections][1:] == [
        "Scope of this notice",
        "Information we collect",
        "How we use your information",
        "How we share your information",
        "How long we keep your information",
        "Your choices",
        "Children",
        "Contact us",
    ]
    by_text = {c.text: c for c in policy.clauses}
    device = next(c for c in policy.clauses if c.text.startswith("device information"))
    assert device.text.endswith("the pages you view when you visit our website.")
    assert device.context == "We collect the following categories of personal information:"
    assert by_text["with law enforcement, if the law requires us to do so."].context == (
        "We share it only as follows:"
    )
    fraud = by_text["We may also verify your identity before a large refund."]
    assert fraud.context == "We use your personal information to:"
    assert policy.previous(fraud) == by_text["detect and prevent fraud."]
    assert any("(15 U.S.C. 6801 et seq.) and its implementing rules." in t for t in by_text)
    assert (
        "Our outlet stores are run from 40 Pier St. in Portland, and they use the same systems."
        in by_text
    )
    assert policy.clauses[-1].text == (
        "Harborview Outfitters, Inc., Attn: Privacy Office, 200 Harbor Way, Portland, ME 04101"
    )


def test_html_page() -> None:
    policy = load_policy(CORPUS / "meridian_bank.html")
    texts = [c.text for c in policy.clauses]
    assert policy.owner == "Meridian Savings Bank, N.A."
    assert policy.effective_date_iso == "2025-04-01"
    assert policy.contact.phone == "1-860-555-0199"  # from the footer
    assert policy.contact.address == "75 Granite Street, Hartford, CT 06103"
    assert not any(
        "Log in" in t or "Member FDIC" in t or t == "Joint marketing partners" for t in texts
    )
    assert "Contents" not in [s.title for s in policy.sections]
    assert [s.title for s in policy.sections][1] == "Information we collect"
    by_text = {c.text: c for c in policy.clauses}
    lead = "When you open an account or apply for a loan, we collect information as follows:"
    assert by_text["account balances and transaction history;"].context == (
        f"{lead} Financial information, including:"
    )
    assert (
        by_text["We use it to recognise your device and to spot unusual log-ins."].context == lead
    )
    row = by_text["Transaction records — 7 years after account closure"]
    assert row.context == "Retention periods Record — How long we keep it"
    assert row.section == "How long we keep records"
    assert by_text["We never use your race or religion in a credit decision."].context == (
        "Credit decisions"
    )
    assert any("(31 U.S.C. 5311 et seq.) and to protect you from fraud." in t for t in texts)


def test_markdown_policy_with_run_in_headings() -> None:
    policy = load_policy(CORPUS / "fernleaf_health.md")
    assert policy.owner == "Fernleaf Health Ltd."
    assert "In this policy" not in [s.title for s in policy.sections]
    assert not any(c.text in {"What we collect", "How we use it"} for c in policy.clauses)
    by_text = {c.text: c for c in policy.clauses}
    assert "Health information." not in by_text
    assert by_text["You can also add a display name."].context == "Account information"
    lead = "We collect the following from connected devices:"
    assert by_text[lead].context == "Health information"
    assert by_text["how often you woke up."].context == (
        f"{lead} sleep stages, if you connect a smart ring:"
    )
    assert by_text["We only use de-identified data for this."].context == (
        "We use your information for the following:"
    )
    assert by_text["Cloud hosting provider — Stores your data in the EU"].context == (
        "We share your information with the following service providers: Provider — Purpose"
    )


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Email privacy@kestrel.example or call +1 503 555 0199.", {"email", "phone"}),
        ("Write to us at 12 Harbor Street, Portland, OR 97201.", {"address"}),
        ("Effective Date: September 15, 2024", {"date"}),
        ("We keep order records for six years.", {"duration"}),
        ("Cookies expire thirteen (13) months after they are set.", {"duration"}),
        ("We reply within 30 business days.", {"duration"}),
        ("Payments are processed by Zahlwerk Payments B.V. for us.", {"company"}),
        ("You must be at least eighteen (18) years old.", {"age"}),
        ("We do not knowingly collect data from children under 13.", {"age"}),
        ("Logs are kept for under 12 months.", {"duration"}),
        ("We collect your email address and phone number.", set()),
    ],
)
def test_holds_finds_the_values_a_question_may_ask_for(text: str, kinds: set[str]) -> None:
    assert holds(text) == kinds


@pytest.mark.parametrize(
    ("contact", "phone", "address"),
    [
        (
            "Swiftride Pty Ltd (ABN 12 555 555 555) runs the app. Call us on 1800 555 274 or "
            "write to Level 9, 212 Flinders Lane, Melbourne VIC 3000.",
            "1800 555 274",
            "212 Flinders Lane, Melbourne VIC 3000",
        ),
        (
            "Hearthlink GmbH, Lindenstrasse 48, 04109 Leipzig, Germany. Contact us on "
            "+49 341 555 0192.",
            "+49 341 555 0192",
            "Lindenstrasse 48, 04109 Leipzig, Germany",
        ),
    ],
)
def test_contact_details_in_other_countries_forms(contact: str, phone: str, address: str) -> None:
    policy = parse_policy(f"# Privacy Policy\n\n## Contact\n\n{contact}\n")
    assert policy.contact.phones == (phone,)  # a company number is not a phone number
    assert policy.contact.address == address


@pytest.mark.parametrize(
    ("text", "written", "iso"),
    [
        ("**Last Updated, March 3, 2015**. See what changed.", "March 3, 2015", "2015-03-03"),
        (
            "We keep little.\n\nThis policy was last modified on October 15,2013",
            "October 15,2013",
            "2013-10-15",
        ),
        ("We keep little.\n\n_Last updated: January 2007_", "January 2007", None),
        ("Updated since 2019; effective date: 1 May 2021.", "1 May 2021", "2021-05-01"),
        ("Version 1.0 (March 3, 2010)\n\nWe keep little.", "March 3, 2010", "2010-03-03"),
        (
            "We keep little. This is version 1.0, issued May 9th, 2008",
            "May 9th, 2008",
            "2008-05-09",
        ),
        ("_August 2012_\n\nWe keep little.", "August 2012", None),
        (
            "We keep little.\n\nThis policy was last modified on 03-26-2014",
            "03-26-2014",
            "2014-03-26",
        ),
        ("We keep little.\n\nLast modified: 17.3.2015", "17.3.2015", "2015-03-17"),
        (
            "We keep little.\n\n**Last revision: September 26th, 2018**",
            "September 26th, 2018",
            "2018-09-26",
        ),
    ],
)
def test_the_effective_date_is_found_as_policies_write_it(
    text: str, written: str, iso: str | None
) -> None:
    policy = parse_policy(f"# Kestrel privacy\n\n{text}\n")
    assert (policy.effective_date, policy.effective_date_iso) == (written, iso)


def test_an_inline_address_ends_before_whom_to_address() -> None:
    policy = parse_policy(
        "# Kestrel privacy\n\nOur address is 12 Elm Street, Springfield, IL 62701, "
        "Attention: Legal Department.\n"
    )
    assert policy.contact.address == "12 Elm Street, Springfield, IL 62701"


def test_contacts_in_markdown_links_and_addresses_without_a_street_number() -> None:
    policy = parse_policy(
        "# Privacy\n\nAsk [our data team](mailto:dpo@westgate.example).\n\n"
        "Privacy Officer  \nWestgate Ferries Limited  \nHarbour House  \nQuay Road, Slough  \n"
        "Berkshire SL1 4QT\n"
    )
    assert policy.clauses[0].text == "Ask our data team (dpo@westgate.example)."
    assert policy.contact.email == "dpo@westgate.example"
    assert policy.contact.address == "Harbour House, Quay Road, Slough, Berkshire SL1 4QT"


def test_phones_and_company_forms_of_more_countries() -> None:
    policy = parse_policy(
        "# Privacy\n\nLotus Careers (India) Pvt. Ltd. protects your data. Kestrel Holdings "
        "Limited ACN 004 118 552 hosts it at Linden-Str. 7, 10243 Berlin.\n\n"
        "Write to 40 Ferry St., Brooklyn, NY 11201 (212) 555 0147.\n"
    )
    assert policy.clauses[0].text == ("Lotus Careers (India) Pvt. Ltd. protects your data.")
    assert len(policy.clauses) == 3  # no sentence ends after "Pvt." or "Str."
    assert policy.contact.phones == ("(212) 555 0147",)  # an ACN is a company's number


def test_the_owner_s_name_ends_with_its_company_form() -> None:
    policy = parse_policy(
        "# Privacy Policy\n\nThis policy explains how Hearthlink GmbH, Lindenstrasse 48, 04109 "
        'Leipzig, Germany ("Hearthlink", "we", "us"), uses personal data.\n'
    )
    assert policy.owner == "Hearthlink GmbH"


def test_international_numbers_are_phones_and_registry_numbers_and_dates_are_not() -> None:
    policy = parse_policy(
        "# Privacy Policy\n\n**Last updated: 3 March 2025**\n\n"
        "TunnelFox AG is registered in the commercial register under number CHE-482.119.305.\n\n"
        "## Contact us\n\n"
        "- Email: privacy@tunnelfox.example\n"
        "- Phone: +41 41 508 72 40 (Monday to Friday)\n"
        "- Post: TunnelFox AG, Baarerstrasse 82, 6300 Zug, Switzerland\n"
    )
    assert policy.contact.phones == ("+41 41 508 72 40",)
    assert policy.contact.address == "Baarerstrasse 82, 6300 Zug, Switzerland"


def test_html_menus_and_furniture_named_by_id_or_class_give_no_clauses() -> None:
    # Pages older than <nav> and <footer> name their menus and footers in ids and classes.
    page = (
        "<div id='mainNav'><ul><li><a href='/'>Home</a></li><li>Shop</li></ul></div>"
        "<ul class='menu' style='display:none'><li>books</li></ul>"
        "<div class='search-box'>Search:</div><span aria-hidden='true'>»</span>"
        "<div class='important-banner--cookies'><p>By using this site you agree.</p></div>"
        "<div id='preloading'>Loading...</div><p><a href='/'>Home</a> | <a href='/m'>Mail</a></p>"
        "<h1>Privacy Policy</h1><p>We never sell your data.</p><div class='menu-item-note'>"
        "<div>nested</div></div><div id='site-footer'>© Kestrel Ltd | Call 1-503-555-0100</div>"
    )
    policy = parse_policy(page, "html")
    assert [c.text for c in policy.clauses] == ["We never sell your data."]
    assert policy.contact.phone == "1-503-555-0100"  # a footer is still read for contacts
    # A page whose whole text sits in an element so named loses nothing for it.
    wrapped = "<div class='page-header'><h1>Privacy</h1><p>We never sell your data.</p></div>"
    assert [c.text for c in parse_policy(wrapped, "html").clauses] == ["We never sell your data."]


def test_an_html_menu_or_cookie_banner_marked_by_its_role_gives_no_clauses() -> None:
    page = (
        '<body><div role="navigation"><div><a href="/">Home</a></div><div>Deals</div></div>'
        '<div role="dialog"><p>We use cookies to give you the best experience. Accept all.</p>'
        "</div><main><h1>Privacy Policy</h1><p>We never sell your data.</p></main></body>"
    )
    assert [c.text for c in parse_policy(page, "html").clauses] == ["We never sell your data."]
    # A banner never closed would take the page with it: then nothing is left out for it.
    broken = '<body><div role="dialog"><p>Cookie notice.</p><main><p>We never sell.</p></main>'
    assert [c.text for c in parse_policy(broken, "html").clauses] == [
        "Cookie notice.",
        "We never sell.",
    ]
