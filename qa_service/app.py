"""The aiohttp application factory."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.web_response import StreamResponse

from qa_service import (
    cors,
    handlers,
    lifecycle,
    limits,
    offload,
    pages,
    ratelimit,
    reloading,
    security,
)
from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.errors import Problem, problem_response
from qa_service.insights import service as insights
from qa_service.logs import AccessLogger, install_filters
from qa_service.state import ENGINE, SETTINGS, EngineRef

log = logging.getLogger("qa_service")

Handler = Callable[[web.Request], Awaitable[StreamResponse]]


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> StreamResponse:
    """Every 4xx and 5xx leaves as problem details; no stack trace ever reaches a client."""
    try:
        return await handler(request)
    except Problem as exc:
        return problem_response(
            exc.status, exc.detail, title=exc.title, instance=request.path, **exc.extra
        )
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() in {"allow", "retry-after"}}
        detail = {
            404: "There is nothing at this address.",
            405: f"{request.method} is not allowed here.",
            413: "The request body is too large.",
        }.get(exc.status, exc.text or exc.reason)
        return problem_response(exc.status, detail, instance=request.path, headers=headers)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(500, "Something went wrong on our side.", instance=request.path)


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None
) -> web.Application:
    settings = insights.effective(settings or Settings())
    install_filters()
    security.install_protocol_problems()
    app = web.Application(
        middlewares=[
            security.middleware,
            lifecycle.middleware,
            *([ratelimit.middleware] if settings.rate_limit > 0 else []),
            problem_middleware,
            limits.body_deadline,
        ],
        client_max_size=settings.max_body_bytes,
        # Here rather than in a runner, so every runner (tests, gunicorn) logs without queries
        # and gives a client `read_timeout` to send a request's head (aiohttp's keep-alive
        # timer runs from the connection's start, or its last response, to a complete head).
        handler_args={
            "access_log_class": AccessLogger,
            "keepalive_timeout": settings.read_timeout,
        },
    )
    app[SETTINGS] = settings
    app[ENGINE] = EngineRef(engine or Engine.from_settings(settings))
    app.cleanup_ctx.append(offload.setup)
    ratelimit.setup(app, settings)
    reloading.setup(app)
    lifecycle.setup(app)
    insights.setup(app)
    app.router.add_post("/api/v1/ask", handlers.ask)
    app.router.add_get("/api/v1/search", handlers.search)
    app.router.add_get("/api/v1/clauses", handlers.clauses)
    app.router.add_get("/api/v1/clauses/{clause_id}", handlers.clause)
    app.router.add_get("/healthz", handlers.healthz)
    app.router.add_get("/openapi.json", handlers.openapi)
    pages.setup(app)
    cors.setup(app)
    return app
