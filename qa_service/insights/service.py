"""Insights in the running service: the settings checked, the recorder started and stopped
with the application (SIGTERM writes what is queued), and the routes added."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace

from aiohttp import web

from qa_service.config import Settings
from qa_service.errors import DatabaseError
from qa_service.insights import views
from qa_service.insights.recorder import Recorder
from qa_service.insights.store import (
    Store,
    database_url,
    default_database,
    display,
    writable_file,
)
from qa_service.state import RECORDER, SETTINGS

log = logging.getLogger("qa_service")


def effective(settings: Settings) -> Settings:
    """The settings to serve with. The default database file that cannot be written turns
    insights off with one warning; a database that was given and cannot be used raises
    DatabaseError (a server that is down is tried again later, and is no error here)."""
    if not settings.insights:
        return settings
    url = database_url(settings.database)
    try:
        writable_file(url)
    except DatabaseError as exc:
        if settings.database is not None:
            raise
        log.warning(
            "insights are off: the default database %s cannot be used (%s); "
            "give --database sqlite:///PATH, or --insights off to silence this",
            default_database(),
            exc,
        )
        return replace(settings, insights=False)
    return settings


async def _recording(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: migrations applied, the writer running, for the app's lifetime."""
    settings = app[SETTINGS]
    url = database_url(settings.database)
    recorder = Recorder(
        Store(url),
        text=settings.insights_text,
        days=settings.insights_days,
        interval=settings.insights_flush,
    )
    await recorder.prepare()
    recorder.start()
    app[RECORDER] = recorder
    log.info("insights: recording to %s (text: %s)", display(url), settings.insights_text)
    yield
    await recorder.close()


NOTICE = "Questions are kept without personal details to improve answers."


def widget_notice(settings: Settings) -> dict[str, str] | None:
    """The line the widget's footer shows while insights are on (docs/privacy.md)."""
    if not settings.insights:
        return None
    return {"text": NOTICE, "url": settings.privacy_url}


def setup(app: web.Application) -> None:
    """Adds the recorder and the feedback route when insights are on, and the report's
    routes when an admin token is configured too."""
    settings = app[SETTINGS]
    if not settings.insights:
        return
    app.cleanup_ctx.append(_recording)
    app.router.add_post("/api/v1/feedback", views.feedback)
    if settings.admin_token:
        app.router.add_get("/api/v1/insights", views.report)
        app.router.add_get("/insights", views.page)
        app.router.add_post("/insights/login", views.login)
        app.router.add_post("/insights/logout", views.logout)
