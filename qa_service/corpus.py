"""Policy text (Markdown, plain text or HTML) to sections, paragraphs and clauses.

Also reads the policy's own metadata out of its text: owner, effective date, contacts.
Nothing here knows about any particular policy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from qa_service.errors import PolicyError

Format = Literal["markdown", "text", "html"]


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    text: str
    section: str
    section_index: int
    paragraph: int  # paragraph number within the whole document, from 1
    sentence: int  # sentence number within its paragraph, from 1
    position: int  # clause number within the whole document, from 1
    context: str = ""  # the lead-in of the list the clause is an item of


@dataclass(frozen=True, slots=True)
class Section:
    index: int
    title: str
    clause_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Contact:
    email: str | None
    phone: str | None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    title: str
    owner: str | None
    effective_date: str | None  # as written in the policy
    effective_date_iso: str | None
    contact: Contact
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    source: str = ""
    _by_id: dict[str, Clause] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({c.id: c for c in self.clauses})

    def clause(self, clause_id: str) -> Clause | None:
        return self._by_id.get(clause_id)

    def previous(self, clause: Clause) -> Clause | None:
        """The clause before this one in the same paragraph, if any."""
        if clause.position < 2:
            return None
        prev = self.clauses[clause.position - 2]
        return prev if prev.paragraph == clause.paragraph else None


# --- blocks -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Block:
    kind: Literal["heading", "paragraph", "lines"]
    text: str
    lines: tuple[str, ...] = ()


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>]+)>")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _md_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    for _ in range(2):  # nested emphasis such as ***bold italic***
        text = _MD_EMPHASIS.sub(r"\2", text)
    return text.replace("\\", "")


def _is_heading_line(line: str) -> bool:
    """A short line with no sentence ending, as plain-text policies title their sections."""
    words = line.split()
    return 0 < len(words) <= 10 and not re.search(r"[.!?,;:]$", line) and line[0].isupper()


def _markdown_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    seen_heading = False
    para: list[tuple[str, bool]] = []  # (line, ends with a hard break)

    def flush() -> None:
        if not para:
            return
        lines = [_md_inline(line).strip() for line, _ in para]
        lines = [line for line in lines if line]
        hard = sum(1 for _, brk in para if brk)
        if len(lines) > 1 and hard >= len(lines) - 1:
            blocks.append(_Block("lines", ", ".join(lines), tuple(lines)))
        elif lines:
            blocks.append(_Block("paragraph", " ".join(lines)))
        para.clear()

    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith(">") and not seen_heading:
            # An editor's note quoted above the policy (an archive notice) is not the policy.
            flush()
            continue
        if (m := _HEADING.match(raw)) is not None:
            flush()
            seen_heading = True
            blocks.append(_Block("heading", _md_inline(m.group(2)).strip()))
            continue
        if not stripped or re.fullmatch(r"[-*_]{3,}", stripped):
            flush()
            continue
        if _LIST_ITEM.match(raw):
            flush()
            para.append((_LIST_ITEM.sub("", raw).strip(), False))
            flush()
            continue
        seen_heading = True
        hard_break = raw.endswith("  ") or raw.endswith("\\")
        para.append((stripped.rstrip("\\"), hard_break))
    flush()
    return blocks


_KEEP_UPPER = frozenset(["LLC", "INC", "LTD", "PLC", "GMBH", "USA", "UK", "EU", "US", "FAQ"])


def _quieter(heading: str) -> str:
    """An all-capitals heading in sentence case, keeping abbreviations such as LLC."""
    if not heading.isupper():
        return heading
    words = [w if w.strip(".,") in _KEEP_UPPER else w.lower() for w in heading.split()]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def _text_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and _is_heading_line(lines[0]):
            blocks.append(_Block("heading", _quieter(lines[0])))
        elif len(lines) > 1 and all(not re.search(r"[.!?]$", line) for line in lines):
            if _is_heading_line(lines[0]) and len(lines[0].split()) <= 6 and lines[0].isupper():
                blocks.append(_Block("heading", _quieter(lines[0])))
                lines = lines[1:]
            blocks.append(_Block("lines", ", ".join(lines), tuple(lines)))
        else:
            if _is_heading_line(lines[0]) and len(lines) > 1:
                blocks.append(_Block("heading", _quieter(lines[0])))
                lines = lines[1:]
            blocks.append(_Block("paragraph", " ".join(lines)))
    return blocks


class _HTMLBlocks(HTMLParser):
    _SKIP = frozenset({"script", "style", "nav", "header", "footer", "noscript", "template"})
    _BLOCK = frozenset({"p", "li", "div", "section", "article", "td", "dd", "dt", "address"})
    _HEAD = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.title = ""
        self._skip = 0
        self._in_title = False
        self._buf: list[str] = []
        self._lines: list[str] = []

    def _flush(self, kind: Literal["heading", "paragraph"] = "paragraph") -> None:
        self._lines.append(" ".join("".join(self._buf).split()))
        self._buf.clear()
        lines = [line for line in self._lines if line]
        self._lines.clear()
        if not lines:
            return
        if kind == "heading":
            self.blocks.append(_Block("heading", " ".join(lines)))
        elif len(lines) > 1:
            self.blocks.append(_Block("lines", ", ".join(lines), tuple(lines)))
        else:
            self.blocks.append(_Block("paragraph", lines[0]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "br":
            self._lines.append(" ".join("".join(self._buf).split()))
            self._buf.clear()
        elif tag in self._BLOCK or tag in self._HEAD:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self._HEAD:
            self._flush("heading")
        elif tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self._buf.append(data)


def _html_blocks(text: str) -> tuple[list[_Block], str]:
    parser = _HTMLBlocks()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.blocks, " ".join(parser.title.split())


# --- sentences ----------------------------------------------------------------------------

# Abbreviations after which a full stop never ends a sentence.
_NEVER_END = frozenset(
    [
        "e.g",
        "i.e",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "nos",
        "vs",
        "cf",
        "approx",
        "dept",
        "est",
        "fig",
        "jr",
        "sr",
        "u.s",
        "u.k",
        "a.m",
        "p.m",
    ]
)
# Company suffixes end a sentence only when a typical sentence opener follows.
_MAY_END = frozenset(["inc", "ltd", "co", "corp", "llc", "plc", "gmbh", "etc"])
_OPENERS = frozenset(
    [
        "a",
        "all",
        "also",
        "an",
        "any",
        "as",
        "at",
        "by",
        "each",
        "for",
        "from",
        "however",
        "if",
        "in",
        "it",
        "its",
        "no",
        "not",
        "on",
        "once",
        "our",
        "please",
        "some",
        "such",
        "that",
        "the",
        "these",
        "this",
        "those",
        "to",
        "under",
        "we",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "you",
        "your",
    ]
)
_SENTENCE_END = re.compile(r"([.!?]+[\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9$])")


def split_sentences(paragraph: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start : m.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        nxt = paragraph[m.end() :].split(maxsplit=1)
        next_word = nxt[0].strip("\"'([").lower() if nxt else ""
        if m.group(1).startswith("."):
            if word in _NEVER_END or (len(word) == 1 and word.isalpha()):
                continue
            if word in _MAY_END and next_word not in _OPENERS:
                continue
        sentences.append(paragraph[start : m.end()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# --- metadata -----------------------------------------------------------------------------

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_PHONE = re.compile(
    r"(?<![\w/])(?:\+\d{1,3}[\s.-]?)?(?:1[\s.-])?(?:\(\d{2,5}\)|\d{2,5})[\s.-]\d{3,4}[\s.-]\d{3,4}(?!\w)"
)
_CONTACT_CUE = re.compile(
    r"\b(contact|reach|questions?|call|email|e-mail|write|phone|telephone)\b", re.I
)
_OWNER_PATTERNS = (
    re.compile(
        r"\b(?:owned|operated|provided|run)\s+(?:and\s+(?:operated|owned)\s+)?by\s+"
        r"((?:[A-Z][\w&'-]*\.?[ ]?)+(?:,[ ]*(?:Inc|LLC|Ltd|Corp|Co|PLC|GmbH)\.?)?)"
    ),
    re.compile(
        r"\b((?:[A-Z][\w&'-]*[ ])+(?:Inc\.|LLC|Ltd\.?|Corp\.|Co\.|PLC|GmbH))"
        r"\s*\((?:the\s+)?[\"“](?:we|us|company)"
    ),
)
_COMPANY = re.compile(r"\b((?:[A-Z][\w&'-]+[ ]){1,4}(?:Inc\.|LLC|Ltd\.?|Corp\.|Co\.|PLC|GmbH))")
_DATE_CUE = re.compile(
    r"\b(?:effective(?:\s+date)?|last\s+(?:updated|revised|modified)|updated|revised)"
    r"(?:\s+(?:on|as\s+of))?\s*[:\-]?\s*(.+)",
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
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b"), ("m", "d", "y")),
    (
        re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b"),
        ("M", "d", "y"),
    ),
    (
        re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b"),
        ("d", "M", "y"),
    ),
)
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|\d{4,5}\s+[A-Z][a-z]+)\b"
)
_STREET = re.compile(r"^\d+[A-Za-z]?\s+\w+")
# "... write to us at 1 Launch Way, Bristol BS1 4DJ, United Kingdom."
_INLINE_ADDRESS = re.compile(
    r"\b(\d{1,5}[A-Za-z]?[ ]+[A-Z][\w'.-]*(?:[ ]+[A-Z0-9][\w'.-]*)*(?:,[ ]*[^,;:]{2,40}?){0,3}"
    r"(?:,[ ]*|[ ]+)"
    + _POSTCODE.pattern.removeprefix(r"\b").removesuffix(r"\b")
    + r"(?:,[ ]*[A-Z][A-Za-z]+(?:[ ][A-Z][A-Za-z]+){0,2})?)"
)


def parse_date(text: str) -> tuple[str, str | None] | None:
    """The first date in text, as written and as ISO 8601 (None if it is not a real date)."""
    for pattern, order in _DATE_FORMS:
        m = pattern.search(text)
        if m is None:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        month = _MONTHS.get(parts["M"].lower()) if "M" in parts else int(parts["m"])
        if month is None:
            continue
        year = int(parts["y"])
        if year < 100:
            year += 2000 if year < 70 else 1900
        try:
            iso = date(year, month, int(parts["d"])).isoformat()
        except ValueError:
            iso = None
        return m.group(0), iso
    return None


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


def _metadata(
    blocks: list[_Block], title: str
) -> tuple[str | None, tuple[str, str | None] | None, Contact]:
    texts = [b.text for b in blocks]
    emails: list[tuple[str, bool]] = []
    phones: list[tuple[str, bool]] = []
    for block in blocks:
        units = list(block.lines) if block.kind == "lines" else split_sentences(block.text)
        for unit in units:
            cued = block.kind != "lines" and bool(_CONTACT_CUE.search(unit))
            emails += [(e, cued) for e in _EMAIL.findall(unit)]
            phones += [(p.strip(), cued) for p in _PHONE.findall(unit)]

    owner: str | None = None
    body = "\n".join(texts)
    for pattern in _OWNER_PATTERNS:
        if (m := pattern.search(body)) is not None:
            owner = m.group(1).strip().rstrip(",")
            break
    if owner is None:
        companies = _ranked([(c.strip(), False) for c in _COMPANY.findall(body)])
        owner = companies[0] if companies else None
    if owner is None and title:
        owner = (
            re.sub(r"(?i)\b(privacy\s+(policy|statement|notice))\b[\s:–—-]*", "", title).strip(
                " -–—:|"
            )
            or None
        )

    effective = None
    for text in texts:
        if (m := _DATE_CUE.search(text)) is not None and (d := parse_date(m.group(1))):
            effective = d
            break

    address = None
    for block in blocks:
        lines = list(block.lines) if block.kind == "lines" else []
        for i, line in enumerate(lines):
            if _STREET.match(line):
                tail = [x for x in lines[i + 1 : i + 3] if not _EMAIL.search(x)]
                tail = [x for x in tail if not _PHONE.fullmatch(x.strip())]
                parts = [line]
                for x in tail:
                    parts.append(x)
                    if _POSTCODE.search(x):
                        break
                if any(_POSTCODE.search(p) for p in parts):
                    address = ", ".join(parts)
                    break
        if address:
            break
    if address is None:
        for block in blocks:
            if block.kind == "paragraph" and (m := _INLINE_ADDRESS.search(block.text)):
                address = m.group(1).rstrip(".")
                break

    ranked_emails = _ranked(emails)
    ranked_phones = _ranked(phones, _phone_key)
    contact = Contact(
        email=ranked_emails[0] if ranked_emails else None,
        phone=ranked_phones[0] if ranked_phones else None,
        emails=ranked_emails,
        phones=ranked_phones,
        address=address,
    )
    return owner, effective, contact


# --- clauses ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def clause_id(text: str, taken: set[str]) -> str:
    """A readable id from the clause's own words, stable as long as its text is."""
    words = re.findall(r"[a-z0-9]+", normalise(text).lower())
    slug = "-".join(words[:5])[:40].strip("-") or "clause"
    digest = hashlib.sha1(normalise(text).lower().encode()).hexdigest()[:6]  # noqa: S324
    cid = f"{slug}-{digest}"
    n = 2
    while cid in taken:
        cid = f"{slug}-{digest}-{n}"
        n += 1
    taken.add(cid)
    return cid


