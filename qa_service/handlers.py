"""Thin views: validate the request, call the engine, serialise the result."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from qa_service import validation
from qa_service.errors import Problem
from qa_service.logs import clean
from qa_service.offload import OFFLOAD
from qa_service.openapi import spec
from qa_service.serialise import answer_json, clause_json, hits_json, json_reply, policy_json
from qa_service.state import ENGINE, RECORDER, SETTINGS

log = logging.getLogger("qa_service")


async def ask(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    body = await validation.ask_body(request, settings)
    engine = request.app[ENGINE].engine
    answer = await request.app[OFFLOAD].run(engine.answer, body.question)
    if settings.log_questions:  # opt-in; redacted and on one line (so is every log argument)
        log.info("question (%s, %s): %s", answer.status, answer.intent, clean(body.question))
    recorder = request.app.get(RECORDER)  # queued for insights, written in the background
    answer_id = (
        recorder.asked(answer, body.question, body.channel, engine.policy) if recorder else None
    )
    return json_reply(answer_json(answer, answer_id, settings.public_url))


async def search(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    params = validation.search_params(request, settings)
    engine = request.app[ENGINE].engine
    offload = request.app[OFFLOAD]
    hits = await offload.run(
        lambda q: engine.search(q, params.limit, prefix=params.prefix), params.query
    )
    found = hits_json(params.query, hits, settings.public_url)
    if params.answer:  # the console's one request when the agent pauses: clauses and answer
        answer = await offload.run(engine.answer, params.query)
        recorder = request.app.get(RECORDER)  # recorded like an asked question
        answer_id = (
            recorder.asked(answer, params.query, params.channel, engine.policy)
            if recorder
            else None
        )
        found["answer"] = answer_json(answer, answer_id, settings.public_url)
    return json_reply(found)


async def clauses(request: web.Request) -> web.Response:
    engine = request.app[ENGINE].engine
    base = request.app[SETTINGS].public_url
    return json_reply(
        {
            "policy": policy_json(engine.policy, engine.contact),
            "clauses": [clause_json(c, base) for c in engine.policy.clauses],
        }
    )


async def clause(request: web.Request) -> web.Response:
    found = request.app[ENGINE].engine.policy.clause(request.match_info["clause_id"])
    if found is None:
        raise Problem(404, "No clause has this id.", title="Clause not found")
    return json_reply(clause_json(found, request.app[SETTINGS].public_url))


async def healthz(request: web.Request) -> web.Response:
    engine = request.app[ENGINE].engine
    recorder = request.app.get(RECORDER)
    insights: dict[str, Any] = {"enabled": recorder is not None}
    if recorder is not None:
        stats = recorder.stats
        insights.update(recorded=stats.recorded, dropped=stats.dropped, queued=stats.queued)
    return json_reply(
        {
            "status": "ok",
            "policy": engine.policy.title,
            "clauses": len(engine.policy.clauses),
            "intents": len(engine.routes),
            "insights": insights,
        }
    )


async def openapi(request: web.Request) -> web.Response:
    return json_reply(spec())
