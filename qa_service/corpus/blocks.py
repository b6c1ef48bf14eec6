"""Blocks, what every format's reader turns a policy into (headings, paragraphs, list items,
table rows), and the heading and list machinery the readers share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from qa_service.corpus.details import has_detail
from qa_service.corpus.sentences import ends_sentence, word_set

# heading: a section title; paragraph: sentences; lines: an address or similar, one clause;
# item: one list item, its sentences read under the list's lead-in; row: one table row, one
# clause; meta: page furniture (an HTML header or footer) read for contacts only.
_Kind = Literal["heading", "paragraph", "lines", "item", "row", "meta"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: _Kind
    text: str
    lines: tuple[str, ...] = ()
    label: str = ""  # a run-in heading: "**Health information.** We collect ..."
    label_in_text: bool = False  # the label also starts the first sentence ("**EU:** you may")
    group: int = 0  # the list (nested lists included) or table the block belongs to
    context: tuple[str, ...] = ()  # items: the parent items' texts; rows: caption, header row
    raw: str = ""  # headings: the title before its case was quietened


# Bullets of word processors and PDFs, which policies pasted into text or Markdown keep.
BULLETS = "•·▪◦‣●○■□◆◇►▶➢➤✓✔❖"
BOLD_OPEN, BOLD_CLOSE = "\x01", "\x02"  # where a block's opening bold words start and end


def plain_text(text: str) -> str:
    """The text without the bold markers, its spaces collapsed."""
    return " ".join(text.replace(BOLD_OPEN, "").replace(BOLD_CLOSE, "").split())


_NUMBERING = re.compile(
    r"^(?:(?:section|article|part|chapter)\s+(?:\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,6})\b[.:)]?"
    r"|\d{1,2}(?:\.\d{1,2})*[.:)]?|[IVXLC]{1,6}[.:)]|[ivx]{1,6}[.)]|[A-Za-z][.)])"
    r"\s*[-–—:]?\s+(?=\S)",
    re.I,
)
_KEEP_UPPER = word_set(
    "LLC LLP PLC GMBH USA UK EU EEA US FAQ FAQS GDPR CCPA CPRA COPPA FERPA HIPAA PIPEDA "
    "LGPD VPPA GLBA ID IDS IP SMS API APIS DPO AI TV SDK SDKS URL URLS GPS IDFA AAID DNT "
    "GPC PII PHI SSN ATM PIN NFC HR CEO"
)
_SUFFIX_CASE = {"INC": "Inc", "LTD": "Ltd", "CORP": "Corp", "CO": "Co", "LIMITED": "Limited"}
# Proper nouns an all-capitals privacy heading is likely to hold ("YOUR CALIFORNIA RIGHTS").
_PROPER = word_set(
    "california nevada virginia colorado connecticut utah texas oregon florida washington "
    "europe european union canada canadian brazil australia japan switzerland swiss "
    "united states kingdom america american ireland england wales scotland apple google "
    "android ios i"
)
# Small words inside a company's name ("Bank of Ireland"); the owner finder reads names
# with them too.
NAME_GLUE = frozenset({"&", "and", "of", "de", "du", "von", "van", "the", "for"})


def _quieter(heading: str) -> str:
    """An all-capitals heading in sentence case, keeping abbreviations such as LLC.

    A company name before its suffix keeps its capitals: "ACME ROCKETS LLC PRIVACY POLICY" is
    "Acme Rockets LLC privacy policy".
    """
    if not heading.isupper():
        return heading
    raw = heading.split()
    cores = [w.strip(".,:;()'\"’") for w in raw]
    named = 0  # words up to and including the company suffix
    for i, core in enumerate(cores):
        if core in _SUFFIX_CASE or core in {"LLC", "LLP", "PLC", "GMBH"}:
            named = i + 1
    words: list[str] = []
    for i, (w, core) in enumerate(zip(raw, cores, strict=True)):
        after = cores[i + 1] if i + 1 < len(cores) else ""
        before = cores[i - 1].lower() if i else ""
        # "US RESIDENTS" is the country, "CONTACT US" is us.
        us = core == "US" and bool(after) and before not in {"contact", "about", "to", "with"}
        kept = (core in _KEEP_UPPER and core != "US") or us
        if kept or "." in core or any(ch.isdigit() for ch in core):
            words.append(w)
        elif core in _SUFFIX_CASE:
            words.append(w.replace(core, _SUFFIX_CASE[core]))
        elif core.lower() in _PROPER or (i < named and core.lower() not in NAME_GLUE):
            words.append(w.lower().replace(core.lower(), core.capitalize()))
        else:
            words.append(w.lower())
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def unnumbered(title: str) -> str:
    """A title without its section number ("4. HOW WE SHARE" -> "HOW WE SHARE")."""
    stripped = _NUMBERING.sub("", title.strip(), count=1)
    # A bare "1." or "A." stays as it is: there is no title left to keep.
    return stripped if re.search(r"[^\W\d_]", stripped) else title.strip()


def heading_block(raw: str) -> Block:
    """A heading: its number, a closing colon or full stop dropped; all capitals quietened."""
    title = unnumbered(plain_text(raw)).rstrip(":").rstrip()
    if title.endswith(".") and ends_sentence(title[:-1], ".", ""):  # but "... Ltd." keeps it
        title = title[:-1].rstrip()
    return Block("heading", _quieter(title), raw=title)


def caps_title(line: str) -> bool:
    """An all-capitals title such as "HOW WE SHARE YOUR INFORMATION" (number dropped)."""
    rest = unnumbered(line)
    letters = [ch for ch in rest if ch.isalpha()]
    return (
        len(letters) >= 3
        and rest.isupper()
        and len(rest.split()) <= 12
        and not re.search(r"[.,;!]$", rest)
        and not has_detail(rest)
    )


def _run_in(label: str, rest: str) -> tuple[str, str, bool] | None:
    """(label, text, label also in text) when bold words open a paragraph as a heading.

    "**Health information.** We collect ..." has a run-in heading; "**Account Data** is
    information ..." is a sentence that happens to start in bold.
    """
    label, rest = " ".join(label.split()), " ".join(rest.split())
    if not label or not rest:
        return None
    if rest[0] in ".:—–-" and (rest[0] != "-" or rest[:2] == "- "):
        label += rest[0] if rest[0] in ".:" else ""
        rest = rest.lstrip(".:—–- ")
    elif not re.search(r"[.:?!]$", label):
        return None
    if not rest:
        return None
    short = label.rstrip(".: ")
    if rest[0].islower() or (_is_sentence(short) and not label.endswith("?")):
        # "**We do not sell your data.** That is the short version.": a sentence set in bold
        # is text too.
        return short, f"{label} {rest}", True
    return short, rest, False


_SENTENCE_WORDS = word_set(
    "we you our us is are was were do does did will may can cannot not never must shall would "
    "should it they this these has have"
)


def _is_sentence(label: str) -> bool:
    """Whether bold words opening a paragraph say something rather than name it: "We do not
    sell your data" says, "Health information" names (and so does a FAQ's question)."""
    words = label.lower().split()
    return len(words) >= 4 and not _SENTENCE_WORDS.isdisjoint(words)


