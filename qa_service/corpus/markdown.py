"""Markdown policies to blocks: headings, nested lists, pipe tables, lines broken by hand (an
address); a list of links into the page (a table of contents) and an editor's note are left out."""

from __future__ import annotations

import re
from dataclasses import replace

from qa_service.corpus.blocks import (
    BOLD_CLOSE,
    BOLD_OPEN,
    BULLETS,
    Block,
    Lists,
    broken_lines,
    caps_title,
    heading_block,
    link_text,
    text_block,
)
from qa_service.corpus.html import html_blocks
from qa_service.corpus.structure import numbered_titles

_LONE_EMPHASIS = re.compile(r"(?<!\S)[*_]{1,3}(?!\S)")
_TOP_LINK = re.compile(r"\s*\[(?:back to |return to |to )?top\](?:\([^)]*\))?", re.I)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)]*)\)")
_MD_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>]+|[^\s<>@]+@[^\s<>@]+)>")
# Markdown may hold HTML: a block of it starts with a block tag and runs to a blank line
# (CommonMark's kind 6 of HTML block); inline tags are dropped, their text kept.
_HTML_BLOCK = re.compile(
    r"^ {0,3}<(?:!--|/?(?:address|article|aside|blockquote|center|details|div|dl|figure|"
    r"footer|form|h[1-6]|header|hr|main|nav|ol|p|section|table|ul)(?=[\s/>]|$))",
    re.I,
)
_HTML_CONTACT = re.compile(
    r"<a\s[^>]*?href=[\"']?((?:mailto|tel):[^\"'>\s]+)[^>]*>(.*?)</a>", re.I | re.S
)
_HTML_INLINE = re.compile(
    r"</?(?:a|abbr|b|br|cite|code|del|em|font|i|img|ins|kbd|mark|q|s|small|span|strong|sub|"
    r"sup|u)(?:\s[^<>]*)?/?>",
    re.I,
)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_LEAD_BOLD = re.compile(r"^\s*(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# "1\\." and "\\-" as converters escape them; "(a)" and "a)" only inside a list or under a
# lead-in.
_MD_ITEM = re.compile(rf"^(\s*)([-*+{BULLETS}]|\\-|\d{{1,3}}\\?[.)])\s+(\S.*)$")
_MD_LETTERED = re.compile(r"^(\s*)(\([a-z]{1,3}\)|[a-z]\))\s+(\S.*)$")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _md_inline(text: str) -> str:
    if "<" in text:  # HTML inside Markdown: a line break, a link, bold words
        text = _HTML_CONTACT.sub(lambda m: link_text(m.group(1), m.group(2)), text)
        text = _HTML_INLINE.sub(lambda m: " " if m.group(0)[1:3].lower() == "br" else "", text)
    text = _TOP_LINK.sub("", text)
    text = _MD_LINK.sub(lambda m: link_text(m.group(2), m.group(1)), text)
    text = _MD_AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    for _ in range(2):  # nested emphasis such as ***bold italic***
        text = _MD_EMPHASIS.sub(r"\2", text)
    text = _LONE_EMPHASIS.sub("", text)  # "* *" left of emphasis around nothing
    return text.replace("\\", "")


def _md_marked(text: str) -> str:
    """Inline Markdown to plain text, marking bold words that open the text."""
    if (m := _MD_LEAD_BOLD.match(text)) is not None:
        inner = _md_inline(m.group(2))
        return f"{BOLD_OPEN}{inner}{BOLD_CLOSE}{_md_inline(text[m.end() :])}"
    return _md_inline(text)


def _is_local_link_list(raw_items: list[str]) -> bool:
    """Every item is just a link to a place in the same page: a table of contents."""
    local = re.compile(r"^\s*(?:\d{1,2}[.)]\s*)?\[[^\]]+\]\([^)\s]*#[^)\s]*\)\s*$")
    return len(raw_items) >= 2 and all(local.match(item) for item in raw_items)


