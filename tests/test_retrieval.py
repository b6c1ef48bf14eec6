"""The indexes give the libraries' own scores: scikit-learn's TF-IDF cosine, rapidfuzz's ratio."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from qa_service.engine.analysis import ngrams
from qa_service.engine.retrieval import FuzzyIndex, TermIndex, top

DOCS = [
    "collect name email address ship address credit card",
    "strict polici sell customer email address spam",
    "cooki log servic function reason",
    "share credit card third parti verif",
    "email email email newsletter",
    "",  # a clause with no terms: a zero row
]


@pytest.mark.parametrize(
    "query",
    [
        "sell email",
        "credit card credit",
        "unknown words only",
        "email newsletter cooki third parti",
    ],
)
def test_term_index_scores_are_scikit_learns_cosine(query: str) -> None:
    docs = [ngrams(d.split()) for d in DOCS]
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, norm="l2")
    matrix = vectorizer.fit_transform(docs)
    features = ngrams(query.split())
    expected = cosine_similarity(vectorizer.transform([features]), matrix)[0]
    assert np.allclose(TermIndex(docs).scores(features), expected)


def test_an_index_of_nothing_scores_zero() -> None:
    assert TermIndex([[], []]).scores(["email"]).tolist() == [0.0, 0.0]
    assert TermIndex([]).scores(["email"]).size == 0


def test_fuzzy_scores_are_token_sort_ratios_as_fractions() -> None:
    choices = ["do you sell my email", "weather today", "email my sell you do"]
    scores = FuzzyIndex(choices).scores("sell my email do you")
    expected = [fuzz.token_sort_ratio("sell my email do you", c) / 100 for c in choices]
    assert scores == pytest.approx(expected)
    assert scores[0] == pytest.approx(1.0)
    assert FuzzyIndex(["a"]).scores("").tolist() == [0.0]


def test_top_is_a_stable_descending_order() -> None:
    scores = np.asarray([0.1, 0.5, 0.5, 0.0, 0.9, *([0.2] * 60)])
    assert top(scores, 3).tolist() == [4, 1, 2]
    assert top(scores[:5], 10).tolist() == [4, 1, 2, 0, 3]


def test_a_serving_process_never_imports_scikit_learn() -> None:
    # scikit-learn's import alone costs ~75 MiB; only `tune` and the insights report need it.
    script = (
        "import sys\n"
        "from qa_service.app import create_app\n"
        "from qa_service.config import Settings\n"
        "from qa_service.engine import Engine\n"
        "Engine.from_settings(Settings()).answer('do you sell my email?')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
