"""Redaction of what visitors type (cards, emails, phones, IBANs, SSNs) before anything is logged.

`redact()` is pure. Text is normalised first (Unicode spaces, dashes and digits, invisible
characters), so a number written with odd separators is still one number; phone numbers are
found by `phonenumbers` (Google's libphonenumber), not by hand-written patterns.
"""

from __future__ import annotations

import re
import unicodedata

from phonenumbers import Leniency, PhoneMetadata, PhoneNumberMatcher

# Local part (or a quoted one), an @ or "(at)"/"[at]" with a few spaces either side, then a
# domain: dotted names ("example.com", "localhost") or an address literal ("[127.0.0.1]").
EMAIL = re.compile(
    r"""(?:"[^"\r\n]{1,64}"|[\w.+%'-]+)"""
    r"[ \t]{0,3}(?:@|[(\[{][ \t]?at[ \t]?[)\]}])[ \t]{0,3}"
    r"(?:\[[^\]\s]+\]|[\w-]+(?:(?:\.|[ \t]?[(\[{][ \t]?dot[ \t]?[)\]}][ \t]?)[\w-]+)*)",
    re.IGNORECASE,
)
_AT_WORD = re.compile(r"[(\[{][ \t]?at[ \t]?[)\]}]", re.IGNORECASE)
# Country code, two check digits, then 11 to 30 letters or digits: in groups of 4 as printed,
# or in one piece (any case).
IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?\b"
    r"|\b[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}\b"
)
# Digits with what people put between groups (after normalising): spaces, tabs, line breaks,
# dashes, dots, slashes, commas, underscores, brackets; a few of them at a time, as in
# "4111 - 1111". No word boundary: a number glued to letters ("x4111...", "...1111th") counts.
RUN = re.compile(r"\d(?:[\s\-./,_()\\]{0,4}\d)*")
# What is left is hidden as [number] from seven digits on, through fewer separators: a comma
# only alone, so "version 3.14.5, 1000 characters" stays two numbers.
NUMBER = re.compile(r"\d(?:(?:[ \t\-./_()\\]{1,3}|,)?\d)*")
_GROUP = re.compile(r"\d+")
SSN = re.compile(r"\d{3}[ -]?\d{2}[ -]?\d{4}")
IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")
_SEVEN_DIGITS = re.compile(r"\d(?:\D*\d){6}")

# Phone numbers: international ones ("+44 ...", "0044 ...") of every country, and national
# ones valid in these numbering plans. A national number of another country has no country
# code to tell it from any other number: the digit-run rule below still hides it ([number]).
NATIONAL_REGIONS = ("US", "GB", "DE", "FR", "IN")

# Invisible characters that could split a number so no pattern sees it (zero-width spaces and
# joiners, soft hyphens, word joiners, BOMs) are removed; every kind of dash becomes "-".
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")


def preload() -> None:
    """Loads every country's phone metadata now (50 ms, 1.5 MB) rather than on first use, when
    the process may be out of file descriptors and the log line that needs it would fail."""
    PhoneMetadata.load_all()


def luhn_valid(digits: str) -> bool:
    total = 0
    for n, ch in enumerate(reversed(digits)):
        d = int(ch)
        if n % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def normalise(text: str) -> str:
    """NFKC (full-width digits and @, compatibility spaces), every dash as "-", every Unicode
    space as " ", invisible format characters dropped and every decimal digit as 0-9."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        if category == "Zs":
            out.append(" ")
        elif category == "Nd":
            out.append(str(unicodedata.digit(ch)))
        else:
            out.append(ch)
    return "".join(out)


def _cards(match: re.Match[str]) -> str:
    """[card] for every stretch of whole digit groups with 13 to 19 digits that passes Luhn."""
    text = match.group()
    groups = list(_GROUP.finditer(text))
    out: list[str] = []
    done = 0  # text[:done] is settled
    i = 0
    while i < len(groups):
        digits = ""
        for j in range(i, len(groups)):
            digits += groups[j].group()
            if len(digits) > 19:
                break
            if len(digits) >= 13 and luhn_valid(digits):
                out += [text[done : groups[i].start()], "[card]"]
                done = groups[j].end()
                i = j
                break
        i += 1
    out.append(text[done:])
    return "".join(out)


def _ssn(match: re.Match[str]) -> str:
    return "[ssn]" if SSN.fullmatch(match.group()) else match.group()


def _phones(text: str) -> str:
    spans: list[tuple[int, int]] = []
    searches = [(None, Leniency.POSSIBLE)] + [(r, Leniency.VALID) for r in NATIONAL_REGIONS]
    for region, leniency in searches:
        spans += [(m.start, m.end) for m in PhoneNumberMatcher(text, region, leniency=leniency)]
    if not spans:
        return text
    out: list[str] = []
    done = 0
    for start, end in sorted(spans):
        if end <= done:
            continue  # found again by another region
        out += [text[done : max(start, done)], "[phone]"]
        done = end
    out.append(text[done:])
    return "".join(out)


def _number(match: re.Match[str]) -> str:
    text = match.group()
    if sum(c.isdigit() for c in text) < 7 or IPV4.fullmatch(text):
        return text  # a count or a version; an IPv4 address is the access log's client
    return "[number]"


def _rules(text: str) -> str:
    text = EMAIL.sub("[email]", text)
    text = IBAN.sub(
        lambda m: "[iban]" if sum(c.isdigit() for c in m.group()) >= 8 else m.group(), text
    )
    text = RUN.sub(_cards, text)
    text = RUN.sub(_ssn, text)
    if _SEVEN_DIGITS.search(text):
        text = _phones(text)
    return NUMBER.sub(_number, text)


def redact_all(text: str) -> str:
    """Every rule, on any text: `redact()` without its shortcut."""
    return _rules(text if text.isascii() else normalise(text))


def redact(text: str) -> str:
    """The text with personal data replaced by markers such as [card], [email] and [phone]."""
    if not text.isascii():
        text = normalise(text)
    # Every rule needs an @ (or "(at)") or seven digits: most log text, such as
    # "/api/v1/ask", has neither and is returned as it is.
    if "@" not in text and not _SEVEN_DIGITS.search(text) and not _AT_WORD.search(text):
        return text
    return _rules(text)