# A site generator's front matter (YAML between "---" lines, TOML between "+++"): settings,
# of which only the title is text.
_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?\n)\1[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title\s*[:=]\s*[\"']?(.+?)[\"']?\s*$", re.M)


def _settings(text: str) -> bool:
    """Whether the lines are settings ("title: ...", "draft = false", a list under a key)."""
    lines = [line for line in text.splitlines() if line.strip()]
    key = re.compile(r"^[\w-]+\s*[:=]|^\s|^\[")
    return bool(lines) and all(key.match(line) for line in lines)


def markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    front = _FRONT_MATTER.match(text)
    if front is not None and _settings(front.group(2)):
        text = text[front.end() :]
        if (named := _FRONT_TITLE.search(front.group(2))) is not None:
            blocks.append(heading_block(named.group(1)))
    groups = iter(range(1, 1_000_000))
    lists = Lists(lambda: next(groups))
    seen_heading = False
    para: list[tuple[str, bool]] = []  # (line, ends with a hard break)
    item: list[str] = []  # the open list item's lines
    item_at: tuple[int, tuple[str, ...]] = (0, ())
    list_start = 0  # where the open list's blocks start
    list_raw: list[str] = []  # and its items as written, links and all
    list_top = (0, "")  # the indent and marker kind of its top-level items
    blank = False
    table: list[list[str]] = []
    header: list[str] = []

    def after_lead_in() -> bool:
        """Whether the last block read is a lead-in ("We collect the following:")."""
        return bool(blocks) and blocks[-1].kind == "paragraph" and blocks[-1].text.endswith(":")

    def flush_para() -> None:
        if not para:
            return
        hard = sum(1 for _, brk in para if brk)
        raw = [line.strip() for line, _ in para]
        if len(para) > 1 and hard >= len(para) - 1:  # lines broken by hand
            # "**Account details  " then "**": bold closed at the next line's start
            for n in range(len(raw) - 1):
                if raw[n].count("**") % 2 and raw[n + 1].startswith("**"):
                    raw[n], raw[n + 1] = raw[n] + "**", raw[n + 1][2:].strip()
            raw = [x for x in raw if x]
            marked = [x for x in map(_md_marked, raw) if x]
            if len(marked) > 1:
                blocks.extend(broken_lines(marked, lambda: next(groups), listing=after_lead_in()))
                para.clear()
                return
        if raw and (block := text_block("paragraph", _md_marked(" ".join(raw)))).text:
            blocks.append(block)
        para.clear()

    def flush_item() -> None:
        if not item:
            return
        block = text_block(
            "item", _md_marked(" ".join(item)), group=lists.group, context=item_at[1]
        )
        item.clear()
        if block.text:
            blocks.append(block)
            lists.record(item_at[0], block.text)

    def close_list() -> None:
        flush_item()
        if lists.open and _is_local_link_list(list_raw):
            del blocks[list_start:]
        lists.close()
        list_raw.clear()

    def flush_table() -> None:
        nonlocal header
        group = next(groups)
        for row in table:
            cells = [c for c in row if c]
            if cells:
                context = (" — ".join(h for h in header if h),) if any(header) else ()
                blocks.append(Block("row", " — ".join(cells), group=group, context=context))
        table.clear()
        header = []

    def flush_all() -> None:
        flush_para()
        close_list()
        if table or header:
            flush_table()

    def flush_html() -> None:
        """An HTML block, read as HTML; its lists and tables get groups of their own."""
        found, _ = html_blocks("\n".join(html))
        html.clear()
        renumbered: dict[int, int] = {}
        for b in found:
            if b.group:
                b = replace(b, group=renumbered.setdefault(b.group, next(groups)))
            blocks.append(b)

    html: list[str] = []  # the lines of an HTML block: from a block tag to a blank line
    for raw in text.splitlines():
        if html:
            if raw.strip():
                html.append(raw)
                continue
            flush_html()
        elif _HTML_BLOCK.match(raw) and not item:
            flush_all()
            html.append(raw)
            continue
        line = raw.expandtabs(4)
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped.startswith(">") and not seen_heading:
            # An editor's note quoted above the policy (an archive notice) is not the policy.
            flush_all()
            continue
        if stripped.startswith(">"):  # a quotation inside the policy: its text counts
            line = line.replace(">", " ", 1)
            stripped = line.strip()
            if not stripped:
                flush_para()
                continue
        if stripped.startswith("|") or ((table or header) and "|" in stripped):
            flush_para()
            close_list()
            if _MD_TABLE_SEP.match(stripped):
                if len(table) == 1 and not header:
                    header = table.pop()
            else:
                table.append([_md_inline(c).strip() for c in stripped.strip("|").split("|")])
            continue
        if table or header:
            flush_table()
        if (m := _HEADING.match(line)) is not None:
            flush_all()
            seen_heading = True
            if title := _md_inline(m.group(2)).strip():  # "### " alone titles nothing
                blocks.append(heading_block(title))
            continue
        if not stripped:
            flush_para()
            blank = True
            continue
        seen_heading = True
        if len(para) == 1 and re.fullmatch(r"={2,}|-{2,}", stripped) and not item:
            # A setext heading: the line above underlined.
            title = para[0][0]
            para.clear()
            blocks.append(heading_block(_md_inline(title)))
            continue
        if re.fullmatch(r"(?:[-*_]\s*){3,}", stripped):
            flush_all()
            continue
        m = _MD_ITEM.match(line)
        lettered = (
            list_top[1].startswith("lettered") if lists.open else after_lead_in() and not para
        )
        if m is None and lettered:
            m = _MD_LETTERED.match(line)
        if m is not None and numbered_titles(_md_inline(stripped)):
            close_list()  # "1. WHO WE ARE 2. WHAT WE COLLECT ...": a paragraph, dropped later
            m = None
        if m is not None:
            flush_para()
            flush_item()
            marker, rest = m.group(2), m.group(3)
            if not lists.open and marker[0].isdigit() and caps_title(_md_inline(rest)):
                # "1. WHO WE ARE" alone: a numbered section title, not a list
                blocks.append(heading_block(_md_inline(rest)))
                continue
            if marker[0].isdigit():
                kind = "ordered" + marker[-1]
            elif marker.endswith(")"):  # "a)", "(b)": one list whatever the letter
                kind = "lettered" + marker[0] if marker[0] == "(" else "lettered"
            else:
                kind = marker
            if lists.open and len(m.group(1)) <= list_top[0] and kind != list_top[1]:
                close_list()  # another kind of marker at the top level starts another list
            if not lists.open:
                list_start = len(blocks)
                list_top = (len(m.group(1)), kind)
            item_at = lists.place(len(m.group(1)), "")
            list_raw.append(rest)
            item.append(rest)
            blank = False
            continue
        if item and (not blank or indent >= 2):
            item.append(stripped)  # a continuation of the item, lazy or indented
            blank = False
            continue
        if lists.open:
            close_list()
        blank = False
        hard_break = raw.endswith("  ") or raw.endswith("\\")
        para.append((stripped.rstrip("\\"), hard_break))
    flush_all()
    if html:
        flush_html()
    return blocks
