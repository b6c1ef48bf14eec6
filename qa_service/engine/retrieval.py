"""Indexes a question is scored against: TF-IDF cosine and BM25 (sparse matrices, scipy) and
fuzzy ratios (rapidfuzz). The only module that uses either library.

TF-IDF is scikit-learn's formula (`TfidfVectorizer(sublinear_tf=True)`: smooth idf, l2 norm),
computed here rather than by importing scikit-learn, whose import alone would double a
serving process's memory; a test checks the weights against scikit-learn's."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from scipy import sparse

from qa_service.corpus import ANSWERING, Clause, holds
from qa_service.engine.analysis import Analyzer, Query, ngrams, sort_tokens
from qa_service.engine.tuning import Tuning
from qa_service.intents import QuestionType

Floats = npt.NDArray[np.float64]

RERANK = 10  # how many of the best clauses coverage re-ranks


Weighed = tuple[npt.NDArray[np.intp], Floats]  # a query's columns in an index, and weights
NOTHING: Weighed = (np.zeros(0, dtype=np.intp), np.zeros(0))


class Postings:
    """Matrices of the same rows side by side, stored by columns for scoring a query: a
    query's scores are its columns' values weighed and summed per row, gathered in a few
    numpy calls, for every matrix at once."""

    def __init__(self, *matrices: sparse.csc_matrix) -> None:
        matrix = sparse.csc_matrix(sparse.hstack(matrices, format="csc"))
        self.size = int(matrix.shape[0])
        self._offsets = np.cumsum([0, *(m.shape[1] for m in matrices)]).tolist()
        self._starts = matrix.indptr[:-1].astype(np.intp)
        self._lengths = np.diff(matrix.indptr).astype(np.intp)
        self._rows = matrix.indices.astype(np.intp)
        self._values = matrix.data.astype(np.float64)

    def gather(self, *queries: Weighed) -> Floats:
        """The weighed sums of each row's values in the queries' columns, the k-th query's
        columns being those of the k-th matrix."""
        columns = np.concatenate([c + o for (c, _), o in zip(queries, self._offsets, strict=False)])
        weights = np.concatenate([w for _, w in queries])
        starts, lengths = self._starts[columns], self._lengths[columns]
        runs = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        at = runs + np.arange(runs.size)
        values = self._values[at] * np.repeat(weights, lengths)
        return np.bincount(self._rows[at], weights=values, minlength=self.size).astype(np.float64)


def _counts(
    documents: Sequence[Sequence[str]],
) -> tuple[dict[str, int], npt.NDArray[np.intp], npt.NDArray[np.intp], Floats]:
    """The documents' vocabulary (term -> column) and, for each term of each document, its
    row, column and count."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    counts: list[int] = []
    for n, document in enumerate(documents):
        for term, c in Counter(document).items():
            rows.append(n)
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
            counts.append(c)
    return (
        vocabulary,
        np.asarray(rows, dtype=np.intp),
        np.asarray(columns, dtype=np.intp),
        np.asarray(counts, dtype=np.float64),
    )


