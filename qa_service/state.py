"""What the application keeps between requests: its settings, the engine in service and the
insights recorder."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.insights.recorder import Recorder


@dataclass(slots=True)
class EngineRef:
    """The engine in service; a policy reload swaps `.engine` while requests keep the one they
    read (app state itself cannot be reassigned once the app has started)."""

    engine: Engine


ENGINE = web.AppKey("engine", EngineRef)
SETTINGS = web.AppKey("settings", Settings)
RECORDER = web.AppKey("insights_recorder", Recorder)  # only while insights are on