def _bold_heading(label: str) -> bool:
    """A paragraph that is nothing but a few bold words reads as a sub-heading ("VI.
    Children under 13", "c. Analytic Tools.")."""
    rest = unnumbered(label)
    words = rest.split()
    return (
        0 < len(words) <= 12
        and not re.search(r"[.!?]\s", rest)  # one sentence at most
        and not re.search(r"[,;:!]$", rest)
        and (not rest.endswith(".") or len(words) <= 6)
        and bool(re.search(r"[^\W\d_]", rest))
        and not has_detail(rest)
    )


# "3.1 On-Device and Cloud Processing. Basic adjustments are made ...": a numbered title that
# opens its paragraph, as lawyers write sub-sections in plain text.
_NUMBERED_RUN_IN = re.compile(
    r"^(\d{1,2}(?:\.\d{1,2})*\.?[ ]+[A-Z][^.!?:;,]{0,80}?)(?<!\d)[.:][ ]+(?=[A-Z])"
)
_TITLE_GLUE = NAME_GLUE | {"a", "an", "to", "in", "on", "or", "with", "by", "your", "our", "we"}


def _numbered_run_in(text: str) -> tuple[str, str] | None:
    """(title, text) when a numbered title in title case opens the paragraph."""
    m = _NUMBERED_RUN_IN.match(text)
    if m is None:
        return None
    words = m.group(1).split()[1:]
    if not 0 < len(words) <= 10 or not _title_cased(words):
        return None
    return m.group(1), text[m.end() :]


