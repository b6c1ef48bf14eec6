"""The hand-written hot paths give what the libraries' own paths give."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from rapidfuzz import fuzz, process
from sklearn.metrics.pairwise import cosine_similarity

from qa_service import kernels
from qa_service.answering import Engine
from qa_service.config import Settings
from qa_service.matching import (
    TF,
    FuzzyIndex,
    ScoreBank,
    TermIndex,
    char_ngrams,
    count,
    fuzzy_scores,
    ngrams,
    pack,
    sort_tokens,
    top,
)

QUESTIONS = [
    "Do you sell my email address?",
    "do u sell my emial",
    "How long do you keep my data?",
    "can i delete my account and all my personal information",
    "who do you share credit card details with",
    "what cookies does the site set",
    "is my data stored in the united states",
    "hello",
    "what is the weather in paris",
    "privacy privacy privacy policy policy policy policy",
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_settings(Settings())


def _typo(text: str, rng: random.Random) -> str:
    chars = list(text)
    del chars[rng.randrange(len(chars))]
    return "".join(chars)


def _texts(engine: Engine) -> list[str]:
    rng = random.Random(7)
    clauses = [c.text for c in engine.policy.clauses]
    return QUESTIONS + [_typo(q, rng) for q in QUESTIONS] + clauses


def _corpora(engine: Engine) -> dict[str, tuple[list[list[str]], list[list[str]]]]:
    """Documents and queries for an index of word n-grams and one of character n-grams."""
    a = engine.analyzer
    clauses = [a.raw_words(c.text) for c in engine.policy.clauses]
    queries = [list(engine.analyse(t).words) for t in _texts(engine)]
    return {
        "words": ([ngrams(a.terms(w)) for w in clauses], [ngrams(a.terms(q)) for q in queries]),
        "chars": ([char_ngrams(w) for w in clauses], [char_ngrams(q) for q in queries]),
    }


@pytest.mark.parametrize("kind", ["words", "chars"])
def test_query_vector_is_the_vectorizers(engine: Engine, kind: str) -> None:
    documents, queries = _corpora(engine)[kind]
    index = TermIndex(documents)
    nonzero = 0
    for features in queries:
        expected = index.vectorizer.transform([features]).toarray()[0]
        got = np.zeros_like(expected)
        for j, w in index.vector(features).items():
            got[j] = w
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
        nonzero += int(expected.any())
    assert nonzero > len(queries) // 2


@pytest.mark.parametrize("kind", ["words", "chars"])
def test_scores_are_cosine_similarity(engine: Engine, kind: str) -> None:
    documents, queries = _corpora(engine)[kind]
    index = TermIndex(documents)
    matrix = index.vectorizer.transform(documents)
    best = []
    for features in queries:
        expected = cosine_similarity(index.vectorizer.transform([features]), matrix)[0]
        got = index.scores(features)
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
        best.append(float(got.max()))
    # A clause is its own best match: the comparison is not between two empty arrays.
    assert max(best) > 0.99


def test_scores_are_the_per_term_loop_to_the_bit(engine: Engine) -> None:
    """The gather adds each document's terms in the order a loop over the query would."""
    documents, queries = _corpora(engine)["chars"]
    index = TermIndex(documents)
    for features in queries:
        expected = np.zeros(index.size, dtype=np.float64)
        for j, w in index.vector(features).items():
            lo, hi = index._indptr[j], index._indptr[j + 1]
            expected[index._indices[lo:hi]] += index._data[lo:hi] * w
        assert np.array_equal(index.scores(features), expected)


def test_fuzzy_index_is_token_sort_ratio(engine: Engine) -> None:
    choices = engine._example_texts
    index = FuzzyIndex(choices)
    for text in _texts(engine):
        query = engine.analyse(text).text
        assert np.array_equal(index.scores(query), fuzzy_scores(query, choices))
    assert np.array_equal(index.scores(""), np.zeros(len(choices)))


@pytest.mark.parametrize("size", [5, 64, 300, 10_000])
def test_top_is_a_stable_argsort(size: int) -> None:
    rng = np.random.default_rng(size)
    # Few distinct values, so that ties across the cut are common.
    scores = rng.integers(0, 7, size).astype(np.float64) / 7
    for k in (1, 3, 5, 50):
        expected = np.argsort(-scores, kind="stable")[:k]
        assert top(scores, k).tolist() == expected.tolist()


def test_score_bank_is_each_index_to_the_bit(engine: Engine) -> None:
    corpora = _corpora(engine)
    indexes = [TermIndex(corpora["words"][0]), TermIndex(corpora["chars"][0]), engine.pool_index]
    bank = ScoreBank(indexes)
    for words, chars in zip(corpora["words"][1], corpora["chars"][1], strict=True):
        queries = [words, chars, words]
        columns: list[int] = []
        for k, query in enumerate(queries):
            columns += bank.columns(k, query)
        got = bank.scores(np.asarray(columns, dtype=np.int64))
        for index, query, scores in zip(indexes, queries, got, strict=True):
            assert np.array_equal(scores, index.scores(query))


def test_word_by_word_columns_are_the_whole_questions(engine: Engine) -> None:
    """The columns gathered word by word, and pair by pair, are each index's columns of the
    whole question's features, in the same order."""
    bank = engine._bank
    for text in [*_texts(engine), "Wie lange speichern Sie meine Daten?", "ok ok ok 42"]:
        read = engine._read(text)
        query = engine.analyse(text)
        assert read.query == query
        for k, features in enumerate(
            [query.features, query.features, char_ngrams(query.words), query.features]
        ):
            lo, hi = bank._offsets[k], bank._offsets[k + 1]
            assert [j for j in read.columns.tolist() if lo <= j < hi] == bank.columns(k, features)


