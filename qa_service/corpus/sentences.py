"""Paragraphs to sentences: a full stop after an abbreviation, an initialism or a section
number does not end one."""

from __future__ import annotations

import re


def word_set(text: str) -> frozenset[str]:
    """The words of a list written as one string, for looking words up."""
    return frozenset(text.split())


# Abbreviations after which a full stop never ends a sentence.
_NEVER_END = word_set("e.g i.e mr mrs ms dr prof vs cf viz approx fig jr sr incl resp")
# Abbreviations that end a sentence only when a clear sentence opener follows: company
# suffixes, "No. 5", "St. Louis", "et seq.", months, and initialisms such as U.S.C. or a.m.
_MAY_END = word_set(
    "inc ltd co corp llc plc gmbh pvt pte etc no nos st str seq al dept est ave rd blvd ste "
    "sec art "
    "para ch vol ref tel ext fax mt ft bros govt assn univ jan feb mar apr jun jul aug "
    "sep sept oct nov dec "
    # legal citations: "Cal. Civ. Code § 1798.83", "Colo. Rev. Stat.", "Cal. Code Regs. tit. 11"
    "civ regs reg tit stat stats ann rev cal colo conn fla ga ill kan ky md mass mich minn "
    "neb nev okla ore pa tenn tex va vt wash wis wyo ariz ark del"
)
_INITIALISM = re.compile(r"(?:[a-z]\.)+[a-z]")
_OPENERS = word_set(
    "a after all also although an any are as at because before both but by can do does "
    "during each either every for from furthermore he her here his how however i if in is "
    "it its may more moreover most my neither no none not note on once only other our "
    "please see she should since so some such that the their then there these they this "
    "those thus to under unless until upon we what when where whether which while who why "
    "will with without you your"
)
_SENTENCE_END = re.compile(r"([.!?]+[\"'’”)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9$])")


def ends_sentence(before: str, stop: str, after: str) -> bool:
    """Whether the full stop (or ! ?) after `before` ends the sentence that `after` follows."""
    tokens = before.split()
    token = tokens[-1] if tokens else ""
    if not stop.startswith(".") or not token:
        return True
    if token[-1] in "\"'’”)]":  # "(15 U.S.C. 6501 et seq.)." closed its brackets first
        return True
    word = token.lower().lstrip("\"'“‘([").rstrip(".")
    word = word.rsplit("-", 1)[-1]  # "EU-U.S." ends in the initialism U.S.
    nxt = after.split(maxsplit=1)
    next_word = nxt[0].strip("\"'“‘([,;:").lower() if nxt else ""
    if word in _NEVER_END or (len(word) == 1 and word.isalpha()):
        return False
    if word in _MAY_END or _INITIALISM.fullmatch(word):
        return next_word in _OPENERS
    if word.isdigit() and len(word) <= 2:
        # "4. HOW WE SHARE": a number opening the sentence, or before a title, enumerates.
        if len(tokens) == 1:
            return False
        first = nxt[0] if nxt else ""
        if len(first) > 1 and first.isupper() and first.isalpha():
            return False
    return True


def split_sentences(paragraph: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        if not ends_sentence(paragraph[start : m.start()], m.group(1), paragraph[m.end() :]):
            continue
        sentences.append(paragraph[start : m.end()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
