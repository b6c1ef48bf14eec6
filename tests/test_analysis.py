"""Text analysis: shorthand, typo correction, terms."""

from __future__ import annotations

import pytest

from qa_service.engine.analysis import Analyzer, char_ngrams, fold, ngrams, split, stem


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (["cookie", "cookies"], True),
        (["policy", "policies"], True),
        (["share", "shared", "sharing", "shares"], True),
        (["address", "addresses"], True),
        (["ship", "shipping"], True),
        (["effective", "effect"], True),
        (["deletion", "deleted", "delete"], True),
        (["personalised", "personalized", "personalising"], True),
        (["centre", "centres", "center"], True),
        (["behaviour", "behavior"], True),
        (["licence", "license"], True),
        (["sell", "cell"], False),
    ],
)
def test_stem_joins_inflections(words: list[str], same: bool) -> None:
    assert (len({stem(w) for w in words}) == 1) is same


@pytest.fixture
def analyzer() -> Analyzer:
    return Analyzer(
        {"u": "you", "e mail": "email", "info": "information"},
        {"sold": "sell"},
        ["We never sell your email address.", "Cookies keep you logged in."],
    )


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
    query = analyzer.query("is my emial sold?")
    assert query.terms == ("email", "sell")
    assert query.features == ["email", "sell", "email sell"]


def test_words_are_folded_and_split_as_visitors_write_them() -> None:
    assert fold("Émail ÀDRESSE") == "email adresse"
    assert split("Customer’s e-mail, it's GDPR-ready") == [
        "customer",
        "e",
        "mail",
        "it",  # "it's" loses its "'s" as a possessive would: a function word either way
        "gdpr",
        "ready",
    ]


def test_features_and_char_ngrams() -> None:
    assert ngrams(["a", "b", "c"]) == ["a", "b", "c", "a b", "b c"]
    assert char_ngrams(["spam"], 3, 3) == [" sp", "spa", "pam", "am "]


def test_an_analyser_with_no_known_words_corrects_nothing() -> None:
    empty = Analyzer({}, {})
    assert empty.words("cokies plz") == ["cokies", "plz"]


def test_a_word_longer_than_any_known_one_is_left_as_it_is(analyzer: Analyzer) -> None:
    long = "y" * 1200
    assert analyzer.words(f"do you sell {long}") == ["do", "you", "sell", long]
    assert analyzer.words("emailx") == ["email"]  # one letter too many is still corrected


def test_a_word_the_lexicon_knows_is_not_corrected_towards_the_policy() -> None:
    analyzer = Analyzer(
        {}, {"reply": "respond"}, ["We rely on consent.", "We respond within a month."]
    )
    assert analyzer.words("when will you reply") == ["when", "will", "you", "reply"]
    assert analyzer.terms(analyzer.words("reply")) == analyzer.known_terms("respond")
    assert analyzer.words("when will you respnd") == ["when", "will", "you", "respond"]


def test_a_real_word_is_not_corrected_into_another() -> None:
    analyzer = Analyzer({}, {}, ["We use your data to make bread based on a kid's recipe."])
    assert analyzer.words("i asked my kind friend to read it") == [
        "i", "asked", "my", "kind", "friend", "to", "read", "it"
    ]  # fmt: skip
    assert analyzer.words("recipy") == ["recipe"]
