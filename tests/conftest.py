"""Shared fixtures: the engine on the bundled statement, built once, and an API client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.answering import Engine
from qa_service.app import create_app
from qa_service.config import Settings

DATA = Path(__file__).parent / "data"

ClientFactory = Callable[[web.Application], Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_settings(Settings())


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, engine: Engine
) -> TestClient[web.Request, web.Application]:
    return await aiohttp_client(create_app(Settings(), engine=engine))
