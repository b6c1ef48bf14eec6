"""The exception hierarchy and the one error shape: RFC 9457 problem details."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the core raises these without importing the web server
    from aiohttp import web

PROBLEM_TYPE = "application/problem+json"


class QAError(Exception):
    """Something policy-qa was given cannot be used; the message says what and where."""


class PolicyError(QAError, ValueError):
    """The policy file cannot be used (empty, unreadable, no clauses)."""


class IntentError(QAError, ValueError):
    """An intent file is invalid; the message names the file and line."""


class DatabaseError(QAError, ValueError):
    """The insights database setting cannot be used (an unknown kind of URL, a file that
    cannot be written)."""


class ReloadError(QAError):
    """The new policy or intents could not be loaded; the old engine is still in service."""


class Problem(Exception):
    """An error a client caused or should see, rendered as problem details."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.extra = extra


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> web.Response:
    slug = (title or HTTPStatus(status).phrase).lower().replace(" ", "-")
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    from aiohttp import web

    return web.Response(
        status=status,
        text=json.dumps(body),
        content_type=PROBLEM_TYPE,
        headers=headers,
    )
