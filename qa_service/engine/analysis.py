"""Text analysis: a visitor's text to words (shorthand expanded, typos corrected), and words to
index terms (function words dropped, synonyms joined, inflections stemmed)."""

from __future__ import annotations

import bisect
import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import snowballstemmer
from rapidfuzz import fuzz, process

from qa_service.engine.cache import DigestCache
from qa_service.intents import Lexicon

# English function words. Deliberately short: words such as "not", "keep", "long" and
# "call" carry meaning in privacy questions, unlike in general-purpose stop lists.
STOPWORDS = frozenset(
    """
    a about actually all also am an and any anyway are as at basically be been being but by can
    could did do does doing even ever for from get gets getting gonna got guys had has have
    having he her here hers him his how i if in into is it its itself just know like many me
    might more most much my myself of ok okay on or our ours ourselves please question really
    shall she should so some such tell than that the their theirs them then there these they
    this those through to too us very want wanted was way we were what when where which while
    who whom why will with wondering would you your yours yourself
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def fold(text: str) -> str:
    """Lower-case, compatibility-normalised, accents stripped."""
    if text.isascii():  # NFKD leaves ASCII as it is and it has no combining marks
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def split(text: str) -> list[str]:
    """The text's words: folded, apostrophes and possessives dropped, hyphens split."""
    text = fold(text).replace("\u2019", "'").replace("-", " ")
    words: list[str] = _WORD.findall(text)
    if "'" in text:
        words = [w.removesuffix("'s").replace("'", "") for w in words]
    return words


def stem(word: str) -> str:
    """The word's Snowball (Porter 2) stem, British spellings first made American:
    "retention", "retained" and "retaining" are one term, and so are "personalised" and
    "personalized". Numbers and words of three letters or fewer stay as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # a Snowball stemmer keeps state while it works: one per thread
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    for british, american in _AMERICAN:
        word = british.sub(american, word)
    return str(stemmer.stemWord(word))


_local = threading.local()
# A policy may be written in British English and a question in American, or the other way.
# Only the spelling differs: both sides of a match are respelt alike, so no word is lost.
_AMERICAN = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)$", r"iz\1"),  # organise, anonymised
        (r"(?<=[a-z]{2})ys(e|ed|es|ing)$", r"yz\1"),  # analyse
        (r"(?<=[a-z]{2}[tb])re(s|d)?$", r"er\1"),  # centre, fibre
        (r"(?<=[a-z])(vi|l|v|n|b|m)our", r"\1or"),  # behaviour, colour, favourite, honour
        (r"^(licen|defen|offen)ce", r"\1se"),
        (r"^programme", "program"),
        (r"^catalogue", "catalog"),
    )
)


def ngrams(terms: Sequence[str]) -> list[str]:
    """Unigram and bigram features of a term sequence."""
    return [*terms, *(f"{a} {b}" for a, b in itertools.pairwise(terms))]


def char_ngrams(words: Iterable[str], low: int = 3, high: int = 4) -> list[str]:
    """Character n-grams inside word boundaries, like scikit-learn's char_wb analyser."""
    out: list[str] = []
    for word in words:
        padded = f" {word} "
        for n in range(low, high + 1):
            out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return out


def sort_tokens(text: str) -> str:
    """The text's words in sorted order: what a token-sort fuzzy ratio compares."""
    return " ".join(sorted(text.split()))


@dataclass(frozen=True, slots=True)
class Query:
    """A question after analysis: what every scorer needs, computed once."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    chars: tuple[str, ...]  # character n-grams of its words that carry meaning

    @property
    def text(self) -> str:
        """The normalised words joined, for fuzzy matching."""
        return " ".join(self.words)

    @property
    def features(self) -> list[str]:
        return ngrams(self.terms)


class Analyzer:
    """Visitor text to words and terms. Built once from the lexicon and the texts whose words
    are known (the policy's and the intents'); unknown words are corrected towards those."""

    def __init__(
        self,
        shorthand: Mapping[str, str],
        synonyms: Mapping[str, str],
        known_texts: Iterable[str] = (),
        lexicon: Lexicon | None = None,
    ) -> None:
        # Expansions are split as questions are, so every word the analyser gives is [a-z0-9]+.
        self._shorthand = {k: split(v) for k, v in shorthand.items() if " " not in k}
        self._phrases = {tuple(k.split()): split(v) for k, v in shorthand.items() if " " in k}
        self._rewritten = frozenset(self._shorthand) | {first for first, *_ in self._phrases}
        self._synonyms = dict(synonyms)
        # Synonyms also apply to inflected forms: "erased" is "erase" is "delete".
        self._stem_synonyms = {stem(k): stem(v) for k, v in synonyms.items()}
        lexicon = lexicon or Lexicon()
        # Known: the texts' words, and every word the lexicon knows ("reply" is not a typo of
        # "rely" because the policy happens to say only "respond").
        lexicon_words = [
            *synonyms,
            *synonyms.values(),
            *(w for group in lexicon.related for w in group),
            *lexicon.ignore,
            *(p for kind in lexicon.question_types for p in (*kind.asks, *kind.says)),
        ]
        self.known = frozenset(
            w for text in itertools.chain(known_texts, lexicon_words) for w in self.raw_words(text)
        )
        # The terms of the known words, computed once (a visitor's other words each time, so
        # nothing they type is kept).
        self._terms: dict[str, str | None] = {w: self._term(w) for w in self.known}
        # Typo correction's targets by first letter (a typo rarely changes it), each sorted by
        # length with where each length starts.
        self._targets: dict[str, tuple[list[str], list[int]]] = {}
        for first in {w[0] for w in self.known}:
            words = sorted(
                sorted(w for w in self.known if w[0] == first and len(w) >= 3 and w.isalpha()),
                key=len,
            )
            if words:
                starts = [bisect.bisect_left(words, n, key=len) for n in range(len(words[-1]) + 2)]
                self._targets[first] = (words, starts)
        # Corrections of the words visitors misspell, kept under a digest of the word.
        self.correct = DigestCache(self._correct, 4096)
        # A term's related terms (the others of its groups), and the terms that say nothing.
        related: dict[str, set[str]] = {}
        for group in lexicon.related:
            terms = {t for word in group for t in self.known_terms(word)}
            for t in terms:
                related.setdefault(t, set()).update(terms - {t})
        self.related = {t: tuple(sorted(others)) for t, others in related.items()}
        self.ignored = frozenset(t for w in lexicon.ignore for t in self.known_terms(w))

    def raw_words(self, text: str) -> list[str]:
        """The text's words with shorthand expanded ("u" is "you", "opt out" "unsubscribe")."""
        words = split(text)
        if self._rewritten.isdisjoint(words):
            return words
        out: list[str] = []
        i = 0
        while i < len(words):
            pair = tuple(words[i : i + 2])
            if len(pair) == 2 and pair in self._phrases:
                out += self._phrases[pair]
                i += 2
                continue
            out += self._shorthand.get(words[i], [words[i]])
            i += 1
        return out

    def _correct(self, word: str) -> str | None:
        """The known word closest to an unknown one, if one is close enough (the first of the
        vocabulary's order among equals). Only words starting with the same letter, as long or
        a little longer, are candidates: a visitor who types "asked", "kind" or "read" means
        them, not "based", "kid" or "bread"; a typo mostly drops or swaps letters ("adress",
        "emial"). A longer word may have one letter too many."""
        if len(word) >= 6:  # a letter too many in a longer word: "emailx", "adresss"
            for i in range(1, len(word)):
                if (shorter := word[:i] + word[i + 1 :]) in self.known:
                    return shorter
        if word[0] not in self._targets:
            return None
        targets, starts = self._targets[word[0]]
        cutoff = 80 if len(word) >= 5 else 85
        # A dropped letter or two at most (one in a short word): "teach" is not "teacher".
        last = len(starts) - 1
        longest = len(word) + (1 if len(word) <= 5 else 2)
        lo, hi = starts[min(last, len(word))], starts[min(last, longest + 1)]
        found = process.extractOne(word, targets[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff)
        return found[0] if found is not None else None

    def words(self, text: str) -> list[str]:
        """Words of the text, each unknown word replaced by its closest known spelling."""
        return [
            self.correct(w) or w if w not in self.known and w.isalpha() and len(w) >= 4 else w
            for w in self.raw_words(text)
        ]

    def term(self, word: str) -> str | None:
        """The word's index term, or None for a function word."""
        known = self._terms
        return known[word] if word in known else self._term(word)

    def _term(self, word: str) -> str | None:
        if word in STOPWORDS:
            return None
        term = stem(self._synonyms.get(word, word))
        return self._stem_synonyms.get(term, term)

    def terms(self, words: Iterable[str]) -> list[str]:
        return [t for w in words if (t := self.term(w)) is not None]

    def query(self, text: str) -> Query:
        """A visitor's text, typos corrected."""
        return self.query_of(self.words(text))

    def query_of(self, words: Sequence[str]) -> Query:
        return Query(tuple(words), tuple(self.terms(words)), tuple(self.char_ngrams(words)))

    def char_ngrams(self, words: Iterable[str]) -> list[str]:
        """Character n-grams of the words that carry meaning: those of "you" and "the" would
        match nearly everything."""
        return char_ngrams(w for w in words if self.term(w) is not None)

    def known_terms(self, text: str) -> list[str]:
        """Terms of a text of the policy or intents: no typo correction."""
        return self.terms(self.raw_words(text))
