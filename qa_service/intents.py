"""Load and validate the intent files (TOML) that steer the engine.

Errors name the file and the line, so a typo in a data file is found at start-up.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from qa_service.corpus import HOLDS
from qa_service.errors import IntentError

Kind = Literal["answer", "topic", "smalltalk", "handoff", "out_of_scope"]
KINDS: tuple[str, ...] = get_args(Kind)
PLACEHOLDERS = frozenset({"owner", "email", "phone", "contact"})
REQUIRED_RESPONSES = ("fallback", "out_of_scope", "handoff", "no_contact")


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    kind: Kind
    examples: tuple[str, ...]
    question: str | None = None  # shown as a suggestion
    cite: tuple[str, ...] = ()  # phrases quoted from the clauses that answer (kind "answer")
    evidence: tuple[str, ...] = ()  # phrases that show a policy covers the topic (kind "topic")
    holds: tuple[str, ...] = ()  # kinds of value (corpus.HOLDS) whose clauses also cover it
    lead: str | None = None  # a short lead-in before the quoted clause, e.g. "No."
    response: str | None = None  # the reply for smalltalk and handoff
    cues: tuple[str, ...] = ()  # phrases that, said in a question, point at this intent
    source: str = ""  # "file:line", for error messages


@dataclass(frozen=True, slots=True)
class IntentSet:
    intents: tuple[Intent, ...]
    responses: dict[str, str]
    shorthand: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)
    lexicon: Lexicon = field(default_factory=lambda: Lexicon())


@dataclass(frozen=True, slots=True)
class QuestionType:
    """A question saying one of `asks` ("how long") is looking for a clause saying one of
    `says` ("days", "retain") or holding one of the kinds of value of `holds` ("phone": a
    phone number; see corpus.HOLDS)."""

    asks: tuple[str, ...]
    says: tuple[str, ...]
    holds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """What retrieval knows of the words of privacy questions (intents/common/lexicon.toml)."""

    related: tuple[tuple[str, ...], ...] = ()  # groups of words one may mean by another
    ignore: frozenset[str] = frozenset()  # words of questions that say nothing of what is asked
    question_types: tuple[QuestionType, ...] = ()


def _line_of(text: str, needle: str, start_line: int = 1) -> int:
    lines = text.splitlines()
    for i in range(max(start_line - 1, 0), len(lines)):
        if needle in lines[i]:
            return i + 1
    return start_line


def _intent_lines(text: str) -> list[int]:
    return [
        i
        for i, line in enumerate(text.splitlines(), 1)
        if re.match(r"\s*\[\[\s*intent\s*\]\]", line)
    ]


def _check_template(template: str, where: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise IntentError(f"{where}: bad template: {exc}") from exc
    unknown = names - PLACEHOLDERS
    if unknown:
        raise IntentError(
            f"{where}: unknown placeholder {{{sorted(unknown)[0]}}}; "
            f"use one of {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}"
        )


def _strings(value: Any, where: str, key: str, *, required: bool) -> tuple[str, ...]:
    if value is None:
        if required:
            raise IntentError(f"{where}: '{key}' is required")
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise IntentError(f"{where}: '{key}' must be a list of non-empty strings")
    if required and not value:
        raise IntentError(f"{where}: '{key}' must not be empty")
    return tuple(v.strip() for v in value)


def _holds(value: Any, where: str) -> tuple[str, ...]:
    """A `holds` list: kinds of value the corpus finds in a clause (corpus.HOLDS)."""
    holds = _strings(value, where, "holds", required=False)
    if unknown := sorted(set(holds) - set(HOLDS)):
        raise IntentError(
            f"{where}: unknown kind of value '{unknown[0]}' in 'holds' (known: {', '.join(HOLDS)})"
        )
    return holds


_QUESTION_TYPE = frozenset({"asks", "says", "holds"})

_INTENT_KEYS = frozenset(
    {
        "name",
        "kind",
        "examples",
        "question",
        "cite",
        "evidence",
        "holds",
        "lead",
        "response",
        "cues",
    }
)


def _parse_intent(raw: Any, path: Path, text: str, line: int) -> Intent:
    where = f"{path}:{line}"
    if not isinstance(raw, dict):
        raise IntentError(f"{where}: an [[intent]] must be a table")
    for key in raw:
        if key not in _INTENT_KEYS:
            where_key = f"{path}:{_line_of(text, key, line)}"
            raise IntentError(
                f"{where_key}: unknown key '{key}' (allowed: {', '.join(sorted(_INTENT_KEYS))})"
            )
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise IntentError(f"{where}: 'name' must be a lower-case identifier, got {name!r}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise IntentError(
            f"{path}:{_line_of(text, 'kind', line)}: intent '{name}': "
            f"'kind' must be one of {', '.join(KINDS)}, got {kind!r}"
        )

    def loc(key: str) -> str:
        return f"{path}:{_line_of(text, key, line)}: intent '{name}'"

    examples = _strings(raw.get("examples"), loc("examples"), "examples", required=True)
    cite = _strings(raw.get("cite"), loc("cite"), "cite", required=kind == "answer")
    evidence = _strings(raw.get("evidence"), loc("evidence"), "evidence", required=kind == "topic")
    cues = _strings(raw.get("cues"), loc("cues"), "cues", required=False)
    holds = _holds(raw.get("holds"), loc("holds"))
    for key in ("question", "lead", "response"):
        if key in raw and not (isinstance(raw[key], str) and raw[key].strip()):
            raise IntentError(f"{loc(key)}: '{key}' must be a non-empty string")
    response = raw.get("response")
    if kind == "smalltalk" and response is None:
        raise IntentError(f"{where}: intent '{name}': a smalltalk intent needs a 'response'")
    if response is not None:
        _check_template(response, loc("response"))
    return Intent(
        name=name,
        kind=kind,
        examples=examples,
        question=raw.get("question"),
        cite=cite,
        evidence=evidence,
        holds=holds,
        lead=raw.get("lead"),
        response=response,
        cues=cues,
        source=where,
    )


def _word_map(raw: Any, path: Path, text: str, table: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise IntentError(f"{path}:{_line_of(text, f'[{table}]')}: [{table}] must be a table")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            line = _line_of(text, key, _line_of(text, f"[{table}]"))
            raise IntentError(f"{path}:{line}: [{table}] {key!r} must map to a non-empty string")
        out[key.lower()] = value.lower()
    return out


def load_intents(paths: list[Path]) -> IntentSet:
    """Read every file in order; later files may add intents and override responses."""
    intents: list[Intent] = []
    responses: dict[str, str] = {}
    shorthand: dict[str, str] = {}
    synonyms: dict[str, str] = {}
    related: list[tuple[str, ...]] = []
    ignore: set[str] = set()
    question_types: list[QuestionType] = []
    names: dict[str, str] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise IntentError(f"{path}: invalid TOML: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise IntentError(f"{path}: cannot read: {exc}") from exc
        unknown = set(data) - {
            "intent",
            "responses",
            "shorthand",
            "synonyms",
            "related",
            "ignore",
            "question_type",
        }
        if unknown:
            key = sorted(unknown)[0]
            raise IntentError(f"{path}:{_line_of(text, key)}: unknown top-level key '{key}'")
        raw_intents = data.get("intent", [])
        if not isinstance(raw_intents, list):
            raise IntentError(f"{path}:{_line_of(text, 'intent')}: 'intent' must be [[intent]]")
        for raw, line in zip(
            raw_intents, _intent_lines(text) or [1] * len(raw_intents), strict=False
        ):
            intent = _parse_intent(raw, path, text, line)
            if intent.name in names:
                raise IntentError(
                    f"{intent.source}: intent '{intent.name}' is already defined "
                    f"at {names[intent.name]}"
                )
            names[intent.name] = intent.source
            intents.append(intent)
        if "responses" in data:
            for key, value in _word_map(data["responses"], path, text, "responses").items():
                where = f"{path}:{_line_of(text, key)}"
                if key not in REQUIRED_RESPONSES:
                    raise IntentError(f"{where}: unknown response '{key}'")
                _check_template(value, where)
            responses.update(
                {k.lower(): v for k, v in data["responses"].items() if isinstance(v, str)}
            )
        if "shorthand" in data:
            shorthand.update(_word_map(data["shorthand"], path, text, "shorthand"))
        if "synonyms" in data:
            synonyms.update(_word_map(data["synonyms"], path, text, "synonyms"))
        if "related" in data:
            where = f"{path}:{_line_of(text, 'related')}"
            groups = data["related"]
            if not isinstance(groups, list):
                raise IntentError(f"{where}: 'related' must be a list of lists of words")
            related += [_strings(g, where, "related", required=True) for g in groups]
        if "ignore" in data:
            where = f"{path}:{_line_of(text, 'ignore')}"
            ignore.update(
                w.lower() for w in _strings(data["ignore"], where, "ignore", required=True)
            )
        for raw in data.get("question_type", []):
            where = f"{path}:{_line_of(text, 'question_type')}"
            if not isinstance(raw, dict) or not {"asks", "says"} <= set(raw) <= _QUESTION_TYPE:
                raise IntentError(
                    f"{where}: a [[question_type]] needs 'asks' and 'says', and may have 'holds'"
                )
            question_types.append(
                QuestionType(
                    _strings(raw["asks"], where, "asks", required=True),
                    _strings(raw["says"], where, "says", required=True),
                    _holds(raw.get("holds"), where),
                )
            )
    missing = [key for key in REQUIRED_RESPONSES if key not in responses]
    if missing:
        raise IntentError(
            f"{', '.join(map(str, paths)) or 'intents'}: missing response(s) in [responses]: "
            + ", ".join(missing)
        )
    lexicon = Lexicon(tuple(related), frozenset(ignore), tuple(question_types))
    return IntentSet(tuple(intents), responses, shorthand, synonyms, lexicon)


def intent_files(directory: Path, policy_path: Path) -> list[Path]:
    """The shared files under common/, then the file named after the policy, if there is one."""
    files = sorted((directory / "common").glob("*.toml"))
    specific = directory / f"{policy_path.stem}.toml"
    if specific.is_file():
        files.append(specific)
    return files
