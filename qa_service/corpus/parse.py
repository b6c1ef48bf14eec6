"""A policy file to a Policy: its format's reader, then contents dropped, lead-ins attached,
metadata read, and sections and clauses numbered with ids stable as long as their text is."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from pathlib import Path

from qa_service.corpus.blocks import BOLD_CLOSE, BOLD_OPEN, Block
from qa_service.corpus.html import html_blocks
from qa_service.corpus.markdown import markdown_blocks
from qa_service.corpus.metadata import read_metadata
from qa_service.corpus.model import Clause, Format, Policy, Section
from qa_service.corpus.sentences import split_sentences
from qa_service.corpus.structure import faq, styled_titles, with_lead_ins, without_contents
from qa_service.corpus.text import text_blocks
from qa_service.errors import PolicyError

_POLICY_TITLE = re.compile(r"\b(?:privacy|policy|notice|statement)\b", re.I)


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


def _sentences(block: Block) -> list[str]:
    """A block's sentences; in a paragraph, one of a single word ("No.", "Questions?") is
    read with the one after it, or the last with the one before ("We never sell it.
    Period."): alone it answers nothing."""
    if block.kind not in ("paragraph", "item", "row"):
        return [block.text]
    sentences = split_sentences(block.text)
    if block.kind != "paragraph":
        return sentences
    for n in range(len(sentences) - 2, -1, -1):
        if len(sentences[n].split()) == 1:
            sentences[n : n + 2] = [f"{sentences[n]} {sentences[n + 1]}"]
    if len(sentences) > 1 and len(sentences[-1].split()) == 1:
        sentences[-2:] = [f"{sentences[-2]} {sentences[-1]}"]
    return sentences


def detect_format(path: Path, text: str) -> Format:
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm"} or re.match(r"\s*(<!doctype html|<html)", text, re.I):
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    return "text"


def parse_policy(text: str, fmt: Format = "markdown", source: str = "") -> Policy:
    text = re.sub("[™®℠]", "", text)  # NFKC would make "DealDash™" "DealDashTM"
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace(BOLD_OPEN, " ").replace(BOLD_CLOSE, " ")
    html_title = ""
    if fmt == "html":
        blocks, html_title = html_blocks(text)
    elif fmt == "markdown":
        blocks = markdown_blocks(text)
    else:
        blocks = text_blocks(text)

    headings = [b for b in blocks if b.kind == "heading"]
    title = headings[0].text if headings else "Privacy statement"
    if html_title and not (headings and _POLICY_TITLE.search(title)):
        title = html_title  # the page's <title>, unless its first heading names the policy
    raw_title = html_title or (headings[0].raw if headings else "")
    if len(headings) == len([b for b in blocks if b.kind != "meta"]):
        # only short lines, read as titles: they are the text
        blocks = [Block("paragraph", b.raw) if b.kind == "heading" else b for b in blocks]
    if fmt != "text":  # plain text tells its titles by their lines
        blocks = styled_titles(blocks)
    blocks = with_lead_ins(faq(without_contents(blocks)))
    sentences = [_sentences(b) for b in blocks]
    owner, effective, contact = read_metadata(blocks, sentences, raw_title)

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


def decode(data: bytes) -> str:
    """A policy file's text: UTF-8 (with or without a byte-order mark), UTF-16 with one, or
    else Windows-1252, as a word processor on Windows saves plain text. A PDF or a Word file
    is refused: its text is not what the bytes say."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(b"%PDF") or b"\x00" in data:
        raise ValueError(
            "a PDF, Word or other binary file; save the policy as HTML, Markdown or text"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def load_policy(path: Path) -> Policy:
    try:
        text = decode(path.read_bytes())
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise PolicyError(f"{path}: cannot read policy: {exc}") from exc
    if not text.strip():
        raise PolicyError(f"{path}: policy file is empty")
    return parse_policy(text, detect_format(path, text), source=str(path))
