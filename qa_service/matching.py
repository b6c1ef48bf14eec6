"""Text analysis, TF-IDF retrieval and fuzzy matching: the only module that imports
scikit-learn and rapidfuzz.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import TfidfVectorizer

from qa_service import kernels

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

# English function words. Deliberately short: words such as "not", "keep", "long" and
# "call" carry meaning in privacy questions, unlike in general-purpose stop lists.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "might",
        "more",
        "most",
        "my",
        "myself",
        "of",
        "on",
        "or",
        "our",
        "ours",
        "ourselves",
        "please",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "us",
        "very",
        "was",
        "way",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "guys",
        "okay",
        "ok",
        "just",
        "really",
        "actually",
        "anyway",
        "basically",
        "like",
        "know",
        "want",
        "wondering",
        "tell",
        "wanted",
        "question",
        "get",
        "got",
        "gonna",
    ]
)

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def stem(word: str) -> str:
    """A light suffix-stripping stemmer: enough to join plural, -ing and -ed forms."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "i"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouslz":
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    return word


def fold(text: str) -> str:
    """Lower-case, compatibility-normalised, accents stripped."""
    if text.isascii():  # NFKD leaves ASCII as it is and it has no combining marks
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def ngrams(terms: Sequence[str]) -> list[str]:
    """Unigram and bigram features of a term sequence."""
    return [*terms, *(f"{a} {b}" for a, b in itertools.pairwise(terms))]


def char_ngrams(words: Sequence[str], low: int = 3, high: int = 4) -> list[str]:
    """Character n-grams inside word boundaries, like scikit-learn's char_wb analyser."""
    out: list[str] = []
    for word in words:
        padded = f" {word} "
        for n in range(low, high + 1):
            out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return out


V = TypeVar("V")


class DigestCache(Generic[V]):
    """A bounded LRU keyed by a digest of what a visitor typed, never the text itself, so a
    cache of questions or words holds no email, phone or card number in the clear.

    Safe to share between the event loop and the thread that matches long questions: the
    lock covers the bookkeeping, not the computing."""

    def __init__(self, compute: Callable[[str], V], maxsize: int) -> None:
        self.compute = compute
        self.maxsize = maxsize
        self._data: OrderedDict[bytes, V] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, text: str) -> V:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = self.compute(text)
        with self._lock:
            self._data[key] = value
            if len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def _split(text: str) -> list[str]:
    """The text's words: folded, apostrophes and possessives dropped, hyphens split."""
    text = fold(text).replace("’", "'").replace("-", " ")
    words: list[str] = _WORD.findall(text)
    if "'" in text:
        words = [w.removesuffix("'s").replace("'", "") for w in words]
    return words


class Analyzer:
    """Visitor text to words (shorthand expanded, typos corrected) and to index terms."""

    def __init__(self, shorthand: dict[str, str], synonyms: dict[str, str]) -> None:
        # Expansions are split as questions are, so every word the analyser gives is [a-z0-9]+.
        self.shorthand = {k: _split(v) for k, v in shorthand.items() if " " not in k}
        self.phrases = {tuple(k.split()): _split(v) for k, v in shorthand.items() if " " in k}
        self._rewritten = frozenset(self.shorthand) | {first for first, *_ in self.phrases}
        self.synonyms = synonyms
        # Synonyms also apply to inflected forms: "erased" is "erase" is "delete".
        self._stem_synonyms = {stem(k): stem(v) for k, v in synonyms.items()}
        self.vocabulary: list[str] = []
        self._packed = pack([])
        self.known: frozenset[str] = frozenset()
        self._correct = DigestCache(self._correct_uncached, 8192)
        self._known_terms: dict[str, str | None] = {}

    def raw_words(self, text: str) -> list[str]:
        words = _split(text)
        if self._rewritten.isdisjoint(words):  # most questions: no shorthand to expand
            return words
        out: list[str] = []
        i = 0
        while i < len(words):
            pair = tuple(words[i : i + 2])
            if len(pair) == 2 and pair in self.phrases:
                out += self.phrases[pair]
                i += 2
                continue
            out += self.shorthand.get(words[i], [words[i]])
            i += 1
        return out

    def learn(self, texts: Iterable[str]) -> None:
        """Set the vocabulary typos are corrected towards."""
        known = {w for text in texts for w in self.raw_words(text)}
        self.known = frozenset(known)
        self.vocabulary = sorted(w for w in known if w.isalpha() and len(w) >= 3)
        self._packed = pack(self.vocabulary)
        self._correct.clear()
        # Terms of the policy's own words, computed once; a visitor's other words each time,
        # so nothing they typed is kept.
        self._known_terms = {w: self._term(w) for w in known}

    def _correct_uncached(self, word: str) -> str | None:
        """The known word closest to an unknown one, or None: the cache keeps only words of
        the policy and intents, never the visitor's own."""
        cutoff = 80 if len(word) >= 5 else 85
        # rapidfuzz's extractOne(scorer=fuzz.ratio, score_cutoff=cutoff), in one compiled call:
        # the first of the best, if it reaches the cutoff. Words are [a-z0-9]+, so ASCII.
        pattern = np.frombuffer(word.encode("ascii"), dtype=np.uint8)
        ratios = kernels.ratios(pattern, *self._packed, 1.0)
        best = int(np.argmax(ratios))
        return self.vocabulary[best] if ratios[best] >= cutoff else None

    def words(self, text: str) -> list[str]:
        """Words of the text, each unknown word replaced by its closest known spelling."""
        return [
            self._correct(w) or w
            if w not in self.known and w.isalpha() and len(w) >= 4 and self.vocabulary
            else w
            for w in self.raw_words(text)
        ]

    def terms(self, words: Sequence[str]) -> list[str]:
        return [t for w in words if (t := self.term(w)) is not None]

    def term(self, word: str) -> str | None:
        """The word's index term, or None for a stop word."""
        known = self._known_terms
        return known[word] if word in known else self._term(word)

    def _term(self, word: str) -> str | None:
        if word in STOPWORDS:
            return None
        term = stem(self.synonyms.get(word, word))
        return self._stem_synonyms.get(term, term)


