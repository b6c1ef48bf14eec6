"""A policy's structure beyond its blocks: tables of contents, which are dropped, the
questions of a FAQ, which are titles, and the lead-in sentence ("We may share it with:") that
its lists and tables are read under."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from itertools import pairwise

from qa_service.corpus.blocks import (
    BULLETS,
    Block,
    heading_block,
    question_title,
    sentence_like,
    title_shaped,
    unnumbered,
)
from qa_service.corpus.sentences import split_sentences

CONTENTS = re.compile(
    r"(?:table of )?contents|in this (?:policy|notice|statement|document|page)"
    r"|quick links|jump to(?: a section)?|on this page|sections|index|summary of contents"
)


def title_key(title: str) -> str:
    """A title as a table of contents and a heading would both write it."""
    title = re.sub(r"(?:\s*\.){3,}\s*\d*\s*$|\s+\d{1,3}$", "", unnumbered(title))
    return " ".join(re.findall(r"[a-z0-9]+", title.lower()))


def numbered_titles(text: str) -> bool:
    """A paragraph that is only numbered titles: "1. WHO WE ARE 2. WHAT WE COLLECT ..."."""
    marks = list(re.finditer(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+", text))
    if len(marks) < 3:
        return False
    numbers = [int(m.group(1)) for m in marks]
    if any(b != a + 1 for a, b in pairwise(numbers)):
        return False
    before = text[: marks[0].start()].strip().rstrip(":")
    if before and not CONTENTS.fullmatch(title_key(before)):
        return False
    ends = [m.start() for m in marks[1:]] + [len(text)]
    pieces = [text[m.end() : end].strip() for m, end in zip(marks, ends, strict=True)]
    return all(0 < len(p.split()) <= 12 and not re.search(r"[.!?;,]$", p) for p in pieces)


def _link_bar(text: str) -> bool:
    """ "Home | Mail | Jobs", "Register! | Sign in": a site's links set apart by bars."""
    parts = text.split("|")
    return len(parts) > 1 and all(len(part.split()) <= 4 for part in parts)


def without_contents(blocks: list[Block]) -> list[Block]:
    """Drops tables of contents and bars of links: they name pages and sections, they say
    nothing themselves."""
    last_heading: dict[str, int] = {}  # each heading's last position: is a title named later?
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            last_heading[title_key(b.text)] = i

    def named_later(key: str, after: int) -> bool:
        return bool(key) and last_heading.get(key, -1) > after

    groups: dict[int, list[int]] = {}
    for i, b in enumerate(blocks):
        if b.kind == "item":
            groups.setdefault(b.group, []).append(i)
    drop: set[int] = set()
    for members in groups.values():
        keys = [title_key(blocks[i].text) for i in members]
        matched = sum(1 for k in keys if named_later(k, members[-1]))
        if len(keys) >= 2 and matched >= max(2, math.ceil(0.6 * len(keys))):
            drop.update(members)
    under_contents = False
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            under_contents = bool(CONTENTS.fullmatch(title_key(b.text)))
            continue
        if b.kind == "paragraph" and b.text.endswith(":") and CONTENTS.fullmatch(title_key(b.text)):
            under_contents = True  # "In this policy:" above the list of sections
            drop.add(i)
            continue
        if b.kind == "lines":
            keys = [title_key(line) for line in b.lines]
            if under_contents or sum(1 for k in keys if named_later(k, i)) * 5 >= 3 * len(keys):
                drop.add(i)
        elif b.kind == "paragraph" and (numbered_titles(b.text) or _link_bar(b.text)):
            drop.add(i)
        elif b.kind == "item" and under_contents:
            drop.update(groups[b.group])
    return [b for i, b in enumerate(blocks) if i not in drop]


def styled_titles(blocks: list[Block]) -> list[Block]:
    """A paragraph shaped like a title ("Information We Collect", "What are cookies?") is a
    title when text follows it; a name, a job title or an address line over another short
    line is not ("Jane Roe", "Data Protection Officer"). Paragraphs that open with a bullet
    ("<p>• To improve our website</p>") are the items of one list."""
    out: list[Block] = []
    for n, b in enumerate(blocks):
        if b.kind == "paragraph" and not b.label:
            if (bullet := _BULLET.match(b.text)) is not None:
                after_item = bool(out) and out[-1].kind == "item" and out[-1].group > _GROUPS
                group = out[-1].group if after_item else _GROUPS + n + 1
                b = replace(b, kind="item", text=b.text[bullet.end() :], group=group)
            elif title_shaped(b.text) or question_title(b.text):
                nxt = next((x for x in blocks[n + 1 :] if x.kind != "meta"), None)
                if nxt is not None and nxt.kind != "heading" and sentence_like(nxt.text):
                    b = heading_block(b.text)
        out.append(b)
    return out


_BULLET = re.compile(rf"^[-–{BULLETS}]\s+(?=\S)")
_GROUPS = 1_000_000  # above the groups the readers number their lists and tables with


_QUESTION = re.compile(r"^(?:Q|Question)\s*[:.)]\s*(?P<asked>[^?]{3,200}\?)(?:\s+|$)")
_ANSWER = re.compile(r"^(?:A|Answer)\s*[:.)]\s+(?=\S)")


def faq(blocks: list[Block]) -> list[Block]:
    """A FAQ's "Q: ...?" is the title its answer is read under, and "A:" is no part of it;
    a question and its answer in one paragraph are split."""
    out: list[Block] = []
    for b in blocks:
        if (
            b.kind == "heading"
            and (m := _QUESTION.match(b.raw)) is not None
            and not b.raw[m.end() :]
        ):
            b = heading_block(m.group("asked"))
        elif b.kind == "paragraph" and (m := _QUESTION.match(b.text)) is not None:
            out.append(heading_block(m.group("asked")))
            b = replace(b, text=b.text[m.end() :], label="")
            if not b.text:
                continue
        if b.kind in ("paragraph", "item"):
            b = replace(b, text=_ANSWER.sub("", b.text), label=_QUESTION.sub(r"\g<asked>", b.label))
        out.append(b)
    return out


def with_lead_ins(blocks: list[Block]) -> list[Block]:
    """Items and rows carry the sentence that introduces their list or table ("... to:")."""
    out: list[Block] = []
    group, lead = 0, ""
    for b in blocks:
        if b.kind in ("item", "row"):
            if b.group != group:
                group = b.group
                prev = next((p for p in reversed(out) if p.kind != "meta"), None)
                lead = ""
                if prev is not None and prev.kind == "paragraph" and prev.text.endswith(":"):
                    said = split_sentences(prev.text)
                    # "This may include:" says little on its own: keep the sentence before it.
                    short = len(said) > 1 and len(said[-1].split()) <= 4
                    lead = " ".join(said[-2:] if short else said[-1:])
            if lead:
                b = replace(b, context=(lead, *b.context))
        elif b.kind != "meta":
            group, lead = 0, ""
        out.append(b)
    return out