class TermIndex:
    """Cosine similarity between a query and documents over TF-IDF features (sublinear tf,
    smooth idf, l2 norm); a query is weighed by the same formula, its features mapped to
    columns by a dict."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.size = len(documents)
        self.vocabulary, rows, columns, counts = _counts(documents)
        found = np.bincount(columns, minlength=len(self.vocabulary))
        self.idf: Floats = np.log((1.0 + self.size) / (1.0 + found)) + 1.0
        values = (1.0 + np.log(counts)) * self.idf[columns]
        values /= np.sqrt(np.bincount(rows, weights=values * values, minlength=self.size))[rows]
        shape = (self.size, len(self.vocabulary))
        self.matrix = sparse.csc_matrix((values, (rows, columns)), shape=shape)
        self._postings = Postings(self.matrix)

    def weigh(self, features: Sequence[str]) -> Weighed:
        """The query's columns and its TF-IDF vector's weights in them."""
        vocabulary = self.vocabulary
        known = Counter(j for f in features if (j := vocabulary.get(f)) is not None)
        if not known:
            return NOTHING
        columns = np.fromiter(known.keys(), dtype=np.intp, count=len(known))
        counts = np.fromiter(known.values(), dtype=np.float64, count=len(known))
        query = (1.0 + np.log(counts)) * self.idf[columns]
        return columns, query / np.sqrt(query @ query)

    def scores(self, features: Sequence[str]) -> Floats:
        return self._postings.gather(self.weigh(features))


class FuzzyIndex:
    """rapidfuzz's token-sort ratio of a query to fixed choices, in [0, 1]; the choices'
    tokens are sorted once, so only the query is sorted per call."""

    def __init__(self, choices: Sequence[str]) -> None:
        self.size = len(choices)
        self._sorted = [sort_tokens(c) for c in choices]

    def scores(self, query: str) -> Floats:
        if not self._sorted or not query:
            return np.zeros(self.size)
        matrix = process.cdist(
            [sort_tokens(query)], self._sorted, scorer=fuzz.ratio, dtype=np.float64
        )
        return np.asarray(matrix[0], dtype=np.float64) / 100.0


def top(scores: Floats, k: int) -> npt.NDArray[np.intp]:
    """The indices of the k highest scores, best first, ties in index order."""
    if scores.size > 4 * k:  # thousands of clauses: sort only the candidates
        kth = np.partition(scores, scores.size - k)[scores.size - k]
        candidates = np.flatnonzero(scores >= kth)
        return candidates[np.argsort(-scores[candidates], kind="stable")][:k]
    return np.argsort(-scores, kind="stable")[:k]


class BM25Index:
    """Okapi BM25 scores of a query's terms against documents (Robertson's idf, floored at
    0 so a term in most documents never counts against one). Each term's contribution to
    each document is computed once, when the index is built."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75):
        self.size = len(documents)
        self.vocabulary, at, cols, tf = _counts(documents)
        found = np.bincount(cols, minlength=len(self.vocabulary))
        idf = np.maximum(0.0, np.log((self.size - found + 0.5) / (found + 0.5) + 1.0))
        self.idf = dict(zip(self.vocabulary, idf.tolist(), strict=True))
        self.median_idf = float(np.median(idf)) if idf.size else 1.0
        lengths = np.asarray([len(d) for d in documents], dtype=np.float64)
        average = float(lengths.mean()) if self.size and lengths.any() else 1.0
        norm = k1 * (1.0 - b + b * lengths / average)
        contribution = idf[cols] * tf * (k1 + 1.0) / (tf + norm[at])
        shape = (self.size, len(self.vocabulary))
        self.matrix = sparse.csc_matrix((contribution, (at, cols)), shape=shape)
        self._postings = Postings(self.matrix)

    def weigh(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> Weighed:
        """The terms' columns and weights (1 if none is given); a term said twice counts
        twice."""
        vocabulary = self.vocabulary
        pairs = [
            (j, w)
            for term, w in zip(terms, weights or [1.0] * len(terms), strict=True)
            if (j := vocabulary.get(term)) is not None
        ]
        if not pairs:
            return NOTHING
        return np.asarray([j for j, _ in pairs], dtype=np.intp), np.asarray([w for _, w in pairs])

    def scores(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> Floats:
        """Each document's score; a term's contribution is multiplied by its weight."""
        return self._postings.gather(self.weigh(terms, weights))


class _Shared:
    """A BM25 field whose texts many clauses share (headings, lead-ins): each distinct text
    is indexed and scored once, and a clause reads its own text's score."""

    def __init__(self, texts: Sequence[str], analyzer: Analyzer, tuning: Tuning) -> None:
        distinct = list(dict.fromkeys(texts))
        at = {text: n for n, text in enumerate(distinct)}
        self._of = np.asarray([at[text] for text in texts], dtype=np.intp)
        self._terms = [frozenset(analyzer.known_terms(text)) for text in distinct]
        self._index = BM25Index(
            [analyzer.known_terms(text) for text in distinct], tuning.k1, tuning.b
        )

    def terms(self, clause: int) -> frozenset[str]:
        return self._terms[int(self._of[clause])]

    def scores(self, terms: Sequence[str], weights: Sequence[float]) -> Floats | None:
        """Each clause's score, or None when no text of this field holds any of the terms."""
        if not any(term in self._index.vocabulary for term in terms):
            return None
        return self._index.scores(terms, weights)[self._of]


@dataclass(frozen=True, slots=True)
class Reading:
    """A question as the clause index reads it."""

    own: tuple[str, ...]  # its terms that say what is asked
    terms: tuple[str, ...]  # those, their pairs and their related words...
    weights: tuple[float, ...]  # ...each with its weight
    kinds: tuple[int, ...]  # the question types it asks
    weighed: tuple[tuple[str, float, frozenset[str]], ...]  # distinct own terms, their weight
    # for coverage and their related terms
    unknown: float  # share of those the policy never uses, nor any related word
    rarest: str | None  # the one of those the policy uses that is rarest in it


@dataclass(frozen=True, slots=True)
class Match:
    coverage: float  # share of the question's terms (by idf) the clause holds; a term held
    # through a related word counts as much as related words weigh
    unknown: float  # share of the question's terms the policy never uses, nor any related word
    rarest: float  # whether the clause holds the question's rarest term the policy uses


@dataclass(frozen=True, slots=True)
class _Kind:
    """A question type as the index uses it (see QuestionType)."""

    asks: list[str]  # its phrases, padded with spaces
    bonus: Floats  # what each clause gains when a question asks it
    answered: npt.NDArray[np.bool_]  # whether each clause holds a value that is the answer
    says: frozenset[str]  # the terms of its one-word phrases a clause says


class ClauseIndex:
    """The policy's clauses ranked against a question: BM25 over each clause's terms and term
    pairs; its section heading, list lead-in and the sentence before it in its paragraph as
    lower-weighted fields; a question word's related words weighted below it; character
    n-grams for spellings terms miss; a bonus for clauses of the kind the question asks for
    ("how long" prefers durations, "your phone number" a clause holding one); and the best
    few re-ranked by coverage.

    Scores are normalised by what the question's terms could score at most, so they mean the
    same on any policy: about 1 when a clause holds every term of the question."""

    def __init__(
        self,
        clauses: Sequence[Clause],
        analyzer: Analyzer,
        question_types: Sequence[QuestionType],
        tuning: Tuning,
        names: frozenset[str] = frozenset(),
    ) -> None:
        self.analyzer = analyzer
        self.tuning = tuning
        self.size = len(clauses)
        self.names = names  # terms of the company's and product's names: many questions say them
        t = tuning
        text = [analyzer.known_terms(c.text) for c in clauses]
        self._text = BM25Index([ngrams(terms) for terms in text], t.k1, t.b)
        # Headings and lead-ins are shared by many clauses: each distinct one is scored once.
        self._heading = _Shared([c.section for c in clauses], analyzer, t)
        self._context = _Shared([c.context for c in clauses], analyzer, t)
        self._chars = TermIndex([analyzer.char_ngrams(analyzer.raw_words(c.text)) for c in clauses])
        self._postings = Postings(self._text.matrix, self._chars.matrix)  # both in one gather
        # The sentence before each clause in its paragraph: "These embeds are not loaded until
        # you click" is about what the sentence before it names.
        follows = [
            n for n in range(1, self.size) if clauses[n].paragraph == clauses[n - 1].paragraph
        ]
        self._follows = np.asarray(follows, dtype=np.intp)
        self._terms = [
            frozenset(terms).union(self._heading.terms(n), self._context.terms(n))
            for n, terms in enumerate(text)
        ]
        # Question types: the phrases that ask (padded words, matched in the question's words)
        # and which clauses say what they ask for (a term, or a phrase of several) or hold
        # the kind of value they ask for (a phone number).
        words = [f" {' '.join(analyzer.raw_words(c.text))} " for c in clauses]
        self.values = [holds(c.text) for c in clauses]  # the kinds of value each holds
        self._kinds: list[_Kind] = []
        for kind in question_types:
            says = [analyzer.raw_words(s) for s in kind.says]
            single = {t for s in says if len(s) == 1 for t in analyzer.terms(s)}
            phrases = [f" {' '.join(s)} " for s in says if len(s) > 1]
            says_it = [
                bool(single & terms) or any(ph in w for ph in phrases)
                for terms, w in zip(self._terms, words, strict=True)
            ]
            held = np.asarray([not v.isdisjoint(kind.holds) for v in self.values], dtype=bool)
            answering = not set(kind.holds).isdisjoint(ANSWERING)
            self._kinds.append(
                _Kind(
                    [f" {' '.join(analyzer.raw_words(a))} " for a in kind.asks],
                    t.asks * np.asarray(says_it, dtype=np.float64) + t.holds * held,
                    held & answering,
                    frozenset(single),
                )
            )
        # A phrase's words that ask ("how long"), not those that also say what is asked about
        # ("minimum age": a clause about setting up an account does not answer it).
        self._asking = {
            (k, phrase): [t for t in analyzer.terms(phrase.split()) if t not in kind.says]
            for k, kind in enumerate(self._kinds)
            for phrase in kind.asks
        }

    def read(self, query: Query) -> Reading:
        """The question as this index reads it."""
        said = f" {query.text} "
        matched = [
            (k, phrase) for k, kind in enumerate(self._kinds) for phrase in kind.asks
            if phrase in said
        ]  # fmt: skip
        kinds = sorted({k for k, _ in matched})
        # The words of the question-type phrases it says ("how long") ask, they do not say
        # what about; nor do words every question about a policy uses ("website").
        asked = {t for found in matched for t in self._asking[found]}
        ignored = self.analyzer.ignored
        own = [t for t in query.terms if t not in ignored and t not in asked] or [
            t for t in query.terms if t not in ignored
        ]
        t = self.tuning
        terms = [*own, *(f"{a} {b}" for a, b in itertools.pairwise(own))]
        weights = [t.name if term in self.names else 1.0 for term in terms]
        seen = set(terms)
        for term in own:
            for other in self.analyzer.related.get(term, ()):
                if other not in seen:
                    seen.add(other)
                    terms.append(other)
                    weights.append(t.related)
        # What coverage weighs each distinct term by: its idf, a word the policy never uses as a
        # middling one of its words (it may be a verb of the visitor's own, "stay", as well
        # as something the policy lacks).
        idf, unseen = self._text.idf, self._text.median_idf
        weighed: list[tuple[str, float, frozenset[str]]] = []
        known: list[str] = []
        for term in dict.fromkeys(own):  # in order: ties of idf go to the first said
            related = frozenset(self.analyzer.related.get(term, ()))
            weight = idf.get(term, unseen) * (t.name if term in self.names else 1.0)
            weighed.append((term, weight, related))
            if term in idf or any(r in idf for r in related):
                known.append(term)
        return Reading(
            tuple(own),
            tuple(terms),
            tuple(weights),
            tuple(kinds),
            tuple(weighed),
            1.0 - len(known) / len(weighed) if weighed else 0.0,
            max(known, key=lambda term: idf.get(term, 0.0), default=None),
        )

    @property
    def terms(self) -> frozenset[str]:
        """Every term of the clauses, their headings and lead-ins."""
        return frozenset().union(*self._terms)

    def match(self, reading: Reading, clause: int) -> Match:
        """How much of the question the clause holds (see Match)."""
        if not reading.weighed:
            return Match(0.0, 0.0, 0.0)
        if any(self._kinds[k].answered[clause] for k in reading.kinds):
            return Match(1.0, 0.0, 1.0)  # it holds what the question asks for: a phone number
        held, related_share = self._terms[clause], self.tuning.related
        total = gained = rarest = 0.0
        for term, weight, related in reading.weighed:
            share = 1.0 if term in held else related_share if not held.isdisjoint(related) else 0.0
            total += weight
            gained += weight * share
            if term == reading.rarest:
                rarest = share
        return Match(gained / total, reading.unknown, rarest)

    def typed(self, reading: Reading, clause: int) -> float:
        """1 when the question asks for a type of answer ("how long") the clause gives, -1
        when it gives none of those asked, 0 when no type is asked."""
        if not reading.kinds:
            return 0.0
        return 1.0 if any(self._kinds[k].bonus[clause] > 0 for k in reading.kinds) else -1.0

    def scores(self, query: Query, reading: Reading) -> Floats:
        t = self.tuning
        terms, weights = reading.terms, reading.weights
        idf = self._text.idf
        most = sum(
            w * idf.get(term, 0.0)
            for term, w in zip(terms, weights, strict=True)
            if " " not in term
        )
        if most:
            # A word of the question the policy never uses counts as a middling one, so a
            # clause matching only a related word ("credit" for "football scores") does not
            # look like a full match.
            most += self._text.median_idf * sum(term not in idf for term in reading.own)
        else:
            # No word the policy uses: only a clause holding the value the question asks for
            # ("where do I send a letter?": a postal address) may answer it.
            held = np.zeros(self.size)
            for k in reading.kinds:
                held[self._kinds[k].answered] = t.holds
            return held
        columns, text = self._text.weigh(terms, weights)
        grams, chars = self._chars.weigh(query.chars)
        scores = self._postings.gather((columns, text / most), (grams, t.chars * chars))
        if t.neighbour and self._follows.size:
            scores[self._follows] += t.neighbour * scores[self._follows - 1]
        for field, weight in ((self._heading, t.heading), (self._context, t.context)):
            if (found := field.scores(terms, weights)) is not None:
                scores += weight / most * found
        for k in reading.kinds:
            scores += self._kinds[k].bonus
        # BM25 rewards a term said often; a clause that holds more of the question's distinct
        # terms is the likelier answer: the first few are re-ranked by their coverage too.
        if t.coverage:
            first = top(scores, RERANK)
            scores[first] += t.coverage * np.asarray(
                [self.match(reading, int(n)).coverage for n in first]
            )
        return scores
