"""Policy text (Markdown, plain text or HTML) to sections, paragraphs and clauses.

Also reads the policy's own metadata out of its text: owner, effective date, contacts.
Nothing here knows about any particular policy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from qa_service.corpus.blocks import (
    BOLD_CLOSE,
    BOLD_OPEN,
    NAME_GLUE,
    Block,
    heading_block,
    plain_text,
    text_block,
)
from qa_service.corpus.details import (
    DATE_CUE,
    EMAIL,
    HOLDS,
    INLINE_ADDRESS,
    PHONE,
    POSTCODE,
    holds,
    parse_date,
)
from qa_service.corpus.markdown import markdown_blocks
from qa_service.corpus.model import Clause, Contact, Format, Policy, Section
from qa_service.corpus.sentences import split_sentences, word_set
from qa_service.corpus.structure import (
    with_lead_ins,
    without_contents,
)
from qa_service.corpus.text import text_blocks
from qa_service.errors import PolicyError

__all__ = [
    "HOLDS",
    "Clause",
    "Contact",
    "Format",
    "Policy",
    "Section",
    "clause_id",
    "detect_format",
    "holds",
    "load_policy",
    "normalise",
    "parse_date",
    "parse_policy",
    "split_sentences",
]


# --- blocks -------------------------------------------------------------------------------


def _joined(lines: Iterable[str]) -> str:
    """Lines of one item as one text: a comma where a line ends without punctuation."""
    out = ""
    for line in lines:
        if out:
            out += " " if re.search(r"[.,;:!?]$", out) else ", "
        out += line
    return out


# --- Markdown -----------------------------------------------------------------------------


# --- plain text ---------------------------------------------------------------------------


# --- HTML ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _HTMLList:
    group: int
    start: int  # the index of the list's first block, to drop a table of contents
    li_open: bool = False
    items: int = 0
    toc: bool = True  # every item so far is only a link to a place in the page
    link_chars: int = 0  # letters of the open item inside such a link
    other_chars: int = 0  # and outside it


@dataclass(slots=True)
class _HTMLTable:
    group: int
    caption: str = ""
    header: str = ""
    rows: int = 0
    in_head: bool = False


class _HTMLBlocks(HTMLParser):
    _SKIP = frozenset({"script", "style", "nav", "noscript", "template", "svg", "button"})
    _CHROME = frozenset({"header", "footer"})  # page furniture, unless inside the content
    _CONTENT = frozenset({"main", "article"})
    _BLOCK = frozenset(
        {"p", "div", "section", "article", "main", "aside", "address", "blockquote", "dl"}
        | {"figure", "figcaption", "pre", "body", "center", "form", "fieldset", "hr"}
    )
    _HEAD = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "summary"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self._skip = 0
        self._chrome = 0
        self._content = 0
        self._in_title = False
        self._buf: list[str] = []
        self._lines: list[str] = []
        self._bold = 0  # >0 while inside bold words that opened the block
        self._groups = 0
        self._lists: list[_HTMLList] = []
        self._item_texts: list[str] = []
        self._local_link = False
        self._table: _HTMLTable | None = None
        self._row: list[tuple[str, bool]] | None = None
        self._cell: list[str] | None = None
        self._cell_th = False
        self._caption: list[str] | None = None
        self._term = ""  # a <dt> waiting for its <dd>

    def _new_group(self) -> int:
        self._groups += 1
        return self._groups

    def _take(self) -> list[str]:
        self._lines.append("".join(self._buf))
        self._buf.clear()
        lines = [" ".join(line.split()) for line in self._lines]
        self._lines.clear()
        if self._bold:
            lines[-1] += BOLD_CLOSE
            self._bold = 0
        return [line for line in lines if plain_text(line)]

    def _flush(self, kind: Literal["heading", "paragraph", "dt", "dd"] = "paragraph") -> None:
        lines = self._take()
        if not lines:
            return
        if self._chrome and not self._content:
            plain = [plain_text(line) for line in lines]
            self.blocks.append(Block("meta", " ".join(plain), tuple(plain)))
        elif kind == "heading":
            self.blocks.append(heading_block(" ".join(lines)))
        elif kind == "dt":
            self._term = plain_text(" ".join(lines))
        elif self._lists and self._lists[-1].li_open:
            depth = len(self._lists) - 1
            block = text_block(
                "item",
                _joined(lines),
                group=self._lists[0].group,
                context=tuple(self._item_texts[:depth]),
            )
            self.blocks.append(block)
            del self._item_texts[depth:]
            self._item_texts.extend([""] * (depth - len(self._item_texts)))
            self._item_texts.append(block.text)
        elif len(lines) > 1:
            plain = [plain_text(line) for line in lines]
            self.blocks.append(Block("lines", ", ".join(plain), tuple(plain)))
        elif kind == "dd" and self._term:
            term, self._term = self._term, ""
            text = plain_text(lines[0])
            if len(text.split()) <= 4:  # "Email" / "privacy@..." reads best as one clause
                self.blocks.append(Block("paragraph", f"{term}: {text}"))
            else:
                self.blocks.append(Block("paragraph", text, label=term))
        else:
            self.blocks.append(text_block("paragraph", lines[0]))

    def _close_item(self) -> None:
        lst = self._lists[-1]
        self._flush()
        lst.li_open = False
        lst.items += 1
        lst.toc = lst.toc and lst.link_chars > 0 and lst.other_chars == 0
        lst.link_chars = lst.other_chars = 0

    def _emit_row(self) -> None:
        table, row = self._table, self._row
        self._row = None
        if table is None or not row:
            return
        cells = [text for text, _ in row if text]
        if not cells:
            return
        if all(th for _, th in row) and (table.in_head or table.rows == 0):
            table.header = " — ".join(cells)
            return
        table.rows += 1
        context = tuple(c for c in (table.caption, table.header) if c)
        self.blocks.append(Block("row", " — ".join(cells), group=table.group, context=context))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "title":
            self._in_title = True
            return
        if tag in self._CONTENT:
            self._content += 1
        if tag in self._CHROME:
            self._flush()
            self._chrome += 1
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self._local_link = "#" in href and " " not in href
            return
        if tag in ("b", "strong"):
            opening = not "".join(self._buf).strip() and not self._lines
            if opening and self._cell is None and self._caption is None:
                self._buf.append(BOLD_OPEN)
                self._bold += 1
            return
        if self._cell is not None or self._caption is not None:
            if tag in ("td", "th", "tr", "table", "caption"):
                self._end_cell()
            elif tag == "br" or tag in self._BLOCK or tag in ("li", "ul", "ol"):
                (self._cell if self._cell is not None else self._caption or []).append(" ")
                return
        if self._chrome and not self._content:
            if tag == "br":
                self._lines.append("".join(self._buf))
                self._buf.clear()
            elif tag in self._BLOCK or tag in self._HEAD or tag in ("li", "tr", "td", "th"):
                self._flush()
            return
        if tag == "br":
            self._lines.append("".join(self._buf))
            self._buf.clear()
        elif tag in ("ul", "ol"):
            self._flush()
            self._lists.append(_HTMLList(self._new_group(), len(self.blocks)))
            if len(self._lists) > 1:
                self._lists[-1].group = self._lists[0].group
        elif tag == "li":
            if not self._lists:  # a stray <li>: read it as a paragraph
                self._flush()
                return
            if self._lists[-1].li_open:
                self._close_item()
            self._flush()
            self._lists[-1].li_open = True
        elif tag == "table":
            self._flush()
            self._table = _HTMLTable(self._new_group())
        elif tag == "caption":
            self._caption = []
        elif tag == "thead" and self._table is not None:
            self._table.in_head = True
        elif tag in ("tbody", "tfoot") and self._table is not None:
            self._table.in_head = False
        elif tag == "tr":
            self._emit_row()
            self._row = []
        elif tag in ("td", "th"):
            if self._row is None:
                self._row = []
            self._cell = []
            self._cell_th = tag == "th"
        elif tag in ("dt", "dd") or tag in self._BLOCK or tag in self._HEAD:
            self._flush()

    def _end_cell(self) -> None:
        if self._caption is not None:
            if self._table is not None:
                self._table.caption = plain_text("".join(self._caption))
            self._caption = None
        if self._cell is not None:
            if self._row is not None:
                self._row.append((plain_text("".join(self._cell)), self._cell_th))
            self._cell = None

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag == "title":
            self._in_title = False
            return
        if tag in self._CHROME:
            self._flush()
            self._chrome = max(0, self._chrome - 1)
            return
        if tag in self._CONTENT:
            self._flush()
            self._content = max(0, self._content - 1)
            return
        if tag == "a":
            self._local_link = False
            return
        if tag in ("b", "strong"):
            if self._bold:
                self._buf.append(BOLD_CLOSE)
                self._bold = 0
            return
        if tag in ("td", "th", "caption"):
            self._end_cell()
            return
        if self._cell is not None or self._caption is not None:
            return
        if self._chrome and not self._content:
            if tag in self._BLOCK or tag in self._HEAD or tag in ("li", "tr"):
                self._flush()
            return
        if tag == "tr":
            self._emit_row()
        elif tag == "table":
            self._emit_row()
            self._table = None
        elif tag == "li":
            if self._lists and self._lists[-1].li_open:
                self._close_item()
        elif tag in ("ul", "ol"):
            if not self._lists:
                return
            if self._lists[-1].li_open:
                self._close_item()
            else:
                self._flush()
            lst = self._lists.pop()
            if self._lists:
                outer = self._lists[-1]
                outer.toc = outer.toc and lst.toc
            elif lst.toc and lst.items >= 2:
                del self.blocks[lst.start :]  # a table of contents: links to the headings
            if not self._lists:
                self._item_texts.clear()
        elif tag in self._HEAD:
            self._flush("heading")
        elif tag in ("dt", "dd"):
            self._flush("dt" if tag == "dt" else "dd")
        elif tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        if self._caption is not None:
            self._caption.append(data)
            return
        if self._cell is not None:
            self._cell.append(data)
            return
        self._buf.append(data)
        if self._lists and self._lists[-1].li_open:
            letters = sum(1 for ch in data if ch.isalpha())
            if self._local_link:
                self._lists[-1].link_chars += letters
            else:
                self._lists[-1].other_chars += letters


def _html_blocks(text: str) -> tuple[list[Block], str]:
    parser = _HTMLBlocks()
    parser.feed(text)
    parser.close()
    while parser._lists:
        parser.handle_endtag("ul")
    parser._emit_row()
    parser._flush()
    return parser.blocks, " ".join(parser.title.split())


# --- tables of contents and lead-ins -------------------------------------------------------


# --- sentences ----------------------------------------------------------------------------


# --- metadata -----------------------------------------------------------------------------

_CONTACT_CUE = re.compile(
    r"\b(contact|reach|questions?|call|email|e-mail|write|phone|telephone)\b", re.I
)
_SUFFIX = (
    r"(?:Inc\.|Inc\b|LLC\b|L\.L\.C\.|Ltd\.|Ltd\b|Limited\b|Corp\.|Corporation\b|Co\.|PLC\b"
    r"|GmbH\b|LLP\b|N\.A\.|S\.A\.|B\.V\.|AG\b|Pty\.? Ltd\.?)"
)
_OWNED_BY = re.compile(
    r"\b(?:owned|operated|provided|run|published)\s+(?:and\s+(?:operated|owned)\s+)?by\s+"
    r"((?:[A-Z][\w&'-]*\.?[ ]?)+(?:,[ ]*" + _SUFFIX + r")?)"
)
# ... (collectively, "Northwind," "we," "us") or (the "Company", "we")
_DEFINES_WE = re.compile(
    r"\((?=[^()]{0,200}?[\"“‘'](?:we|us|our|the company|company)\b)[^()]{0,200}\)", re.I
)
# In this notice, "Daily Ledger", "we" and "us" mean Daily Ledger Media Limited.
_WE_MEANS = re.compile(
    r"[\"“‘'](?:we|us|our)[\"”’',]?[^.()]{0,80}?\b(?:means?|refers? to)\s+((?:the\s+)?[A-Z].{2,80})"
)
_COMPANY = re.compile(r"\b((?:[A-Z][\w&'-]+[ ]){0,3}[A-Z][\w&'-]+,?[ ]" + _SUFFIX + ")")
_AFFILIATES = re.compile(
    r",?\s+(?:and|together with)\s+(?:all\s+)?(?:of\s+)?its\s+(?:\w+\s+){0,2}"
    r"(?:subsidiaries|affiliates|companies|brands|family)(?:\s+and\s+\w+)?\s*$",
    re.I,
)
_NOT_NAMES = word_set(
    "company service services website site app apps we us our this the privacy policy "
    "notice statement"
)
_STREET = re.compile(r"^\d+[A-Za-z]?\s+\w+")


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
        ends_sentence = (
            bare.endswith((".", ":", ";", ")")) and not re.fullmatch(_SUFFIX, bare) and bool(name)
        )
        if ends_sentence or not (bare[0].isupper() or bare[0].isdigit() or bare in NAME_GLUE):
            break
        name.insert(0, token)
        if len(name) >= 8:
            break
    while name and name[0].lower() in NAME_GLUE | {"at", "by", "welcome", "from"}:
        name.pop(0)
    while name and name[-1].strip(",").lower() in NAME_GLUE:
        name.pop()
    result = " ".join(name).strip(", ")
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
            token.endswith(".") and not re.fullmatch(_SUFFIX, token)
        ):
            break
    while name and name[-1].rstrip(",.;:").lower() in NAME_GLUE:
        name.pop()
    while name and name[0].lower() in NAME_GLUE:
        name.pop(0)
    result = " ".join(name).rstrip(",;:")
    if result.endswith(".") and not re.search(_SUFFIX + r"$", result):
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
        return m3.group(1).strip().rstrip(",")
    companies = _ranked([(c.strip(), False) for c in _COMPANY.findall(body)])
    named = re.sub(r"(?i)\b(privacy\s+(policy|statement|notice))\b", " ", raw_title)
    named = " ".join(named.split()).strip(" -–—:|,")
    if named:
        # "BLUE FINCH APPS LLC PRIVACY POLICY" is "Blue Finch Apps LLC" as the text writes it;
        # "BrightPath Learning Student Data" is "BrightPath Learning, Inc.".
        for company in companies:
            short = re.sub(r",?\s*" + _SUFFIX + r"$", "", company).lower()
            if named.lower().startswith(short) or short.startswith(named.lower()):
                return company
        words = [w for w in named.split() if w.lower() not in NAME_GLUE]
        if words and all(w[0].isupper() or w[0].isdigit() for w in words) and not named.isupper():
            return named
    if companies:
        return companies[0]
    return named or None


def _metadata(
    blocks: list[Block], sentences: list[list[str]], raw_title: str
) -> tuple[str | None, tuple[str, str | None] | None, Contact]:
    texts = [b.text for b in blocks]
    emails: list[tuple[str, bool]] = []
    phones: list[tuple[str, bool]] = []
    for block, said in zip(blocks, sentences, strict=True):
        listed = block.kind in ("lines", "meta")
        units = list(block.lines or (block.text,)) if listed else said
        for unit in units:
            cued = not listed and bool(_CONTACT_CUE.search(unit))
            emails += [(e, cued) for e in EMAIL.findall(unit)]
            phones += [(p.strip(), cued) for p in PHONE.findall(unit)]

    effective = None
    for text in texts:
        if (m := DATE_CUE.search(text)) is not None and (d := parse_date(m.group(1))):
            effective = d
            break

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
        if address:
            break
    if address is None:
        inline = [b for b in blocks if b.kind in ("paragraph", "item")]
        for block in inline + [b for b in blocks if b.kind == "meta"]:
            if m := INLINE_ADDRESS.search(block.text):
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
    return _owner(blocks, raw_title), effective, contact


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
    text = text.replace(BOLD_OPEN, " ").replace(BOLD_CLOSE, " ")
    html_title = ""
    if fmt == "html":
        blocks, html_title = _html_blocks(text)
    elif fmt == "markdown":
        blocks = markdown_blocks(text)
    else:
        blocks = text_blocks(text)

    headings = [b for b in blocks if b.kind == "heading"]
    title = html_title or (headings[0].text if headings else "Privacy statement")
    raw_title = html_title or (headings[0].raw if headings else "")
    if len(headings) == len([b for b in blocks if b.kind != "meta"]):
        # only short lines, read as titles: they are the text
        blocks = [Block("paragraph", b.raw) if b.kind == "heading" else b for b in blocks]
    blocks = with_lead_ins(without_contents(blocks))
    sentences = [
        split_sentences(b.text) if b.kind in ("paragraph", "item", "row") else [b.text]
        for b in blocks
    ]
    owner, effective, contact = _metadata(blocks, sentences, raw_title)

    clauses: list[Clause] = []
    sections: list[tuple[str, list[str]]] = []
    taken: set[str] = set()
    paragraph = 0
    for block, said in zip(blocks, sentences, strict=True):
        if block.kind == "heading":
            sections.append((block.text, []))
            continue
        if block.kind == "meta":
            continue
        if not sections:
            sections.append((title, []))
        paragraph += 1
        units = [block.text] if block.kind in ("lines", "row") else said
        for n, unit in enumerate(units, start=1):
            context = list(block.context)
            if block.label and (not block.label_in_text or n > 1):
                context.append(block.label)
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
                    context=normalise(" ".join(context)),
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
