"""Thin views: parse and validate the request, call the engine, serialise the result."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from qa_service.answering import Answer, Engine, SearchHit
from qa_service.config import Settings
from qa_service.corpus import Clause, Contact, Policy
from qa_service.errors import Problem
from qa_service.matcher import MATCHER
from qa_service.openapi import spec
from qa_service.redact import redact
from qa_service.visible import blank

log = logging.getLogger("qa_service")


@dataclass(slots=True)
class EngineRef:
    """The engine in service; a policy reload swaps `.engine` while requests keep the one they
    read (app state itself cannot be reassigned once the app has started)."""

    engine: Engine


ENGINE = web.AppKey("engine", EngineRef)
SETTINGS = web.AppKey("settings", Settings)


# --- serialisation (shared with the CLI's --json) -------------------------------------------


def clause_json(clause: Clause) -> dict[str, Any]:
    return {
        "clause_id": clause.id,
        "text": clause.text,
        "section": clause.section,
        "position": clause.position,
        "paragraph": clause.paragraph,
        "sentence": clause.sentence,
        "url": f"/policy#{clause.id}",
    }


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "email": contact.email,
        "phone": contact.phone,
        "address": contact.address,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "status": answer.status,
        "answer": answer.answer,
        "citations": [
            {**clause_json(c.clause), "score": round(c.score, 4)} for c in answer.citations
        ],
        "confidence": answer.confidence,
        "contact": contact_json(answer.contact),
        "suggestions": list(answer.suggestions),
        "intent": answer.intent,
    }


def hits_json(query: str, hits: list[SearchHit]) -> dict[str, Any]:
    return {
        "query": query,
        "results": [
            {**clause_json(h.clause), "score": h.score, "matched": list(h.matched)} for h in hits
        ],
    }


def policy_json(policy: Policy, contact: Contact) -> dict[str, Any]:
    return {
        "title": policy.title,
        "owner": policy.owner,
        "effective_date": policy.effective_date,
        "effective_date_iso": policy.effective_date_iso,
        "contact": contact_json(contact),
        "sections": [
            {"index": s.index, "title": s.title, "clause_ids": list(s.clause_ids)}
            for s in policy.sections
        ],
    }


def json_reply(data: Any, *, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON reply, encoded by orjson straight to UTF-8 bytes: an answer's reply in a tenth
    of the json module's time, the same JSON but for spacing."""
    return web.Response(
        body=orjson.dumps(data), content_type="application/json", charset="utf-8", headers=headers
    )


# --- request parsing ------------------------------------------------------------------------


async def _question(request: web.Request) -> str:
    settings = request.app[SETTINGS]
    if request.content_length is not None and request.content_length > settings.max_body_bytes:
        raise Problem(413, f"The request body must be at most {settings.max_body_bytes} bytes.")
    if request.content_type != "application/json":
        raise Problem(
            415,
            "Send the question as JSON with 'Content-Type: application/json'.",
        )
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
        raise Problem(422, 'The JSON body must be an object such as {"question": "..."}.')
    question = body.get("question")
    if question is None:
        raise Problem(422, "The field 'question' is required.")
    if not isinstance(question, str):
        raise Problem(422, "The field 'question' must be a string.")
    if blank(question):
        raise Problem(422, "The field 'question' must not be empty.")
    if len(question) > settings.max_question_chars:
        raise Problem(
            422,
            f"The field 'question' must be at most {settings.max_question_chars} characters.",
        )
    return question


# --- views ----------------------------------------------------------------------------------


async def ask(request: web.Request) -> web.Response:
    question = await _question(request)
    answer = await request.app[MATCHER].run(request.app[ENGINE].engine.answer, question)
    if request.app[SETTINGS].log_questions:  # opt-in, and redacted (the log filter redacts too)
        log.info("question (%s, %s): %s", answer.status, answer.intent, redact(question))
    return json_reply(answer_json(answer))


async def search(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
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
    raw_prefix = request.query.get("prefix", "false").lower()
    if raw_prefix not in {"true", "false", "1", "0"}:
        raise Problem(422, "'prefix' must be true or false.")
    engine = request.app[ENGINE].engine
    prefix = raw_prefix in {"true", "1"}
    hits = await request.app[MATCHER].run(lambda q: engine.search(q, limit, prefix=prefix), query)
    return json_reply(hits_json(query, hits))


async def clauses(request: web.Request) -> web.Response:
    engine = request.app[ENGINE].engine
    return json_reply(
        {
            "policy": policy_json(engine.policy, engine.contact),
            "clauses": [clause_json(c) for c in engine.policy.clauses],
        }
    )


async def clause(request: web.Request) -> web.Response:
    clause_id = request.match_info["clause_id"]
    found = request.app[ENGINE].engine.policy.clause(clause_id)
    if found is None:
        raise Problem(404, "No clause has this id.", title="Clause not found")
    return json_reply(clause_json(found))


async def healthz(request: web.Request) -> web.Response:
    engine = request.app[ENGINE].engine
    return json_reply(
        {
            "status": "ok",
            "policy": engine.policy.title,
            "clauses": len(engine.policy.clauses),
            "intents": len(engine.routes),
        }
    )


async def openapi(request: web.Request) -> web.Response:
    return json_reply(spec())