def _title_cased(words: list[str]) -> bool:
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _TITLE_GLUE for w in words)


def title_line(line: str) -> bool:
    """A short line with no sentence ending and no contact detail, as plain-text policies
    title their sections."""
    rest = unnumbered(line)
    words = rest.split()
    return (
        0 < len(words) <= 10
        and len(rest) <= 70
        and not re.search(r"[.!?,;:]$", rest)
        and rest[0].isupper()
        and not has_detail(rest)
    )


def title_shaped(text: str) -> bool:
    """A title line in title case or capitals: "Information We Collect" set as a paragraph
    of its own is a section title."""
    rest = unnumbered(text)
    words = rest.split()
    return (
        title_line(text)
        and (
            bool(re.search(r"[^\W\d_]{4,}", rest))  # a word, not "A." or "No"
            or (rest.isupper() and len(words) > 1)  # "OPT OUT"
        )
        and (rest.isupper() or _title_cased(words))
    )


def question_title(line: str) -> bool:
    """A short question standing alone, as FAQ-style policies title their sections ("What
    information do we collect?")."""
    rest = unnumbered(line)
    return (
        rest.endswith("?")
        and len(rest.split()) <= 12
        and rest[0].isupper()
        and not re.search(r"[.!?;:]\s", rest)  # one sentence
    )


def numbered_title(line: str) -> bool:
    """A few words after a section number, with no sentence ending: "1.1 Required data"."""
    rest = unnumbered(line)
    return (
        rest != line.strip()
        and line.lstrip()[:1].isdigit()
        and 0 < len(rest.split()) <= 8
        and not re.search(r"[.,;:!?]$", rest)
    )


def link_text(href: str, text: str) -> str:
    """A link's text; a mailto: or tel: link's with its address or number when the text
    does not say it ("Email our privacy team (privacy@...)"): for a visitor, the detail is
    what counts."""
    scheme, _, target = href.strip().partition(":")
    target = target.split("?")[0].strip()
    if scheme.lower() not in ("mailto", "tel") or not target:
        return text
    if "@" in target:
        said = target.lower() in text.lower()
    else:
        said = [ch for ch in target if ch.isdigit()] == [ch for ch in text if ch.isdigit()]
    return text if said else f"{text} ({target})"


def address_like(lines: list[str]) -> bool:
    """Short lines mostly without full stops: an address or a contact card."""
    ended = sum(1 for line in lines if re.search(r"[.!?]$", line))
    return len(lines) > 1 and all(len(line) <= 50 for line in lines) and ended * 2 < len(lines)


def joined(lines: Iterable[str]) -> str:
    """Lines of one clause as one text: a comma where a line ends without punctuation."""
    out = ""
    for line in lines:
        if out:
            out += " " if re.search(r"[.,;:!?]$", out) else ", "
        out += line
    return out


_LINE_ITEM = re.compile(rf"^\s*(?:[-*–{BULLETS}]|\d{{1,2}}[.)]|\([a-z]{{1,4}}\))\s+(?=\S)")