def detect_format(path: Path, text: str) -> Format:
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm"} or re.match(r"\s*(<!doctype html|<html)", text, re.I):
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    return "text"


def parse_policy(text: str, fmt: Format = "markdown", source: str = "") -> Policy:
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    html_title = ""
    if fmt == "html":
        blocks, html_title = _html_blocks(text)
    elif fmt == "markdown":
        blocks = _markdown_blocks(text)
    else:
        blocks = _text_blocks(text)

    headings = [b.text for b in blocks if b.kind == "heading"]
    title = html_title or (headings[0] if headings else "Privacy statement")
    if len(headings) == len(blocks):  # only short lines, read as titles: they are the text
        blocks = [_Block("paragraph", b.text) for b in blocks]
    owner, effective, contact = _metadata(blocks, title)

    clauses: list[Clause] = []
    sections: list[tuple[str, list[str]]] = []
    taken: set[str] = set()
    paragraph = 0
    for block in blocks:
        if block.kind == "heading":
            sections.append((block.text, []))
            continue
        if not sections:
            sections.append((title, []))
        paragraph += 1
        units = [block.text] if block.kind == "lines" else split_sentences(block.text)
        for n, unit in enumerate(units, start=1):
            cid = clause_id(unit, taken)
            sections[-1][1].append(cid)
            clauses.append(
                Clause(
                    id=cid,
                    text=normalise(unit),
                    section=sections[-1][0],
                    section_index=len(sections),
                    paragraph=paragraph,
                    sentence=n,
                    position=len(clauses) + 1,
                )
            )
    if not clauses:
        raise PolicyError(f"{source or 'policy'}: no policy text found")
    return Policy(
        title=title,
        owner=owner,
        effective_date=effective[0] if effective else None,
        effective_date_iso=effective[1] if effective else None,
        contact=contact,
        sections=tuple(
            Section(i, name, tuple(ids)) for i, (name, ids) in enumerate(sections, 1) if ids
        ),
        clauses=tuple(clauses),
        source=source,
    )


def load_policy(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read policy: {exc}") from exc
    if not text.strip():
        raise PolicyError(f"{path}: policy file is empty")
    return parse_policy(text, detect_format(path, text), source=str(path))
