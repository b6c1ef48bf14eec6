from __future__ import annotations

from pathlib import Path

import pytest

from qa_service.config import DEFAULT_INTENTS, DEFAULT_POLICY
from qa_service.corpus import load_policy
from qa_service.engine import Engine
from qa_service.errors import IntentError
from qa_service.intents import intent_files, load_intents

RESPONSES = """
[responses]
fallback = "Not covered: {contact}."
out_of_scope = "Only privacy questions."
handoff = "Talk to {owner}: {contact}."
no_contact = "our website"
"""


def write(tmp_path: Path, body: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(RESPONSES + body, encoding="utf-8")
    return path


def test_bundled_intents_load_and_cover_every_kind() -> None:
    intents = load_intents(intent_files(DEFAULT_INTENTS, DEFAULT_POLICY))
    kinds = {i.kind for i in intents.intents}
    assert kinds == {"answer", "topic", "smalltalk", "handoff", "out_of_scope"}
    assert {"retention", "children", "gdpr_rights", "do_not_track"} <= {
        i.name for i in intents.intents
    }


def test_policy_specific_intents_load_only_with_their_policy(tmp_path: Path) -> None:
    files = intent_files(DEFAULT_INTENTS, tmp_path / "other_policy.md")
    assert all(f.parent.name == "common" for f in files)
    assert any(f.stem == DEFAULT_POLICY.stem for f in intent_files(DEFAULT_INTENTS, DEFAULT_POLICY))


def test_unknown_kind_names_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[intent]]
name = "ok"
kind = "smalltalk"
response = "hi"
examples = ["hello"]

[[intent]]
name = "broken"
kind = "banana"
examples = ["x"]
""",
    )
    with pytest.raises(IntentError) as info:
        load_intents([path])
    message = str(info.value)
    assert f"{path}:16:" in message  # the line of `kind = "banana"`
    assert "'kind' must be one of" in message


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '\n[[intent]]\nname = "x\n')
    with pytest.raises(IntentError, match=r"bad\.toml: invalid TOML: .*line 9"):
        load_intents([path])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('name = "a"\nkind = "answer"\nexamples = ["q"]\n', "'cite' is required"),
        ('name = "a"\nkind = "topic"\nexamples = ["q"]\n', "'evidence' is required"),
        ('name = "a"\nkind = "smalltalk"\nexamples = ["q"]\n', "needs a 'response'"),
        ('name = "a"\nkind = "handoff"\nexamples = []\n', "'examples' must not be empty"),
        ('name = "a"\nkind = "handoff"\nexamples = ["q"]\ncolour = 1\n', "unknown key 'colour'"),
        ('name = "A b"\nkind = "handoff"\nexamples = ["q"]\n', "lower-case identifier"),
        (
            'name = "a"\nkind = "topic"\nexamples = ["q"]\nevidence = ["e"]\nholds = ["fax"]\n',
            "unknown kind of value 'fax' in 'holds'",
        ),
        (
            'name = "a"\nkind = "smalltalk"\nexamples = ["q"]\nresponse = "{nope}"\n',
            "unknown placeholder {nope}",
        ),
    ],
)
def test_invalid_intents_are_rejected_with_a_reason(
    tmp_path: Path, body: str, expected: str
) -> None:
    path = write(tmp_path, "\n[[intent]]\n" + body)
    with pytest.raises(IntentError, match=expected) as info:
        load_intents([path])
    assert str(path) in str(info.value)


def test_duplicate_names_point_at_both_places(tmp_path: Path) -> None:
    intent = '\n[[intent]]\nname = "dup"\nkind = "handoff"\nexamples = ["q"]\n'
    path = write(tmp_path, intent + intent)
    with pytest.raises(IntentError, match=r"already defined at .*bad\.toml:8"):
        load_intents([path])


def test_missing_responses_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "partial.toml"
    path.write_text('[responses]\nfallback = "x"\n', encoding="utf-8")
    with pytest.raises(IntentError, match="missing response"):
        load_intents([path])


def test_a_cited_phrase_missing_from_the_policy_fails_at_start_up(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '\n[[intent]]\nname = "gone"\nkind = "answer"\n'
        'cite = ["a sentence this policy never says"]\nexamples = ["q"]\n',
    )
    with pytest.raises(IntentError, match=r"bad\.toml:8: intent 'gone': no clause"):
        Engine(load_policy(DEFAULT_POLICY), load_intents([path]))


def test_an_ambiguous_cited_phrase_fails_at_start_up(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '\n[[intent]]\nname = "vague"\nkind = "answer"\ncite = ["credit card"]\nexamples = ["q"]\n',
    )
    with pytest.raises(IntentError, match="quote more of the one you mean"):
        Engine(load_policy(DEFAULT_POLICY), load_intents([path]))


def test_a_question_type_may_ask_only_for_kinds_of_value_the_corpus_finds(
    tmp_path: Path,
) -> None:
    good = write(tmp_path, '\n[[question_type]]\nasks = ["your fax"]\nsays = ["fax us"]\n')
    assert load_intents([good]).lexicon.question_types[0].holds == ()
    bad = write(
        tmp_path, '\n[[question_type]]\nasks = ["your fax"]\nsays = ["fax us"]\nholds = ["fax"]\n'
    )
    with pytest.raises(IntentError, match="unknown kind of value 'fax' in 'holds'"):
        load_intents([bad])
