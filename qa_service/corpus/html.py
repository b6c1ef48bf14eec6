"""HTML policies to blocks: the page's own headings, lists, tables and definition lists, and
the titles and paragraphs it only styles as such (a bold span, lines set apart by <br>, a table
laying out the page); scripts, navigation (a <nav>, or any element whose role is a menu or a
dialog such as a cookie banner) and in-page link lists left out; a header or footer read for
contacts only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

from qa_service.corpus.blocks import (
    BOLD_CLOSE,
    BOLD_OPEN,
    Block,
    broken_lines,
    heading_block,
    joined,
    link_text,
    plain_text,
    text_block,
)
from qa_service.corpus.sentences import word_set

# Elements a page names as menus or furniture by id or class (<div id="nav">, <ul
# class="main-menu">, <div class="site-footer">): the first are left out, the others read for
# contacts only, as <nav> and <footer> are.
_SKIP_NAMES = word_set(
    "nav navbar navigation menu menubar mainmenu submenu sidebar breadcrumb breadcrumbs "
    "skiplink skiplinks toolbar topbar search searchbox searchform banner popup modal overlay "
    "preloading preloader loader"
)
_CHROME_NAMES = word_set("header footer masthead copyright")


def _names(attributes: dict[str, str | None]) -> frozenset[str]:
    """The words of an element's id and classes: "mainNav site-footer" is main, nav, site,
    footer."""
    said = f"{attributes.get('id') or ''} {attributes.get('class') or ''}"
    return frozenset(w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", said))


_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)\b", re.I)


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


class _LayoutTables(HTMLParser):
    """Which tables (numbered in the order they open) lay out a page rather than hold data: a
    cell holding a heading, a list or another table, or a long text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.layout: set[int] = set()
        self._open: list[int] = []  # the tables open, innermost last
        self._count = 0
        self._words = 0  # words of the cell being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("table", "td", "th"):
            self._words = 0
        if tag == "table":
            if self._open:
                self.layout.add(self._open[-1])
            self._open.append(self._count)
            self._count += 1
        elif self._open and (tag in _HTMLBlocks._HEAD or tag in ("ul", "ol")):
            self.layout.add(self._open[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self._words += len(data.split())
            if self._words > _CELL_WORDS:
                self.layout.add(self._open[-1])


_CELL_WORDS = 80  # a cell longer than this is running text, not a value
_TABLE_PARTS = frozenset({"table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th"})


class _HTMLBlocks(HTMLParser):
    _SKIP = frozenset({"script", "style", "nav", "noscript", "template", "svg", "button"})
    _CHROME = frozenset({"header", "footer"})  # page furniture, unless inside the content
    _CONTENT = frozenset({"main", "article"})
    _BLOCK = frozenset(
        {"p", "div", "section", "article", "main", "aside", "address", "blockquote", "dl"}
        | {"figure", "figcaption", "pre", "body", "center", "form", "fieldset", "hr"}
    )
    _HEAD = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "summary"})
    # Any element may say what it is: <div role="navigation"> is a menu, a cookie banner is
    # role="dialog"; they are left out like <nav>.
    _SKIP_ROLES = frozenset({"navigation", "search", "menu", "menubar", "dialog", "alertdialog"})

    def __init__(self, landmarks: bool = True, layout: frozenset[int] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.landmarks = landmarks
        self._layout = layout  # the tables that lay out the page: read as if they were divs
        self._tables: list[bool] = []  # whether each open table lays out the page
        self._table_count = 0
        self._landmark: tuple[str, int] | None = None  # the skipped element's tag, and depth
        self._chrome_el: tuple[str, int] | None = None  # <div id="footer">: its tag, and depth
        self.left_out = self.kept = 0  # letters left out as menus or furniture, and others
        self.blocks: list[Block] = []
        self.title = ""
        self._skip = 0
        self._chrome = 0
        self._content = 0
        self._in_title = False
        self._buf: list[str] = []
        self._lines: list[str] = []
        self._bold = 0  # >0 while inside bold words that opened the block
        self._spans: list[bool] = []  # whether each open <span> is styled bold
        self._groups = 0
        self._lists: list[_HTMLList] = []
        self._item_texts: list[str] = []
        self._local_link = False
        self._link: tuple[str, list[str]] | None = None  # the open link's href, and its text
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
                joined(lines),
                group=self._lists[0].group,
                context=tuple(self._item_texts[:depth]),
            )
            self.blocks.append(block)
            del self._item_texts[depth:]
            self._item_texts.extend([""] * (depth - len(self._item_texts)))
            self._item_texts.append(block.text)
        elif len(lines) > 1:  # set apart by line breaks, not by elements
            self.blocks += broken_lines(lines, self._new_group)
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
        if tag == "table":  # counted wherever it is, as the first pass counted them
            self._tables.append(self._table_count in self._layout)
            self._table_count += 1
        if self._landmark is not None:
            if tag == self._landmark[0]:
                self._landmark = (tag, self._landmark[1] + 1)
            return
        attributes = dict(attrs)
        role = (attributes.get("role") or "").strip().lower()
        names = _names(attributes)
        if (
            self.landmarks
            and not self._skip
            and (
                role in self._SKIP_ROLES
                or not names.isdisjoint(_SKIP_NAMES)
                or attributes.get("aria-hidden") == "true"
            )
        ):
            self._flush()
            self._landmark = (tag, 1)
            return
        if self._chrome_el is not None and tag == self._chrome_el[0]:
            self._chrome_el = (tag, self._chrome_el[1] + 1)
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
        if self.landmarks and self._chrome_el is None and not names.isdisjoint(_CHROME_NAMES):
            self._flush()  # <div id="footer">: page furniture as much as a <footer>
            self._chrome += 1
            self._chrome_el = (tag, 1)
            return
        if tag == "a":
            href = attributes.get("href") or ""
            self._local_link = "#" in href and " " not in href
            # "<a href="mailto:...">Email us</a>": the address is said only by the link.
            self._link = (href, [])
            return
        if tag == "span":  # a word processor's export sets bold words in a styled span
            self._spans.append(_BOLD_STYLE.search(attributes.get("style") or "") is not None)
            if not self._spans[-1]:
                return
        if tag in ("b", "strong", "span"):
            opening = not "".join(self._buf).strip() and not self._lines
            if opening and self._cell is None and self._caption is None:
                self._buf.append(BOLD_OPEN)
                self._bold += 1
            return
        if self._tables and self._tables[-1] and tag in _TABLE_PARTS:
            self._flush()  # a table laying out the page: its cells are blocks like any other
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
        layout = bool(self._tables) and self._tables[-1]
        if tag == "table" and self._tables:
            self._tables.pop()
        if self._landmark is not None:
            if tag == self._landmark[0]:
                depth = self._landmark[1] - 1
                self._landmark = (tag, depth) if depth else None
            return
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
        if self._chrome_el is not None and tag == self._chrome_el[0]:
            depth = self._chrome_el[1] - 1
            self._chrome_el = (tag, depth) if depth else None
            if not depth:
                self._flush()
                self._chrome = max(0, self._chrome - 1)
                return
        if tag in self._CONTENT:
            self._flush()
            self._content = max(0, self._content - 1)
            return
        if tag == "a":
            self._local_link = False
            if self._link is not None:
                (href, text), self._link = self._link, None
                said = "".join(text)
                if (shown := link_text(href, said)) != said:
                    self.handle_data(shown[len(said) :])
            return
        if tag == "span" and not (self._spans and self._spans.pop()):
            return
        if tag in ("b", "strong", "span"):
            if self._bold:
                self._buf.append(BOLD_CLOSE)
                self._bold = 0
            return
        if layout and tag in _TABLE_PARTS:
            self._flush()
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
        if self._landmark is not None or self._chrome_el is not None:
            self.left_out += len(data.strip())
        else:
            self.kept += len(data.strip())
        if self._landmark is not None:
            return
        if self._link is not None:
            self._link[1].append(data)
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


def html_blocks(text: str) -> tuple[list[Block], str]:
    tables = _LayoutTables()
    tables.feed(text)
    tables.close()
    layout = frozenset(tables.layout)
    parser = _read(text, layout, landmarks=True)
    # Never closed, it took the rest of the page with it; or what its ids, classes or roles
    # called menus and furniture was nearly all of the page: nothing is left out for them.
    if parser._landmark is not None or parser.left_out > 4 * parser.kept:
        parser = _read(text, layout, landmarks=False)
    return parser.blocks, " ".join(parser.title.split())


def _read(text: str, layout: frozenset[int], *, landmarks: bool) -> _HTMLBlocks:
    parser = _HTMLBlocks(landmarks, layout)
    parser.feed(text)
    parser.close()
    while parser._lists:
        parser.handle_endtag("ul")
    parser._emit_row()
    parser._flush()
    return parser
