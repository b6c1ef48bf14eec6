"""PostgreSQL as the shared store: two service processes see each other's records and votes,
and a database that stops mid-run costs records, never answers, until it is back."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from tests.polling import until, until_sync
from tests.postgres import Cluster, bindir

Client = TestClient[web.Request, web.Application]
TOKEN = "postgres-test-token"


def call(url: str, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_two_processes_on_one_database_see_each_others_records(
    serve: Callable[..., Any], postgres: Cluster
) -> None:
    database = postgres.create_database()
    env = {"POLICY_QA_INSIGHTS_FLUSH": "0.1", "POLICY_QA_ADMIN_TOKEN": TOKEN}
    first = serve("--database", database, env=env)
    second = serve("--database", database, env=env)
    status, answer = call(
        f"{first.url}/api/v1/ask",
        {"question": "Do you have a data protection officer?", "channel": "widget"},
    )
    assert status == 200
    status, _ = call(
        f"{second.url}/api/v1/ask", {"question": "Can I get a copy of my data?", "channel": "agent"}
    )
    assert status == 200

    for served in (first, second):
        report = until_sync(
            lambda s=served: call(f"{s.url}/api/v1/insights?days=1", token=TOKEN)[1],
            lambda r: r["questions"] == 2,
        )
        assert report["channels"] == {"widget": 1, "agent": 1, "api": 0}
        examples = {e for group in report["unanswered"] for e in group["examples"]}
        assert examples == {
            "Do you have a data protection officer?",
            "Can I get a copy of my data?",
        }

    # A visitor whose vote reaches the other process: it finds the answer in the database.
    vote = {"answer_id": answer["answer_id"], "helpful": False, "comment": "not this"}
    assert call(f"{second.url}/api/v1/feedback", vote)[0] == 202
    report = until_sync(
        lambda: call(f"{first.url}/api/v1/insights?days=1", token=TOKEN)[1],
        lambda r: r["helpful"]["votes"] == 1,
    )
    assert report["comments"][0]["comment"] == "not this"


@pytest.fixture
def own_cluster(postgres: Cluster) -> Iterator[Cluster]:
    """A server of this test's own, to stop and start (`postgres` proves one can run)."""
    found = bindir()
    assert found is not None
    cluster = Cluster(found)
    cluster.start()
    yield cluster
    cluster.destroy()


async def test_a_database_that_stops_costs_records_never_answers(
    aiohttp_client: Any,
    engine: Engine,
    own_cluster: Cluster,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(
        rate_limit=0, database=own_cluster.url(), insights_flush=0.05, admin_token=TOKEN
    )
    client: Client = await aiohttp_client(create_app(settings, engine=engine))
    auth = {"Authorization": f"Bearer {TOKEN}"}

    async def ask(question: str) -> dict[str, Any]:
        resp = await client.post("/api/v1/ask", json={"question": question})
        assert resp.status == 200  # whatever the database is doing
        data: dict[str, Any] = await resp.json()
        assert data["answer_id"]
        return data

    async def health() -> dict[str, Any]:
        data: dict[str, Any] = (await (await client.get("/healthz")).json())["insights"]
        return data

    async def report() -> dict[str, Any]:
        data: dict[str, Any] = await (await client.get("/api/v1/insights", headers=auth)).json()
        return data

    await ask("Do you sell my email?")
    await until(health, lambda h: h["recorded"] == 1)

    await asyncio.to_thread(own_cluster.stop)  # the service goes on meanwhile
    with caplog.at_level(logging.WARNING, logger="qa_service"):
        answers = [await ask(f"Do you keep my data, question {n}?") for n in range(30)]
        vote = {"answer_id": answers[0]["answer_id"], "helpful": True}
        assert (await client.post("/api/v1/feedback", json=vote)).status == 202  # known here
        down = await until(health, lambda h: h["dropped"] + h["recorded"] == 32)
        assert down["dropped"] >= 1
        resp = await client.get("/api/v1/insights", headers=auth)
        assert resp.status == 503  # the report says so, rather than a 500

        await asyncio.to_thread(own_cluster.start)
        back = "Do you have a data protection officer?"
        await ask(back)
        after = await until(report, lambda r: r.get("questions", 0) >= 2)
    examples = {e for group in after["unanswered"] for e in group["examples"]}
    assert back in examples
    final = await health()
    assert final["dropped"] == down["dropped"]  # nothing more lost once it was back
    lines = [r.getMessage() for r in caplog.records if r.name == "qa_service"]
    dropped_lines = [m for m in lines if "dropped (" in m]
    assert len(dropped_lines) == 1  # once per interval, not once per event
    assert any("writing again" in m for m in lines)