def broken_lines(
    lines: list[str], new_group: Callable[[], int], *, listing: bool = False
) -> list[Block]:
    """Lines broken by hand (<br>, a Markdown hard break): an address stays one clause; else
    each line is a paragraph (joined to the next when a sentence runs on into it), a list
    item when it opens with a dash or a bullet or is a short line under a lead-in ("the
    following information:" then "User name", "Email"), or a title when shaped like one
    and followed by text. `listing`: the paragraph before was a lead-in."""
    plain = [plain_text(line) for line in lines]
    # An address or a contact card has a number or a contact detail; "User name", "Email"
    # under a lead-in is a list.
    said = any(re.search(r"\d", line) or has_detail(line) for line in plain)
    if address_like(plain) and said and not any(_LINE_ITEM.match(line) for line in plain):
        return [Block("lines", joined(plain), tuple(plain))]
    out: list[Block] = []
    group = 0
    for n, (line, text) in enumerate(zip(lines, plain, strict=True)):
        previous = out[-1] if out else None
        if previous is not None:
            listing = previous.kind == "item" or (
                previous.kind == "paragraph" and previous.text.endswith(":")
            )
        following = plain[n + 1] if n + 1 < len(plain) else ""
        if (
            previous is not None
            and previous.kind == "paragraph"
            and text[:1].islower()
            and not re.search(r"[.!?:;]$", previous.text)
        ):
            out[-1] = text_block("paragraph", f"{previous.text} {text}")  # a sentence runs on
        elif (m := _LINE_ITEM.match(text)) is not None or (
            listing and len(text.split()) <= 12 and not re.search(r"[.!?]$", text)
        ):
            group = group or new_group()
            out.append(Block("item", text[m.end() :] if m else text, group=group))
            continue
        elif (title_shaped(text) or numbered_title(text)) and sentence_like(following):
            out.append(heading_block(text))
        else:
            out.append(text_block("paragraph", line))
        group = 0
    return out


def sentence_like(text: str) -> bool:
    """Text a title could stand over: a sentence, a lead-in, or more than a few words."""
    return len(text.split()) > 6 or re.search(r"[.!?:]$", text) is not None


def text_block(
    kind: Literal["paragraph", "item"],
    text: str,
    *,
    group: int = 0,
    context: tuple[str, ...] = (),
) -> Block:
    """A paragraph or list item, with a run-in heading split off when there is one."""
    m = re.match(f"^{BOLD_OPEN}(.*?){BOLD_CLOSE}(.*)$", text, re.S)
    if m is not None:
        label, rest = plain_text(m.group(1)), plain_text(m.group(2))
        if not rest and kind == "paragraph" and _bold_heading(label):
            return heading_block(label)
        if (split := _run_in(label, rest)) is not None:
            short, body, in_text = split
            return Block(
                kind, body, label=short, label_in_text=in_text, group=group, context=context
            )
    plain = plain_text(text)
    if (run_in := _numbered_run_in(plain)) is not None:
        return Block(kind, run_in[1], label=run_in[0], group=group, context=context)
    return Block(kind, plain, group=group, context=context)


class Lists:
    """The list items open at each level, so that nested items know their parents."""

    def __init__(self, new_group: Callable[[], int]) -> None:
        self._new_group = new_group
        self.group = 0
        self._levels: list[tuple[int, str]] = []  # (indent, marker kind) of each level
        self._texts: list[str] = []  # the latest item's text at each level

    @property
    def open(self) -> bool:
        return bool(self._levels)

    def close(self) -> None:
        self.group = 0
        self._levels.clear()
        self._texts.clear()

    def place(self, indent: int, kind: str, nest: bool = False) -> tuple[int, tuple[str, ...]]:
        """The depth of a new item and its parents' texts.

        Deeper indentation nests; in plain text a new kind of marker ("(a)" under "1.") nests
        too, and going back to a kind already open returns to its level.
        """
        levels = self._levels
        if not levels:
            self.group = self._new_group()
            levels.append((indent, kind))
            return 0, ()
        for depth in range(len(levels) - 1, -1, -1):
            at, k = levels[depth]
            if at == indent and (k == kind or not kind):
                del levels[depth + 1 :]
                return depth, tuple(self._texts[:depth])
        if indent > levels[-1][0] or (nest and kind and indent >= levels[-1][0]):
            levels.append((indent, kind))
        else:
            while len(levels) > 1 and levels[-1][0] > indent:
                levels.pop()
            levels[-1] = (indent, kind)
        depth = len(levels) - 1
        return depth, tuple(self._texts[:depth])

    def record(self, depth: int, text: str) -> None:
        del self._texts[depth:]
        self._texts.extend([""] * (depth - len(self._texts)))
        self._texts.append(text)