def test_count_keeps_first_occurrence_order() -> None:
    assert list(count(["b", "a", "b", "c", "a", "b"]).items()) == [("b", 3), ("a", 2), ("c", 1)]


# --- the compiled kernels ---------------------------------------------------------------------


def test_compiled_kernels_are_their_python_source(engine: Engine) -> None:
    """numba compiles the same arithmetic the Python source does, to the bit."""
    bank = engine._bank
    for text in _texts(engine):
        read = engine._read(text)
        query = read.query
        arrays = (bank._offsets, bank._indptr, bank._indices, bank._data, bank._idf, TF)
        compiled = kernels.score_bank(read.columns, *arrays, bank._rows[-1])
        assert np.array_equal(compiled, kernels._score_bank(read.columns, *arrays, bank._rows[-1]))
        assert compiled.any() or not read.columns.size

        clauses, words, chars, _ = bank.scores(read.columns)
        fuzzy = engine.example_fuzzy
        blend = (
            words,
            chars,
            np.frombuffer(sort_tokens(query.text).encode(), dtype=np.uint8),
            *fuzzy.packed,
            fuzzy.choice_of,
            engine._owner_starts,
            engine._owners,
            clauses,
            engine._supported,
            engine._supported_starts,
            engine._supported_clauses,
            0.5,
            np.arange(len(engine.routes), dtype=np.int64) % 3,  # cues said
            0.25,
            engine._bar,
        )
        with np.errstate(over="ignore"):  # uint64 additions wrap by design
            assert np.array_equal(kernels.intent_scores(*blend), kernels._intent_scores(*blend))


def test_intent_scores_skip_only_what_cannot_change_a_decision(engine: Engine) -> None:
    """Intent scores computed with every example's fuzzy ratio (rapidfuzz's, in numpy), and
    the kernel's, which computes a ratio only where it can matter: the same intents pass
    their bars with the same scores, the nearest miss is the same, and every skipped score
    is below the exact one."""
    bars = engine._bar
    skipped = 0
    for text in [*_texts(engine), *(f"{q} please, quickly" for q in QUESTIONS)]:
        signals = engine._signals(text)
        query = signals.query
        clauses, words, chars, _ = engine._bank.scores(engine._read(text).columns)
        per_example = (
            0.45 * words + 0.30 * chars + 0.25 * fuzzy_scores(query.text, engine._example_texts)
        )
        exact = np.zeros(len(engine.routes))
        np.maximum.at(exact, engine._example_owner, per_example)
        for n, route in enumerate(engine.routes):
            cited = [c.position - 1 for c in route.clauses]
            if route.intent.kind == "answer" and cited:
                exact[n] += engine.thresholds.support * clauses[cited].max()
            for cue in route.intent.cues:  # a cue phrase is said where its words stand alone
                phrase = re.escape(" ".join(engine.analyzer.raw_words(cue)))
                if re.search(rf"(?<!\w){phrase}(?!\w)", query.text):
                    exact[n] += engine.thresholds.cue
        got = signals.intent_scores
        passing = exact >= bars
        assert np.array_equal(got >= bars, passing)
        assert np.array_equal(got[passing], exact[passing])
        assert (got / bars).max() == (exact / bars).max()
        assert (got <= exact).all()
        skipped += int((got < exact).sum())
    assert skipped > 0  # the shortcut was taken, and the checks above covered it


def _random_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice("abcdeilmnorst  ") for _ in range(size))


@pytest.mark.parametrize("size", [0, 1, 7, 63, 64, 65, 128, 129, 300])
def test_ratios_are_rapidfuzz_ratio_to_the_bit(size: int) -> None:
    """The bit-parallel LCS gives rapidfuzz's ratio for queries of one machine word and of
    several (carries between words), for empty and unequal choices."""
    rng = random.Random(size)
    choices = ["", "a", *(_random_text(rng, rng.randrange(1, 200)) for _ in range(300))]
    packed = pack(choices)
    for _ in range(5):
        query = _random_text(rng, size)
        pattern = np.frombuffer(query.encode(), dtype=np.uint8)
        expected = process.cdist([query], choices, scorer=fuzz.ratio, dtype=np.float64)[0] / 100
        compiled = kernels.ratios(pattern, *packed, 100.0)
        assert np.array_equal(compiled, expected)
        with np.errstate(over="ignore"):  # uint64 additions wrap by design
            assert np.array_equal(kernels._ratios(pattern, *packed, 100.0), expected)
    assert expected.min() < 1.0


def test_fuzzy_index_falls_back_to_rapidfuzz_beyond_ascii() -> None:
    choices = ["données personnelles", "personal data", "cookies"]
    index = FuzzyIndex(choices)
    for query in ["personal data", "données", "cookie"]:
        assert np.array_equal(index.scores(query), fuzzy_scores(query, choices))


def test_typo_correction_is_rapidfuzz_extract_one(engine: Engine) -> None:
    """The compiled correction picks what rapidfuzz's extractOne picks, cutoffs included."""
    analyzer = engine.analyzer
    rng = random.Random(11)
    words = [w for w in analyzer.vocabulary if len(w) >= 4]
    typos = [_typo(w, rng) for w in rng.sample(words, 300)]
    typos += ["".join(rng.choice("abcdefghij") for _ in range(n)) for n in list(range(4, 12)) * 10]
    corrected = 0
    for typo in typos:
        cutoff = 80 if len(typo) >= 5 else 85
        best = process.extractOne(typo, analyzer.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
        expected = best[0] if best is not None else None
        assert analyzer._correct_uncached(typo) == expected, typo
        corrected += expected is not None
    assert 100 < corrected < len(typos)
