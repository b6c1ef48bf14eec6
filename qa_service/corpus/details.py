"""The details a text may hold: email addresses, phone numbers, postal addresses and dates,
and how to find them (what HOLDS names and holds() reports)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
# Not part of a longer run of digit groups ("ABN 12 555 555 555") nor of a registry number
# ("CHE-482.119.305"); or an international number in any grouping ("+41 41 508 72 40",
# "+353 1 905 3370").
PHONE = re.compile(
    r"(?<![\w/-])\(\d{3}\)[\s.-]?\d{3}[\s.-]\d{4}(?!\w)(?![\s.-]\d)"  # "(212) 555 0147"
    r"|(?<![\w/-])(?<!\d[\s.-])(?:\+\d{1,3}[\s.-]?)?(?:1[\s.-])?(?:\(\d{2,5}\)|\d{2,5})"
    r"[\s.-]\d{3,4}[\s.-]\d{3,4}(?!\w)(?![\s.-]\d)"
    r"|(?<![\w+])\+\d{1,3}(?:[\s.-]?\(\d{1,4}\))?(?:[\s.-]\d{1,5}){2,5}(?!\w)(?![\s.-]\d)"
    r"|(?<![\w+])\+\d{10,15}(?!\w)"  # written as a tel: link says it: "+15035550199"
)
# What a registry number follows: "ACN 004 118 552" is a company's number, not its phone's.
_REGISTRY = re.compile(
    r"\b(?:ACN|ABN|ARBN|CIN|EIN|VAT|GST|KVK|HRB|UEN|(?:company|registration|registered|reg)"
    r"(?:\s+(?:no|number))?)[.:]?\s*(?:no\.?|number)?[.:]?\s*$",
    re.I,
)


def phones(text: str) -> list[str]:
    """The phone numbers the text holds, registry numbers left out."""
    return [
        m.group(0).strip()
        for m in PHONE.finditer(text)
        if not _REGISTRY.search(text[max(0, m.start() - 30) : m.start()])
    ]


DATE_CUE = re.compile(
    r"\b(?:effective(?:\s+date)?|last\s+(?:updated|revised|modified|revision|edited)|updated"
    r"|revised|issued|dated|version\s+[\d.]+)"
    r"(?:\s+(?:on|as\s+of))?\s*[:,\-–—]?\s*(.+)",
    re.I,
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_DATE_FORMS = (
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), ("y", "m", "d")),
    (re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})\b"), ("m", "d", "y")),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), ("d", "m", "y")),  # "17.3.2015"
    (
        re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,\s*|\s+)(\d{4})\b"),
        ("M", "d", "y"),
    ),
    (
        re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b"),
        ("d", "M", "y"),
    ),
    (re.compile(r"\b([A-Za-z]{3,9})\.?,?\s+(\d{4})\b"), ("M", "y")),  # "January 2007"
)
# US "OR 97401", UK "BS1 4DJ", Australian "VIC 3000", continental "04109 Leipzig".
POSTCODE = re.compile(
    r"\b(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
    r"|(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s+\d{4}|\d{4,5}\s+[A-Z][a-z]+)\b"
)
# "... write to us at 1 Launch Way, Bristol BS1 4DJ, United Kingdom." (not "3 March 2025 Effective")
INLINE_ADDRESS = re.compile(
    r"\b(\d{1,5}[A-Za-z]?[ ]+(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)"
    r"[A-Z][\w'.-]*(?:[ ]+[A-Z0-9][\w'.-]*)*(?:,[ ]*[^,;:]{2,40}?){0,3}"
    r"(?:,[ ]*|[ ]+)"
    + POSTCODE.pattern.removeprefix(r"\b").removesuffix(r"\b")
    # then a country, not "Attention: Legal Department"
    + r"(?:,[ ]*[A-Z][A-Za-z]+(?:[ ][A-Z][A-Za-z]+){0,2}(?![\w:]))?"
    # "... Lindenstrasse 48, 04109 Leipzig, Germany": the number after the street
    r"|[A-Z][\w'.-]+(?:[ ][A-Z][\w'.-]+){0,2}[ ]\d{1,5}[a-z]?,[ ]*\d{4,5}[ ][A-Z][\w-]+"
    r"(?:,[ ]*[A-Z][A-Za-z]+(?:[ ][A-Z][A-Za-z]+){0,2})?)"
)


def parse_date(text: str) -> tuple[str, str | None] | None:
    """The first date in text, as written and as ISO 8601 (None if it is not a real date)."""
    for pattern, order in _DATE_FORMS:
        for m in pattern.finditer(text):
            if (found := _date(m, order)) is not None:
                return found
    return None


def _date(m: re.Match[str], order: tuple[str, ...]) -> tuple[str, str | None] | None:
    parts = dict(zip(order, m.groups(), strict=True))
    month = _MONTHS.get(parts["M"].lower()) if "M" in parts else int(parts["m"])
    if month is None:
        return None  # "since 2019"
    year = int(parts["y"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:  # a month without its day is a date as written, not a calendar date
        iso = date(year, month, int(parts["d"])).isoformat() if "d" in parts else None
    except ValueError:
        iso = None
    return m.group(0), iso


SUFFIX = (
    r"(?:Inc\.|Inc\b|LLC\b|L\.L\.C\.|Ltd\.|Ltd\b|Limited\b|Corp\.|Corporation\b|Co\.|PLC\b"
    r"|GmbH\b|LLP\b|N\.A\.|S\.A\.|B\.V\.|AG\b|Pty\.? Ltd\.?|Pvt\.? Ltd\.?|Pte\.? Ltd\.?"
    r"|Private Limited\b|SE\b|AB\b|Oy\b|SAS\b|S\.L\.|S\.r\.l\.|KG\b)"
)
# A company's name with its legal form: "Finlinkr Technologies, Inc.", "Zahlwerk Payments B.V.".
COMPANY = re.compile(r"\b((?:[A-Z][\w&'-]+[ ]){0,3}[A-Z][\w&'-]+,?[ ]" + SUFFIX + ")")

_NUMBER = (
    r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|eighteen|twenty|twenty-four|thirty|forty|forty-five|fifty|sixty|ninety"
)
# After a number, a unit of time ("90 days", "thirteen (13) months", "7 business days"), not an
# age ("18 years old", "13 years of age").
_UNIT = (
    r"(?:\s*\(\d+\))?[\s-](?:calendar |business |working )?(?:hour|day|week|month|year)s?\b"
    r"(?![\s-]+(?:old|of age)\b)"
)
DURATION = re.compile(rf"\b(?:{_NUMBER}){_UNIT}", re.IGNORECASE)
# An age: "under 13", "aged 16", "the age of 16", "18 years old", "13 years of age".
AGE = re.compile(
    rf"\b(?:under|aged|ages?(?: of)?|younger than|older than)\s+(?:{_NUMBER})\b(?!{_UNIT})"
    rf"|\b(?:{_NUMBER})(?:\s*\(\d+\))?[\s-]years?(?:[\s-]old| of age)\b",
    re.IGNORECASE,
)

# Kinds of value a clause may hold, which a question may ask for ("what's your phone number?").
_FINDS: dict[str, Callable[[str], object]] = {
    "email": EMAIL.search,
    "phone": phones,
    "address": INLINE_ADDRESS.search,
    "date": parse_date,
    "duration": DURATION.search,
    "company": COMPANY.search,
    "age": AGE.search,
}
HOLDS = tuple(_FINDS)
# Those that answer a question by themselves ("what's your phone number?"); the others only
# point to the clause that may ("how long...?": one that gives a length of time).
ANSWERING = ("email", "phone", "address", "date")


def holds(text: str) -> frozenset[str]:
    """The kinds of value (HOLDS) the text holds: an email address, a phone number, a postal
    address, a date."""
    return frozenset(kind for kind, find in _FINDS.items() if find(text))


def has_detail(line: str) -> bool:
    """An email, phone, web address or date: a line holding one is not a title."""
    return bool(
        EMAIL.search(line)
        or PHONE.search(line)
        or re.search(r"https?://|www\.", line)
        or DATE_CUE.search(line)
        or parse_date(line)
    )
