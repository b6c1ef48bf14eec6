"""Plain-text policies to blocks: titles told from sentences by their shape, lists by their
markers ("-", "1.", "(a)", "(i)"), an address by its short lines, a table by the dashed rule
under its header, a CONTENTS block left out."""

from __future__ import annotations

import re

from qa_service.corpus.blocks import (
    BULLETS,
    Block,
    Lists,
    address_like,
    caps_title,
    heading_block,
    question_title,
    text_block,
    title_line,
)
from qa_service.corpus.structure import CONTENTS, numbered_titles, title_key

_TEXT_ITEM = re.compile(
    rf"^(?:(?P<bullet>[-*–{BULLETS}])"
    r"|(?P<o>o)(?=\s)"  # a word processor's second-level bullet, in a list only
    r"|\((?P<paren>[a-z]{1,4}|\d{1,2})\)"
    r"|(?P<close>[a-z]{1,4}|\d{1,2})\)"
    r"|(?P<dot>[a-z]|[ivx]{2,5}|\d{1,2})\.)"
    r"\s+(?P<rest>\S.*)$",
    re.I,
)
_ROMAN = re.compile(r"[ivxlc]+", re.I)
# The rule under a simple table's header row: a run of dashes over each column.
_RULE = re.compile(r"-{3,}(?:[ ]+-{3,})+")


def _cells(line: str, starts: list[int]) -> list[str]:
    """A table line cut into its columns, which start where the rule's runs of dashes do; a
    word that overruns its column into the next stays whole in its own."""
    cuts = [0]
    for start in starts[1:]:
        start = max(start, cuts[-1])
        while 0 < start < len(line) and not line[start - 1].isspace():
            start += 1
        cuts.append(min(start, len(line)))
    cells = [line[a:b] for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True)]
    return [" ".join(cell.split()) for cell in cells]


def _marker_kind(m: re.Match[str], alpha_open: str) -> str:
    """The marker style and counter kind: "(a)" and "(i)" are different lists."""
    for style in ("bullet", "o", "paren", "close", "dot"):
        token = m.group(style)
        if token is None:
            continue
        if style in ("bullet", "o"):
            return style
        if token.isdigit():
            return f"{style}-num"
        # "(i)" right after "(h)" is the ninth letter, otherwise a roman numeral.
        if _ROMAN.fullmatch(token) and not (len(token) == 1 and alpha_open == "h"):
            return f"{style}-roman"
        return f"{style}-alpha"
    return ""


def text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    groups = iter(range(1, 1_000_000))
    lists = Lists(lambda: next(groups))
    para: list[str] = []
    item: list[str] = []
    item_at: tuple[int, tuple[str, ...]] = (0, ())
    item_indent = 0
    last_letter = ""  # the latest "(a)"-style marker, to tell "(i)" after "(h)" from roman i
    lead_in = False  # the text just read ends with ":", so numbered lines after it are items

    def flush_para() -> None:
        nonlocal lead_in
        if not para:
            return
        # Trailing short lines after a sentence (an address under "write to us:") stay lines.
        cut = len(para)
        while cut > 0 and len(para[cut - 1]) <= 50:
            cut -= 1
        if cut > 0 and not re.search(r"[.!?:]$", para[cut - 1]):
            cut = len(para)
        body, tail = para[:cut], para[cut:]
        if not address_like(tail):
            body, tail = para[:], []
        if body and address_like(body) and not tail:
            body, tail = [], body
        if body:
            blocks.append(text_block("paragraph", " ".join(body)))
        if tail:
            blocks.append(Block("lines", ", ".join(tail), tuple(tail)))
        lead_in = bool(body) and not tail and body[-1].endswith(":")
        para.clear()

    def flush_item() -> None:
        nonlocal lead_in
        if not item:
            return
        block = Block("item", " ".join(item), group=lists.group, context=item_at[1])
        blocks.append(block)
        lists.record(item_at[0], block.text)
        lead_in = block.text.endswith(":")
        item.clear()

    def close_list() -> None:
        nonlocal last_letter
        flush_item()
        lists.close()
        last_letter = ""

    raw_lines = [raw.expandtabs(4) for raw in text.splitlines()]
    blank = True
    contents: set[str] | None = None  # the titles listed so far under a "CONTENTS" heading
    # The table being read: where its columns start, its header row's context and its group.
    table: tuple[list[int], tuple[str, ...], int] | None = None
    for i, line in enumerate(raw_lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            flush_para()
            blank = True
            table = None
            continue
        nxt = raw_lines[i + 1].strip() if i + 1 < len(raw_lines) else ""
        if table is None and _RULE.fullmatch(nxt):
            flush_para()
            close_list()
            starts = [m.start() for m in re.finditer("-+", raw_lines[i + 1])]
            header = " — ".join(c for c in _cells(line, starts) if c)
            table = (starts, (header,) if header else (), next(groups))
            continue
        if table is not None:
            if not _RULE.fullmatch(stripped):  # the rule under the header, or closing it
                cells = [c for c in _cells(line, table[0]) if c]
                blocks.append(Block("row", " — ".join(cells), group=table[2], context=table[1]))
            continue
        if contents is not None:
            # A "CONTENTS" block: title lines until one comes again as the real section title
            # (same words or same number), or a title with text under it.
            number = re.match(r"(\d{1,2})[.)]\s", stripped)
            key = number.group(1) if number else title_key(stripped)
            titled = title_line(stripped) or caps_title(stripped)
            body_next = bool(nxt) and not (title_line(nxt) or caps_title(nxt))
            if titled and key not in contents and not body_next:
                contents.add(key)
                continue
            contents = None
        if numbered_titles(stripped):
            close_list()
            para.append(stripped)  # "1. WHO WE ARE 2. WHAT WE COLLECT ...", dropped later
            blank = False
            continue
        m = _TEXT_ITEM.match(stripped)
        dotted = m is not None and m.group("dot") is not None
        in_list = lists.open or lead_in or bool(para and para[-1].endswith(":"))
        if m is not None and m.group("o") is not None and not in_list:
            m = None  # "o" opens no list: a sentence may begin with it
        if m is not None and not (dotted and caps_title(stripped)) and (not dotted or in_list):
            flush_para()
            flush_item()
            kind = _marker_kind(m, last_letter)
            if kind.endswith("alpha"):
                last_letter = (m.group("paren") or m.group("close") or m.group("dot")).lower()
            item_at = lists.place(indent, kind, nest=lead_in)
            item_indent = indent
            item.append(m.group("rest"))
            blank = False
            continue
        # A title stands alone: the next line does not carry on its sentence.
        alone = not nxt or not (nxt[0].islower() or (nxt.isupper() and len(nxt) > 50))
        starts_title = blank and alone and (title_line(stripped) or question_title(stripped))
        if (caps_title(stripped) and (dotted or (blank and alone))) or starts_title:
            flush_para()
            close_list()
            blocks.append(heading_block(stripped))
            if CONTENTS.fullmatch(title_key(stripped.rstrip(":"))):
                contents = set()
            lead_in = False
            blank = False
            continue
        if m is not None:  # "1. We collect your name." outside any list
            flush_para()
            flush_item()
            item_at = lists.place(indent, _marker_kind(m, last_letter))
            item_indent = indent
            item.append(m.group("rest"))
            blank = False
            continue
        if item and (not blank or indent > item_indent):
            item.append(stripped)  # a wrapped item line
            blank = False
            continue
        if lists.open:
            close_list()
        para.append(stripped)
        lead_in = False  # the paragraph being read decides whether a list follows it
        blank = False
    flush_para()
    close_list()
    return blocks
