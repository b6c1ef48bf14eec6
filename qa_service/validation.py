"""Request validation: the question and feedback bodies, the search parameters, and what counts
as an empty question (nothing but whitespace, control or invisible format characters: one regex
serves the views and the OpenAPI spec, so they cannot disagree)."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from qa_service.config import Settings
from qa_service.errors import Problem
from qa_service.insights.recorder import CHANNELS, Channel


def _invisible_ranges() -> list[tuple[int, int]]:
    # The Basic Multilingual Plane only: the pattern must read the same in JSON Schema's
    # ECMA-262 dialect (\uXXXX escapes) as in Python's re.
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return ranges


def _escape(cp: int) -> str:
    return f"\\u{cp:04x}"


INVISIBLE_CLASS = "".join(
    _escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in _invisible_ranges()
)
# Found anywhere in a string, this means "at least one visible character".
VISIBLE_PATTERN = f"[^{INVISIBLE_CLASS}]"
_VISIBLE = re.compile(VISIBLE_PATTERN)
assert sys.maxunicode > 0xFFFF  # \uXXXX ranges above assume a wide build (always, since 3.3)


def blank(text: str) -> bool:
    return _VISIBLE.search(text) is None


async def _json_object(
    request: web.Request, settings: Settings, what: str, example: str
) -> dict[str, Any]:
    """The request's JSON body (`what` it holds), which must be an object like `example`."""
    if request.content_length is not None and request.content_length > settings.max_body_bytes:
        raise Problem(413, f"The request body must be at most {settings.max_body_bytes} bytes.")
    if request.content_type != "application/json":
        raise Problem(415, f"Send the {what} as JSON with 'Content-Type: application/json'.")
    raw = await request.read()
    if len(raw) > settings.max_body_bytes:
        raise Problem(413, f"The request body must be at most {settings.max_body_bytes} bytes.")
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Problem(400, "The request body is not valid UTF-8.") from None
    except RecursionError:
        raise Problem(400, "The JSON body is nested too deeply.") from None
    except ValueError as exc:
        raise Problem(400, f"The request body is not valid JSON: {exc.args[0]}") from None
    if not isinstance(body, dict):
        raise Problem(422, f"The JSON body must be an object such as {example}.")
    return body


@dataclass(frozen=True, slots=True)
class AskBody:
    question: str
    channel: Channel  # who asks: the widget, the agent console or (by default) the API


async def ask_body(request: web.Request, settings: Settings) -> AskBody:
    """The `question` (and `channel`) of a body such as {"question": "..."}, or a Problem
    saying why not."""
    body = await _json_object(request, settings, "question", '{"question": "..."}')
    text = body.get("question")
    if text is None:
        raise Problem(422, "The field 'question' is required.")
    if not isinstance(text, str):
        raise Problem(422, "The field 'question' must be a string.")
    if blank(text):
        raise Problem(422, "The field 'question' must not be empty.")
    if len(text) > settings.max_question_chars:
        raise Problem(
            422, f"The field 'question' must be at most {settings.max_question_chars} characters."
        )
    channel = body.get("channel", "api")
    if channel not in CHANNELS:
        raise Problem(422, f"The field 'channel' must be one of {', '.join(CHANNELS)}.")
    return AskBody(text, channel)


MAX_COMMENT_CHARS = 500
# What /api/v1/ask gives: secrets.token_urlsafe's alphabet, and never very long.
ANSWER_ID_PATTERN = "^[A-Za-z0-9_-]{1,64}$"
_ANSWER_ID = re.compile(ANSWER_ID_PATTERN)


@dataclass(frozen=True, slots=True)
class FeedbackBody:
    answer_id: str
    helpful: bool
    comment: str | None


async def feedback_body(request: web.Request, settings: Settings) -> FeedbackBody:
    """`answer_id`, `helpful` and the optional `comment` of a vote on an answer."""
    example = '{"answer_id": "...", "helpful": true}'
    body = await _json_object(request, settings, "feedback", example)
    answer_id = body.get("answer_id")
    if not isinstance(answer_id, str):
        raise Problem(422, "The field 'answer_id' is required: the answer_id /api/v1/ask gave.")
    if not _ANSWER_ID.fullmatch(answer_id):
        raise Problem(404, "No answer has this id.", title="Answer not found")
    helpful = body.get("helpful")
    if not isinstance(helpful, bool):
        raise Problem(422, "The field 'helpful' is required and must be true or false.")
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise Problem(422, "The field 'comment' must be a string.")
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise Problem(422, f"The field 'comment' must be at most {MAX_COMMENT_CHARS} characters.")
    if comment is not None and blank(comment):
        comment = None
    return FeedbackBody(answer_id, helpful, comment.strip() if comment else None)


@dataclass(frozen=True, slots=True)
class SearchParams:
    query: str
    limit: int
    prefix: bool
    answer: bool  # also what the widget would answer to the query, in the same reply
    channel: Channel  # who asks, for the insights, when `answer` is asked for


def _flag(request: web.Request, name: str) -> bool:
    raw = request.query.get(name, "false").lower()
    if raw not in {"true", "false", "1", "0"}:
        raise Problem(422, f"'{name}' must be true or false.")
    return raw in {"true", "1"}


def search_params(request: web.Request, settings: Settings) -> SearchParams:
    """`q`, `limit`, `prefix`, `answer` and `channel` of a search request, or a Problem saying
    what is wrong."""
    query = request.query.get("q", "")
    if blank(query):
        raise Problem(422, "The query parameter 'q' is required and must not be empty.")
    if len(query) > settings.max_question_chars:
        raise Problem(422, f"'q' must be at most {settings.max_question_chars} characters.")
    raw_limit = request.query.get("limit", "5")
    # int() would also take " 7 ", "1_0" and other scripts' digits; the API means ASCII digits.
    if not re.fullmatch(r"-?[0-9]+", raw_limit):
        raise Problem(422, "'limit' must be a whole number.")
    limit = int(raw_limit) if len(raw_limit) <= 10 else 0  # no 4000-digit int() on request
    if not 1 <= limit <= settings.max_search_limit:
        raise Problem(422, f"'limit' must be between 1 and {settings.max_search_limit}.")
    channel = request.query.get("channel", "api")
    if channel not in CHANNELS:
        raise Problem(422, f"'channel' must be one of {', '.join(CHANNELS)}.")
    return SearchParams(query, limit, _flag(request, "prefix"), _flag(request, "answer"), channel)