class TermIndex:
    """Cosine similarity between a query and documents, over TF-IDF features.

    scikit-learn fits the weights; queries are vectorised here, by the same formula
    (sublinear tf, smooth idf, l2 norm), because that is the hot path of every request.
    Scores are gathered from the postings of the query's terms in a few numpy calls, adding
    the terms' contributions in the same order as a loop over them would, so the floats are
    the same to the last bit (tests/test_matching_fastpath.py checks against scikit-learn).
    """

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.vectorizer = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, lowercase=False, norm="l2"
        )
        matrix = self.vectorizer.fit_transform([list(d) for d in documents]).tocsc()
        self.size = matrix.shape[0]
        self.vocabulary: dict[str, int] = {
            str(k): int(v) for k, v in self.vectorizer.vocabulary_.items()
        }
        self.idf: Floats = np.asarray(self.vectorizer.idf_, dtype=np.float64)
        self._idf: list[float] = self.idf.tolist()
        self._indptr: npt.NDArray[np.int64] = np.asarray(matrix.indptr, dtype=np.int64)
        self._indices: npt.NDArray[np.int64] = np.asarray(matrix.indices, dtype=np.int64)
        self._data: Floats = np.asarray(matrix.data, dtype=np.float64)
        self._span: Ints = np.asarray([0, self.idf.size], dtype=np.int64)  # all its columns

    def vector(self, features: Sequence[str]) -> dict[int, float]:
        return self.weigh(self.known(count(features)))

    def known(self, counts: dict[str, int]) -> dict[int, int]:
        """Feature counts to column counts, in the features' order, unknown ones dropped."""
        vocabulary = self.vocabulary
        return {j: c for f, c in counts.items() if (j := vocabulary.get(f)) is not None}

    def columns(self, features: Sequence[str]) -> tuple[int, ...]:
        """The columns of the known features, in order, repeats kept."""
        vocabulary = self.vocabulary
        return tuple(j for f in features if (j := vocabulary.get(f)) is not None)

    def weigh(self, counts: dict[int, int]) -> dict[int, float]:
        """Column counts to the query's TF-IDF vector: sublinear tf, idf, l2 norm."""
        idf = self._idf
        if counts and max(counts.values()) < len(_TF):
            weights = {j: _TF[c] * idf[j] for j, c in counts.items()}
        else:
            weights = {j: (1.0 + float(np.log(c))) * idf[j] for j, c in counts.items()}
        norm = math.sqrt(sum([w * w for w in weights.values()]))
        return {j: w / norm for j, w in weights.items()} if norm else {}

    def scores(self, features: Sequence[str]) -> Floats:
        columns = np.asarray(self.columns(features), dtype=np.int64)
        return kernels.score_bank(
            columns, self._span, self._indptr, self._indices, self._data, self.idf, TF, self.size
        )


def count(features: Iterable[str]) -> dict[str, int]:
    """How often each feature occurs, in order of first occurrence."""
    counts: dict[str, int] = {}
    for f in features:
        counts[f] = counts.get(f, 0) + 1
    return counts


