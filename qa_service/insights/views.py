"""Thin views: feedback on an answer, the report as JSON (bearer token) and the policy
owner's page behind its login form (session cookie)."""

from __future__ import annotations

import logging
import re

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from qa_service import validation
from qa_service.errors import Problem, problem_response
from qa_service.insights import auth
from qa_service.insights.page import render_dashboard, render_login
from qa_service.insights.report import MAX_DAYS, Report, make_report, report_json
from qa_service.serialise import json_reply
from qa_service.state import ENGINE, RECORDER, SETTINGS

log = logging.getLogger("qa_service")

DEFAULT_DAYS = 30


async def feedback(request: web.Request) -> web.Response:
    body = await validation.feedback_body(request, request.app[SETTINGS])
    recorder = request.app[RECORDER]
    try:
        known = await recorder.votable(body.answer_id)
    except (SQLAlchemyError, OSError) as exc:  # the database is down: not "not found"
        log.warning("insights: cannot check an answer id: %s", type(exc).__name__)
        raise Problem(503, "Feedback cannot be taken right now. Try again later.") from None
    if not known:
        raise Problem(
            404,
            "No answer has this id, or it is too old to rate (answers take feedback for a day).",
            title="Answer not found",
        )
    recorder.voted(body.answer_id, body.helpful, body.comment)
    return json_reply({"answer_id": body.answer_id, "helpful": body.helpful}, status=202)


def _days(request: web.Request) -> int:
    raw = request.query.get("days", str(DEFAULT_DAYS))
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= MAX_DAYS:
        raise Problem(422, f"'days' must be a whole number from 1 to {MAX_DAYS}.")
    return int(raw)


async def _report(request: web.Request, days: int) -> Report:
    try:
        return await make_report(request.app[RECORDER].store, request.app[ENGINE].engine, days)
    except (SQLAlchemyError, OSError) as exc:  # the database is down or unreachable
        log.warning("insights: cannot read the database: %s", type(exc).__name__)
        raise Problem(503, "The insights database is unavailable. Try again later.") from None


def _token(request: web.Request) -> str:
    token = request.app[SETTINGS].admin_token
    assert token is not None  # the routes exist only with a token
    return token


async def report(request: web.Request) -> web.Response:
    if not auth.bearer_ok(request.headers, _token(request)):
        return problem_response(
            401,
            "Send the admin token as 'Authorization: Bearer <token>'.",
            instance=request.path,
            headers={"WWW-Authenticate": 'Bearer realm="policy-qa insights"'},
        )
    return json_reply(report_json(await _report(request, _days(request))))


def _html(text: str, status: int = 200) -> web.Response:
    # What the page shows is private to the policy owner: never kept by a cache.
    return web.Response(
        text=text,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


async def page(request: web.Request) -> web.Response:
    title = request.app[ENGINE].engine.policy.title
    if not auth.session_ok(request.cookies.get(auth.COOKIE), _token(request)):
        return _html(render_login(title))
    return _html(render_dashboard(await _report(request, _days(request))))


def _secure(request: web.Request) -> bool:
    public_url = request.app[SETTINGS].public_url
    return request.secure or (public_url or "").startswith("https:")


def _check_site(request: web.Request) -> None:
    if not auth.same_site(request, request.app[SETTINGS].public_url):
        raise Problem(403, "This form may only be sent from this site's own pages.")


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


async def login(request: web.Request) -> web.Response:
    _check_site(request)
    form = await request.post()
    sent = form.get("token")
    if not isinstance(sent, str) or not auth.token_ok(sent, _token(request)):
        title = request.app[ENGINE].engine.policy.title
        return _html(render_login(title, "That is not the admin token."), status=401)
    response = _see_other("/insights")
    auth.set_session(response, _token(request), secure=_secure(request))
    return response


async def logout(request: web.Request) -> web.Response:
    _check_site(request)
    response = _see_other("/insights")
    auth.clear_session(response)
    return response
