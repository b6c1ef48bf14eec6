"""The policy's own metadata, read out of its blocks: the company it belongs to, its effective
date and how to contact it (emails and phones ranked, a postal address)."""

from __future__ import annotations

import re
from collections.abc import Callable

from qa_service.corpus.blocks import NAME_GLUE, Block
from qa_service.corpus.details import (
    COMPANY,
    DATE_CUE,
    EMAIL,
    INLINE_ADDRESS,
    PHONE,
    POSTCODE,
    SUFFIX,
    parse_date,
    phones,
)
from qa_service.corpus.model import Contact
from qa_service.corpus.sentences import split_sentences, word_set

_CONTACT_CUE = re.compile(
    r"\b(contact|reach|questions?|call|email|e-mail|write|phone|telephone)\b", re.I
)
_OWNED_BY = re.compile(
    r"\b(?:owned|operated|published)\s+(?:and\s+(?:operated|owned)\s+)?by\s+"
    r"((?:[A-Z][\w&'-]*\.?[ ]?)+(?:,[ ]*" + SUFFIX + r")?)"
)
# ... (collectively, "Northwind," "we," "us") or (the "Company", "we")
_DEFINES_WE = re.compile(
    r"\((?=[^()]{0,200}?[\"“‘'](?:we|us|our|the company|company)\b)[^()]{0,200}\)", re.I
)
# In this notice, "Daily Ledger", "we" and "us" mean Daily Ledger Media Limited.
_WE_MEANS = re.compile(
    r"[\"“‘'](?:we|us|our)[\"”’',]?[^.()]{0,80}?\b(?:means?|refers? to)\s+((?:the\s+)?[A-Z].{2,80})"
)
_AFFILIATES = re.compile(
    r",?\s+(?:and|together with)\s+(?:all\s+)?(?:of\s+)?its\s+(?:\w+\s+){0,2}"
    r"(?:subsidiaries|affiliates|companies|brands|family)(?:\s+and\s+\w+)?\s*$",
    re.I,
)
_TITLE_PARTS = re.compile(r"\s+[-–—|:•»]\s+|\s*\|\s*")
# What any policy's title says besides the company's name.
_TITLE_WORDS = word_set(
    "privacy policy policies statement notice our your the this cookie cookies data protection "
    "information website site online and &"
)
_NOT_NAMES = word_set(
    "company service services website site app apps we us our this the privacy policy "
    "notice statement"
)
_STREET = re.compile(r"^\d+[A-Za-z]?\s+\w+")
_CONTACT_LINE = re.compile(r"@|\d{3}|:")  # an email, a phone, a "Write to us:" line


def _phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def _ranked(
    found: list[tuple[str, bool]], key: Callable[[str], str] = str.lower
) -> tuple[str, ...]:
    """Distinct values, those said in a contact sentence first, then by frequency."""
    score: dict[str, list[float]] = {}
    first: dict[str, str] = {}
    for i, (value, cued) in enumerate(found):
        k = key(value)
        first.setdefault(k, value)
        s = score.setdefault(k, [0.0, 0.0, float(-i)])
        s[0] += 1.0 if cued else 0.0
        s[1] += 1.0
    order = sorted(score, key=lambda k: score[k], reverse=True)
    return tuple(first[k] for k in order)


def _name_before(text: str) -> str | None:
    """The company name that ends `text`: "... how Northwind Home & Outdoor, Inc."."""
    text = _AFFILIATES.sub("", text.rstrip())
    tokens = text.split()
    name: list[str] = []
    for token in reversed(tokens):
        bare = token.strip(",")
        if not bare:
            break
        ends_sentence = bool(name) and (
            (bare.endswith((".", ":", ";", ")")) and not re.fullmatch(SUFFIX, bare))
            or bare.endswith(('"', "”", "’", "'"))  # 'the "Provider" for Zalando SE'
        )
        if ends_sentence or not (bare[0].isupper() or bare[0].isdigit() or bare in NAME_GLUE):
            break
        name.insert(0, token)
        if len(name) >= 8:
            break
    while name and (
        name[0].lower() in NAME_GLUE | {"at", "by", "welcome", "from"}
        or re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*\.?", name[0])  # a paragraph's number
    ):
        name.pop(0)
    while name and name[-1].strip(",").lower() in NAME_GLUE:
        name.pop()
    result = " ".join(name).strip(", ")
    # The name ends with its company form: "Hearthlink GmbH, Lindenstrasse 48, 04109 Leipzig"
    # is a name and then an address.
    if m := COMPANY.search(result):
        result = result[: m.end()]
    if not result or result.lower() in _NOT_NAMES:
        return None
    return result


def _name_after(text: str) -> str | None:
    """The company name that starts `text`: "Daily Ledger Media Limited. We ..."."""
    name: list[str] = []
    for token in text.split():
        bare = token.rstrip(",.;:")
        if not bare or not (bare[0].isupper() or bare.lower() in NAME_GLUE):
            break
        name.append(token)
        if token.endswith((",", ";", ":")) or (
            token.endswith(".") and not re.fullmatch(SUFFIX, token)
        ):
            break
    while name and name[-1].rstrip(",.;:").lower() in NAME_GLUE:
        name.pop()
    while name and name[0].lower() in NAME_GLUE:
        name.pop(0)
    result = " ".join(name).rstrip(",;:")
    if result.endswith(".") and not re.search(SUFFIX + r"$", result):
        result = result[:-1]
    return result if result and result.lower() not in _NOT_NAMES else None