class ScoreBank:
    """Several TermIndexes scored together, in one compiled call.

    Their matrices are laid side by side (each index's columns and documents a range of
    one CSC matrix), so a question's features in every index are scored at once; each
    index's scores are the ones its own `scores` gives, bit for bit.
    """

    def __init__(self, indexes: Sequence[TermIndex]) -> None:
        self._rows = np.cumsum([0, *(i.size for i in indexes)]).tolist()
        offsets = np.cumsum([0, *(len(i.idf) for i in indexes)]).tolist()
        self._offsets: Ints = np.asarray(offsets, dtype=np.int64)
        # Each index's features to their columns in the shared matrix.
        self.vocabularies = [
            {f: j + offset for f, j in i.vocabulary.items()}
            for i, offset in zip(indexes, offsets[:-1], strict=True)
        ]
        postings = np.cumsum([0, *(i._indptr[-1] for i in indexes)]).tolist()
        self._indptr = np.concatenate(
            [i._indptr[:-1] + postings[k] for k, i in enumerate(indexes)] + [postings[-1:]]
        ).astype(np.int64)
        self._indices = np.concatenate(
            [i._indices + self._rows[k] for k, i in enumerate(indexes)]
        ).astype(np.int64)
        self._data = np.concatenate([i._data for i in indexes]).astype(np.float64)
        self._idf = np.concatenate([i.idf for i in indexes]).astype(np.float64)

    def columns(self, k: int, features: Iterable[str]) -> list[int]:
        """The shared columns of index k's known features, in order, repeats kept."""
        vocabulary = self.vocabularies[k]
        return [j for f in features if (j := vocabulary.get(f)) is not None]

    def scores(self, columns: Ints) -> list[Floats]:
        """Every index's scores, given the query's shared columns: index k's are those in
        its range, in its order of features."""
        out = kernels.score_bank(
            columns,
            self._offsets,
            self._indptr,
            self._indices,
            self._data,
            self._idf,
            TF,
            self._rows[-1],
        )
        return [out[lo:hi] for lo, hi in itertools.pairwise(self._rows)]


# Sublinear term frequency 1 + log(count) for the counts a question has, from numpy's log
# as scikit-learn uses it (the C library's log differs in the last bit for a few counts).
_TF: list[float] = [0.0, *(1.0 + float(np.log(c)) for c in range(1, 1024))]
TF: Floats = np.asarray(_TF, dtype=np.float64)


def _identity(doc: list[str]) -> list[str]:
    return doc


def fuzzy_scores(query: str, choices: Sequence[str]) -> Floats:
    """rapidfuzz similarity of the query to every choice, in [0, 1]."""
    if not choices or not query:
        return np.zeros(len(choices), dtype=np.float64)
    matrix = process.cdist([query], choices, scorer=fuzz.token_sort_ratio, dtype=np.float64)
    return np.asarray(matrix[0], dtype=np.float64) / 100.0


def sort_tokens(text: str) -> str:
    """The text's words in sorted order: what token_sort_ratio compares."""
    return " ".join(sorted(text.split()))


def pack(choices: Sequence[str]) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
    """Strings as `kernels.ratios` takes them: one byte string and where each one starts."""
    data = "".join(choices).encode("ascii", "replace")
    starts = np.cumsum([0, *map(len, choices)], dtype=np.int64)
    return np.frombuffer(data, dtype=np.uint8), starts


class FuzzyIndex:
    """fuzzy_scores against fixed choices, with the choices' tokens sorted once.

    token_sort_ratio is ratio over sorted tokens; sorting the choices ahead leaves only the
    query to sort per call. The analyser's words are ASCII, so the choices are kept as one
    byte string and scored in one compiled call, not converted for rapidfuzz on every
    question; the scores are rapidfuzz's (tests/test_matching_fastpath.py).
    """

    def __init__(self, choices: Sequence[str]) -> None:
        self.choices = list(choices)
        # Examples that sort to the same tokens are scored once.
        unique: dict[str, int] = {}
        self.choice_of = np.asarray(
            [unique.setdefault(sort_tokens(c), len(unique)) for c in self.choices],
            dtype=np.int64,
        )
        self._sorted = list(unique)
        self._ascii = all(c.isascii() for c in self._sorted)
        self.packed = pack(self._sorted)

    def scores(self, query: str) -> Floats:
        if not self.choices or not query:
            return np.zeros(len(self.choices), dtype=np.float64)
        text = sort_tokens(query)
        if self._ascii and text.isascii():
            pattern = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
            return np.asarray(kernels.ratios(pattern, *self.packed, 100.0)[self.choice_of])
        matrix = process.cdist([text], self._sorted, scorer=fuzz.ratio, dtype=np.float64)
        return np.asarray(matrix[0][self.choice_of], dtype=np.float64) / 100.0


@dataclass(frozen=True, slots=True)
class Query:
    """A question after analysis: what every scorer needs, computed once."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    text: str  # normalised words joined, for fuzzy matching

    @property
    def features(self) -> list[str]:
        return ngrams(self.terms)


def top(scores: Floats, k: int) -> npt.NDArray[np.intp]:
    """The indices of the k highest scores, best first, ties in index order.

    The same as `np.argsort(-scores, kind="stable")[:k]`, without sorting every score
    when there are thousands of clauses.
    """
    n = scores.size
    if n <= max(64, 4 * k):
        return np.argsort(-scores, kind="stable")[:k]
    kth = np.partition(scores, n - k)[n - k]
    candidates = np.flatnonzero(scores >= kth)
    return candidates[np.argsort(-scores[candidates], kind="stable")][:k]
