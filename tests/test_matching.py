from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics.pairwise import cosine_similarity

from qa_service.matching import Analyzer, TermIndex, char_ngrams, fuzzy_scores, ngrams, stem


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (["cookie", "cookies"], True),
        (["policy", "policies"], True),
        (["share", "shared", "sharing", "shares"], True),
        (["address", "addresses"], True),
        (["ship", "shipping"], True),
        (["sell", "cell"], False),
    ],
)
def test_stem_joins_inflections(words: list[str], same: bool) -> None:
    assert (len({stem(w) for w in words}) == 1) is same


@pytest.fixture
def analyzer() -> Analyzer:
    a = Analyzer({"u": "you", "e mail": "email", "info": "information"}, {"sold": "sell"})
    a.learn(["We never sell your email address.", "Cookies keep you logged in."])
    return a


def test_shorthand_and_phrases_are_expanded(analyzer: Analyzer) -> None:
    assert analyzer.raw_words("do u sell my e-mail info") == [
        "do",
        "you",
        "sell",
        "my",
        "email",
        "information",
    ]


def test_typos_are_corrected_towards_the_policy_vocabulary(analyzer: Analyzer) -> None:
    assert analyzer.words("do u sel my emial adress") == [
        "do",
        "you",
        "sel",  # too short to correct safely
        "my",
        "email",
        "address",
    ]
    assert analyzer.words("cokies") == ["cookies"]
    assert analyzer.words("4111111111111111 weather") == ["4111111111111111", "weather"]


def test_terms_drop_function_words_and_apply_synonyms(analyzer: Analyzer) -> None:
    assert analyzer.terms(["is", "my", "email", "sold"]) == ["email", "sell"]


def test_fast_query_path_matches_scikit_learn() -> None:
    """The hand-written query vectoriser must give the library's own cosine scores."""
    docs = [
        ngrams(t.split())
        for t in [
            "collect name email address ship address credit card",
            "strict polici sell customer email address spam",
            "cooki log servic function reason",
            "share credit card third parti verif",
            "email email email newsletter",
        ]
    ]
    index = TermIndex(docs)
    matrix = index.vectorizer.transform(docs)
    for query in [
        "sell email",
        "credit card credit",
        "unknown words only",
        "email newsletter cooki third parti",
    ]:
        features = ngrams(query.split())
        expected = cosine_similarity(index.vectorizer.transform([features]), matrix)[0]
        assert np.allclose(index.scores(features), expected)
        library = index.vectorizer.transform([features]).toarray()[0]
        mine = np.zeros_like(library)
        for j, w in index.vector(features).items():
            mine[j] = w
        assert np.allclose(mine, library)


def test_char_ngrams_follow_word_boundaries() -> None:
    grams = char_ngrams(["spam"], 3, 3)
    assert grams == [" sp", "spa", "pam", "am "]


def test_fuzzy_scores_are_fractions() -> None:
    scores = fuzzy_scores("do you sell my email", ["do you sell my email", "weather today", ""])
    assert scores[0] == pytest.approx(1.0)
    assert 0.0 <= scores[1] < 0.5
    assert fuzzy_scores("", ["a"]).tolist() == [0.0]
