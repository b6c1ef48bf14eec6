"""The insights commands: `run.py db upgrade`, `run.py insights [--json] [--csv]`, and the
loop `run.py insights suggest` closes: unanswered paraphrases become an intent that answers
them. Also: SIGTERM writes what the service still had queued."""

from __future__ import annotations

import asyncio
import csv
import json
import re
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from qa_service.app import create_app
from qa_service.cli import main
from qa_service.config import DEFAULT_INTENTS, Settings
from qa_service.engine import Engine, Tuning
from qa_service.insights.store import Question, Store, database_url
from tests.conftest import DATA
from tests.polling import until_sync

Client = TestClient[web.Request, web.Application]
ACME = DATA / "policies" / "acme_rockets.md"
COURIER = [
    "which courier do you use",
    "what courier do you use?",
    "Which courier company do you use?",
    "which couriers do you use",
]


def run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    code = exited.value.code
    return code if isinstance(code, int) else 1


async def seed(url: str, rows: list[Question]) -> None:
    store = Store(database_url(url))
    try:
        await store.upgrade()
        await store.write(rows, [])
    finally:
        await store.close()


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)


def test_db_upgrade_migrates_and_says_to_what(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new" / "insights.db"
    assert run(["db", "upgrade", "--database", f"sqlite:///{db}"]) == 0
    assert "schema at revision 0001" in capsys.readouterr().out
    assert db.exists()
    assert run(["db", "upgrade", "--database", f"sqlite:///{db}"]) == 0  # again: no change


def test_db_upgrade_on_postgresql(postgres: Any, capsys: pytest.CaptureFixture[str]) -> None:
    url = postgres.create_database()
    assert run(["db", "upgrade", "--database", url]) == 0
    out = capsys.readouterr().out
    assert "revision 0001" in out
    assert "postgresql+asyncpg://postgres@127.0.0.1" in out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["db", "upgrade", "--database", "mysql://db/qa"], 2, "SQLite or PostgreSQL"),
        (["insights", "--database", "sqlite://"], 2, "must be a file"),
        (["insights", "--days", "0"], 2, "--days"),
        (["db", "upgrade", "--database", "postgresql://u:secret@127.0.0.1:1/x"], 2, "unavailable"),
    ],
)
def test_bad_database_settings_are_one_clear_line(
    argv: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == code
    err = capsys.readouterr().err
    assert err.startswith("error:")
    assert message in err
    assert "secret" not in err
    assert "Traceback" not in err


def test_insights_prints_the_report_as_text_json_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    url = f"sqlite:///{tmp_path / 'i.db'}"
    clause = engine.policy.clauses[0].id
    rows = [
        Question(f"a{n}", now(), "widget", "answered", "owner", 0.9, "v", None, (clause,))
        for n in range(3)
    ]
    rows += [
        Question(f"f{n}", now(), "api", "fallback", None, 0.6, "v", text, ())
        for n, text in enumerate(["=HYPERLINK(1)", "do you have a dpo", "do you have a dpo?"])
    ]
    asyncio.run(seed(url, rows))

    assert run(["insights", "--database", url, "--days", "7"]) == 0
    text = capsys.readouterr().out
    assert "questions: 6" in text
    assert "answer rate: 50%" in text
    assert re.search(rf"^ +3 +- +{clause}: ", text, re.MULTILINE)  # asked 3 times, no votes
    assert "asked 2 time(s): do you have a dpo" in text  # "?" or not, one question

    out_csv = tmp_path / "report.csv"
    assert run(["insights", "--database", url, "--json", "--csv", str(out_csv)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["questions"] == 6
    assert data["channels"] == {"widget": 3, "agent": 0, "api": 3}
    assert data["clauses"][0]["clause_id"] == clause
    with out_csv.open(newline="") as f:
        table = list(csv.DictReader(f))
    assert {"section": "channels", "item": "widget", "metric": "questions", "value": "3"} in table
    examples = [r["value"] for r in table if r["metric"] == "example"]
    assert any(e.startswith("do you have a dpo") for e in examples)
    assert "'=HYPERLINK(1)" in examples  # a spreadsheet shows it, never runs it


async def ask_all(engine: Engine, url: str, questions: list[str]) -> list[str]:
    """Each question through the API of a service recording to `url`; their statuses."""
    app = create_app(Settings(rate_limit=0, database=url, insights_flush=0.05), engine=engine)
    statuses: list[str] = []
    async with TestClient(TestServer(app)) as client:
        for question in questions:
            resp = await client.post("/api/v1/ask", json={"question": question})
            statuses.append((await resp.json())["status"])
    return statuses  # the service has stopped: its last writes are flushed


def test_suggested_intents_answer_the_questions_that_were_unanswered(tmp_path: Path) -> None:
    """Visitors ask the same thing four ways and get fallbacks (here an engine that answers
    nothing by retrieval alone, so the test does not hang on how good retrieval is);
    `insights suggest` drafts an intent citing the clause that answers them; with the draft
    in the intents directory, a new engine answers all four from that clause."""
    url = f"sqlite:///{tmp_path / 'i.db'}"
    plain = Engine.from_settings(Settings(policy=ACME))
    acme = Engine(plain.policy, plain.intents, tuning=replace(Tuning(), answer_at=1.0))
    others = ["Do you sell my data?", "What's the weather like?"]
    statuses = asyncio.run(ask_all(acme, url, [*COURIER, *others]))
    assert statuses[: len(COURIER)] == ["fallback"] * len(COURIER)

    intents = tmp_path / "intents"
    shutil.copytree(DEFAULT_INTENTS / "common", intents / "common")
    drafts = intents / f"{ACME.stem}.toml"
    argv = ["insights", "suggest", "--policy", str(ACME), "--database", url, "--out", str(drafts)]
    assert run(argv) == 0

    text = drafts.read_text()
    assert text.startswith("# DRAFT intents")
    [intent] = tomllib.loads(text)["intent"]
    assert intent["name"].startswith("draft_")
    assert intent["kind"] == "answer"
    assert set(intent["examples"]) == set(COURIER)
    courier_clause = next(c for c in acme.policy.clauses if "our couriers" in c.text)
    assert intent["cite"][0] in courier_clause.text

    improved = Engine.from_settings(Settings(policy=ACME, intents=intents))
    improved = Engine(improved.policy, improved.intents, tuning=acme.tuning)
    for question in COURIER:
        answer = improved.answer(question)
        assert answer.status == "answered", question
        assert answer.intent == intent["name"]
        assert answer.citations[0].clause.id == courier_clause.id


def test_sigterm_writes_what_was_still_queued(
    serve: Callable[..., Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A writer that would wait an hour before its next batch still loses nothing to SIGTERM."""
    import urllib.request

    url = f"sqlite:///{tmp_path / 'i.db'}"
    served = serve("--database", url, env={"POLICY_QA_INSIGHTS_FLUSH": "3600"})
    for question in ("Do you sell my email?", "Do you use cookies?", "Is there a DPO?"):
        served.ask(question)

    def queued() -> int:
        with urllib.request.urlopen(f"{served.url}/healthz", timeout=10) as resp:
            return int(json.load(resp)["insights"]["queued"])

    assert until_sync(queued, lambda n: n == 3) == 3
    assert served.stop() == 0
    assert run(["insights", "--database", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == 3
