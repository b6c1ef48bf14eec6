"""The insights report: clustering of unanswered questions on its own, then GET
/api/v1/insights over a real store (SQLite and PostgreSQL) behind the admin token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine, Tuning
from qa_service.insights.report import cluster
from tests.conftest import DATA
from tests.polling import until

Client = TestClient[web.Request, web.Application]
TOKEN = "report-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

AGE = [
    "how old do i need to be to buy rockets",
    "How old do you need to be to buy a rocket?",
    "how old must i be to buy rockets",
    "hw old do i need to be to by rockets",
    "how old do i need to be to buy rockets",
]
APP = ["do you have a mobile app", "do u have a mobile app?", "Do you have a mobile app"]
WEATHER = ["what's the weather tomorrow"]


def test_near_duplicates_are_grouped_and_counted_with_repeats() -> None:
    groups = cluster([*AGE, *APP, *WEATHER])
    assert [count for count, _ in groups] == [5, 3, 1]
    age, app, weather = (set(examples) for _, examples in groups)
    assert "how old do i need to be to buy rockets" in age
    assert "hw old do i need to be to by rockets" in age  # typos and all
    assert len(app) == 2  # differing only in case and a final "?", two are one question
    assert weather == {"what's the weather tomorrow"}


def test_the_most_asked_wording_comes_first() -> None:
    [(count, examples)] = cluster(["do u sell my data", *["do you sell my data"] * 3])
    assert count == 4
    assert examples[0] == "do you sell my data"


def test_nothing_to_cluster_gives_no_groups() -> None:
    assert cluster([]) == []
    assert cluster(["???"]) == [(1, ["???"])]


@pytest.fixture
def report_client(aiohttp_client: Any, engine: Engine, database: str) -> Callable[..., Any]:
    async def make(**overrides: Any) -> Client:
        settings = Settings(
            rate_limit=0,
            database=database,
            insights_flush=0.05,
            admin_token=TOKEN,
            **overrides,
        )
        client: Client = await aiohttp_client(create_app(settings, engine=engine))
        return client

    return make


async def ask(client: Client, question: str, channel: str = "api") -> dict[str, Any]:
    resp = await client.post("/api/v1/ask", json={"question": question, "channel": channel})
    data: dict[str, Any] = await resp.json()
    return data


async def report(client: Client, days: int = 7) -> dict[str, Any]:
    resp = await client.get(f"/api/v1/insights?days={days}", headers=AUTH)
    assert resp.status == 200
    data: dict[str, Any] = await resp.json()
    return data


async def test_the_report_counts_rates_clauses_and_clusters(
    report_client: Callable[..., Any], engine: Engine
) -> None:
    client = await report_client()
    sold = [await ask(client, "Do you sell my email address?", "widget") for _ in range(3)]
    await ask(client, "Do you use cookies?", "agent")
    dpo = [
        "Do you have a data protection officer?",
        "do you have a data protection officer",
        "do u have a data protection oficer?",
    ]
    for question in dpo:
        assert (await ask(client, question))["status"] == "fallback"
    votes = [(sold[0], True), (sold[1], True), (sold[2], False)]
    for given, helpful in votes:
        vote = {"answer_id": given["answer_id"], "helpful": helpful}
        assert (await client.post("/api/v1/feedback", json=vote)).status == 202

    data = await until(lambda: report(client), lambda r: r["helpful"]["votes"] == 3)
    assert data["questions"] == 7
    today = data["per_day"][-1]
    assert (today["answered"], today["fallback"]) == (4, 3)
    assert len(data["per_day"]) == 7 and data["until"] == today["day"]
    assert data["answer_rate"] == pytest.approx(4 / 7, abs=1e-3)
    assert data["channels"] == {"widget": 3, "agent": 1, "api": 3}
    assert data["helpful"] == {"votes": 3, "helpful": 2, "rate": pytest.approx(2 / 3, abs=1e-3)}
    [sell] = [i for i in data["intents"] if i["intent"] == sold[0]["intent"]]
    assert (sell["questions"], sell["votes"], sell["helpful"]) == (3, 3, 2)
    top = data["clauses"][0]
    assert top["clause_id"] == sold[0]["citations"][0]["clause_id"]
    assert top["questions"] == 3
    assert top["text"] == engine.policy.clause(top["clause_id"]).text  # type: ignore[union-attr]
    [group] = data["unanswered"]
    assert group["count"] == 3
    assert set(group["examples"]) <= set(dpo)
    nearest = group["nearest_clause"]
    assert nearest is None or engine.policy.clause(nearest["clause_id"]) is not None
    assert data["policy"]["title"] == engine.policy.title


COURIER = [
    "which courier do you use",
    "what courier do you use?",
    "Which courier company do you use?",
    "which couriers do you use",
]


async def test_each_group_shows_the_clause_nearest_to_it(
    aiohttp_client: Any, database: str
) -> None:
    """The courier questions fall back (an engine that answers nothing by retrieval alone),
    and the report points at the clause that would answer them."""
    plain = Engine.from_settings(Settings(policy=DATA / "policies" / "acme_rockets.md"))
    acme = Engine(plain.policy, plain.intents, tuning=replace(Tuning(), answer_at=1.0))
    settings = Settings(rate_limit=0, database=database, insights_flush=0.05, admin_token=TOKEN)
    client: Client = await aiohttp_client(create_app(settings, engine=acme))
    for question in COURIER:
        assert (await ask(client, question))["status"] == "fallback"
    data = await until(lambda: report(client), lambda r: r["questions"] == 4)
    [group] = data["unanswered"]
    assert group["count"] == 4
    assert "couriers, e.g. Royal Mail and DPD" in group["nearest_clause"]["text"]


async def test_a_wrong_or_missing_token_is_401(report_client: Callable[..., Any]) -> None:
    client = await report_client()
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {TOKEN}"}):
        resp = await client.get("/api/v1/insights", headers=headers)
        assert resp.status == 401
        assert resp.content_type == "application/problem+json"
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")


async def test_without_an_admin_token_there_is_no_report(
    aiohttp_client: Any, engine: Engine, database: str
) -> None:
    app = create_app(Settings(rate_limit=0, database=database), engine=engine)
    client: Client = await aiohttp_client(app)
    resp = await client.get("/api/v1/insights", headers=AUTH)
    assert resp.status == 404
    assert (await client.get("/insights")).status == 404


@pytest.mark.parametrize("days", ["0", "367", "-1", "seven", "1e3", ""])
async def test_days_out_of_range_is_a_422(report_client: Callable[..., Any], days: str) -> None:
    client = await report_client()
    resp = await client.get(f"/api/v1/insights?days={days}", headers=AUTH)
    assert resp.status == 422
    assert "days" in (await resp.json())["detail"]