def _owner(blocks: list[Block], raw_title: str) -> str | None:
    """The company the policy belongs to, not a partner it mentions.

    Its own definition of "we" near the top first, then "owned/operated by", then the title.
    """
    body_blocks = [b for b in blocks if b.kind in ("paragraph", "item", "lines")]
    for block in body_blocks[:15]:
        for sentence in split_sentences(block.text):
            for m in _DEFINES_WE.finditer(sentence):
                if (name := _name_before(sentence[: m.start()])) is not None:
                    return name
            m2 = _WE_MEANS.search(sentence)
            if m2 is not None and (name := _name_after(m2.group(1))) is not None:
                return name
    body = "\n".join(b.text for b in body_blocks)
    if (m3 := _OWNED_BY.search(body)) is not None:
        owner = m3.group(1).strip().rstrip(",")
        # The name ends at its sentence's full stop ("Kestrel. It sells"; "CAcert."), not at
        # its company form's ("Kestrel Software, Inc.").
        for stop in re.finditer(r"\.(?:\s+|$)", owner):
            if not re.search(SUFFIX + "$", owner[: stop.start() + 1]):
                return owner[: stop.start()]
        return owner
    companies = _ranked([(c.strip(), False) for c in COMPANY.findall(body)])
    # The title names the company, less what every policy's title says ("Our Privacy
    # Policy"); a page title may add a slogan after a dash or a bar ("Netflix - TV & movies
    # instantly streamed online"): the first part naming something is the name.
    parts = [
        " ".join(w for w in part.split() if w.lower().strip(":,") not in _TITLE_WORDS)
        for part in _TITLE_PARTS.split(raw_title)
    ]
    parts = [re.sub(r"['’]s$", "", p.strip(" -–—:|,")) for p in parts]  # "Good.net's"
    # The part the text names most ("Help | SpongeBob.com" is SpongeBob.com's), else the first.
    said = body.lower()
    for named in sorted(filter(None, parts), key=lambda p: -said.count(p.lower()))[:1]:
        # "BLUE FINCH APPS LLC PRIVACY POLICY" is "Blue Finch Apps LLC" as the text writes it;
        # "BrightPath Learning Student Data" is "BrightPath Learning, Inc.".
        for company in companies:
            short = re.sub(r",?\s*" + SUFFIX + r"$", "", company).lower()
            if named.lower().startswith(short) or short.startswith(named.lower()):
                return company
        words = [w for w in named.split() if w.lower() not in NAME_GLUE]
        if words and all(w[0].isupper() or w[0].isdigit() for w in words) and not named.isupper():
            return named
    return companies[0] if companies else None


def read_metadata(
    blocks: list[Block], sentences: list[list[str]], raw_title: str
) -> tuple[str | None, tuple[str, str | None] | None, Contact]:
    """The owner, the effective date (as written, and as ISO 8601) and the contacts."""
    texts = [f"{b.label}. {b.text}" if b.label else b.text for b in blocks]  # "**Updated**..."
    emails: list[tuple[str, bool]] = []
    found: list[tuple[str, bool]] = []  # phone numbers, and whether a contact cue says them
    for block, said in zip(blocks, sentences, strict=True):
        listed = block.kind in ("lines", "meta")
        units = list(block.lines or (block.text,)) if listed else said
        for unit in units:
            cued = not listed and bool(_CONTACT_CUE.search(unit))
            emails += [(e, cued) for e in EMAIL.findall(unit)]
            found += [(p, cued) for p in phones(unit)]

    effective = None
    for text in texts:
        if (m := DATE_CUE.search(text)) is not None and (d := parse_date(m.group(1))):
            effective = d
            break
    else:  # a date standing alone near the top ("August 2012") is the policy's
        first = [b.text for b in blocks if b.kind in ("paragraph", "lines")][:4]
        effective = next(
            (d for text in first if len(text.split()) <= 4 and (d := parse_date(text))), None
        )

    address = None
    by_lines = [b for b in blocks if b.kind == "lines"] + [b for b in blocks if b.kind == "meta"]
    for block in by_lines:
        lines = list(block.lines)
        for i, line in enumerate(lines):
            if _STREET.match(line):
                tail = [x for x in lines[i + 1 : i + 3] if not EMAIL.search(x)]
                tail = [x for x in tail if not PHONE.fullmatch(x.strip())]
                parts = [line]
                for x in tail:
                    parts.append(x)
                    if POSTCODE.search(x):
                        break
                if any(POSTCODE.search(p) for p in parts):
                    address = ", ".join(parts)
                    break
        else:  # no line opens with a street number: "Harbour House / Quay Road, Slough / SL1 4QT"
            at = next((i for i, line in enumerate(lines) if POSTCODE.search(line)), None)
            if at is not None and block.kind == "lines":
                before = [x for x in lines[max(0, at - 2) : at] if not _CONTACT_LINE.search(x)]
                address = ", ".join([*before, lines[at]])
        if address:
            break
    if address is None:
        inline = [b for b in blocks if b.kind in ("paragraph", "item")]
        for block in inline + [b for b in blocks if b.kind == "meta"]:
            if m := INLINE_ADDRESS.search(block.text):
                address = m.group(1).rstrip(".")
                break

    ranked_emails = _ranked(emails)
    ranked_phones = _ranked(found, _phone_key)
    contact = Contact(
        email=ranked_emails[0] if ranked_emails else None,
        phone=ranked_phones[0] if ranked_phones else None,
        emails=ranked_emails,
        phones=ranked_phones,
        address=address,
    )
    return _owner(blocks, raw_title), effective, contact
