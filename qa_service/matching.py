"""Text analysis, TF-IDF retrieval and fuzzy matching: the only module that imports
scikit-learn and rapidfuzz.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import TfidfVectorizer

Floats = npt.NDArray[np.float64]

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


class Analyzer:
    """Visitor text to words (shorthand expanded, typos corrected) and to index terms."""

    def __init__(self, shorthand: dict[str, str], synonyms: dict[str, str]) -> None:
        self.shorthand = {k: v.split() for k, v in shorthand.items() if " " not in k}
        self.phrases = {tuple(k.split()): v.split() for k, v in shorthand.items() if " " in k}
        self.synonyms = synonyms
        # Synonyms also apply to inflected forms: "erased" is "erase" is "delete".
        self._stem_synonyms = {stem(k): stem(v) for k, v in synonyms.items()}
        self.vocabulary: list[str] = []
        self._known: frozenset[str] = frozenset()
        self._correct = lru_cache(maxsize=8192)(self._correct_uncached)

    def raw_words(self, text: str) -> list[str]:
        words = _WORD.findall(fold(text).replace("’", "'").replace("-", " "))
        words = [w.removesuffix("'s").replace("'", "") for w in words]
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
        self._known = frozenset(known)
        self.vocabulary = sorted(w for w in known if w.isalpha() and len(w) >= 3)
        self._correct.cache_clear()

    def _correct_uncached(self, word: str) -> str:
        cutoff = 80 if len(word) >= 5 else 85
        best = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
        return str(best[0]) if best is not None else word

    def words(self, text: str) -> list[str]:
        """Words of the text, each unknown word replaced by its closest known spelling."""
        return [
            self._correct(w)
            if w not in self._known and w.isalpha() and len(w) >= 4 and self.vocabulary
            else w
            for w in self.raw_words(text)
        ]

    def terms(self, words: Sequence[str]) -> list[str]:
        out = []
        for word in words:
            if word in STOPWORDS:
                continue
            term = stem(self.synonyms.get(word, word))
            out.append(self._stem_synonyms.get(term, term))
        return out


class TermIndex:
    """Cosine similarity between a query and documents, over TF-IDF features.

    scikit-learn fits the weights; queries are vectorised here, by the same formula
    (sublinear tf, smooth idf, l2 norm), because that is the hot path of every request.
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
        self._indptr = matrix.indptr
        self._indices = matrix.indices
        self._data = matrix.data

    def vector(self, features: Sequence[str]) -> dict[int, float]:
        counts: dict[int, int] = {}
        for f in features:
            j = self.vocabulary.get(f)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        weights = {j: (1.0 + float(np.log(c))) * float(self.idf[j]) for j, c in counts.items()}
        norm = float(np.sqrt(sum(w * w for w in weights.values())))
        return {j: w / norm for j, w in weights.items()} if norm else {}

    def scores(self, features: Sequence[str]) -> Floats:
        out = np.zeros(self.size, dtype=np.float64)
        for j, w in self.vector(features).items():
            lo, hi = self._indptr[j], self._indptr[j + 1]
            out[self._indices[lo:hi]] += self._data[lo:hi] * w
        return out


def _identity(doc: list[str]) -> list[str]:
    return doc


def fuzzy_scores(query: str, choices: Sequence[str]) -> Floats:
    """rapidfuzz similarity of the query to every choice, in [0, 1]."""
    if not choices or not query:
        return np.zeros(len(choices), dtype=np.float64)
    matrix = process.cdist([query], choices, scorer=fuzz.token_sort_ratio, dtype=np.float64)
    return np.asarray(matrix[0], dtype=np.float64) / 100.0


@dataclass(frozen=True, slots=True)
class Query:
    """A question after analysis: what every scorer needs, computed once."""

    words: tuple[str, ...]
    terms: tuple[str, ...]
    text: str  # normalised words joined, for fuzzy matching

    @property
    def features(self) -> list[str]:
        return ngrams(self.terms)
