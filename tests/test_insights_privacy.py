"""Personal data typed by visitors (cards in several formats, emails, phones, in questions and
in feedback comments) is found nowhere in the database: not in its tables, not in its files
(SQLite's database and WAL; every file of the PostgreSQL cluster, its WAL included)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from qa_service.app import create_app
from qa_service.config import Settings
from qa_service.engine import Engine
from qa_service.insights.store import Store, database_url
from tests.polling import until

Client = TestClient[web.Request, web.Application]

PERSONAL = [
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "5500000000000004",
    "3782 822463 10005",
    "jane.doe@example.com",
    "J.Smith+shop@mail.example.co.uk",
    "+1 (415) 555-0100",
    "+44 20 7946 0958",
    "020 7946 0958",
    "415.555.0199",
]
QUESTIONS = [
    f"My card {PERSONAL[0]} was charged twice, is that a data breach?",
    f"can you delete the card {PERSONAL[1]} you have on file",
    f"card number {PERSONAL[2]} expiry 12/29 do you store it",
    f"is my amex {PERSONAL[3]} safe with you?",
    f"please email me at {PERSONAL[4]} about my data",
    f"{PERSONAL[5]} is my login, what do you keep?",
    f"call me on {PERSONAL[6]} about privacy",
    f"my number is {PERSONAL[7]}, do you share it?",
    f"ring {PERSONAL[8]} if you sell my data",
]
COMMENT = f"Not what I asked. Reach me at {PERSONAL[4]} or {PERSONAL[9]}, card {PERSONAL[0]}."


def needles() -> list[bytes]:
    """Each value as typed, and as bare digits (what a careless store would keep)."""
    found: list[bytes] = []
    for value in PERSONAL:
        found.append(value.encode())
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 7:
            found.append(digits.encode())
    return found


async def record_everything(aiohttp_client: Any, engine: Engine, database: str) -> None:
    settings = Settings(rate_limit=0, database=database, insights_flush=0.05, insights_text="all")
    client: Client = await aiohttp_client(create_app(settings, engine=engine))
    ids = []
    for question in QUESTIONS:
        resp = await client.post("/api/v1/ask", json={"question": question, "channel": "widget"})
        assert resp.status == 200
        ids.append((await resp.json())["answer_id"])
    for answer_id in ids[:3]:
        vote = {"answer_id": answer_id, "helpful": False, "comment": COMMENT}
        assert (await client.post("/api/v1/feedback", json=vote)).status == 202
    store = Store(database_url(database))

    async def comments() -> int:
        async with store.engine.connect() as connection:
            result = await connection.execute(
                text("SELECT count(*) FROM insights_questions WHERE comment IS NOT NULL")
            )
            return int(result.scalar_one())

    await until(comments, lambda n: n == 3)
    await store.close()
    await client.close()  # flushed and closed, as after a shutdown


async def test_no_personal_data_in_the_tables(
    aiohttp_client: Any, engine: Engine, database: str
) -> None:
    await record_everything(aiohttp_client, engine, database)
    store = Store(database_url(database))
    async with store.engine.connect() as connection:
        rows = [
            str(tuple(row))
            for table in ("insights_questions", "insights_citations")
            for row in await connection.execute(text(f"SELECT * FROM {table}"))
        ]
    await store.close()
    stored = "\n".join(rows)
    assert "[card]" in stored and "[email]" in stored and "[phone]" in stored
    assert "was charged twice" in stored  # the rest of the text is kept
    for needle in needles():
        assert needle.decode() not in stored


def _files_hold(paths: list[Path], needle_list: list[bytes]) -> list[tuple[str, bytes]]:
    hits = []
    for path in paths:
        data = path.read_bytes()
        hits += [(path.name, n) for n in needle_list if n in data]
    return hits


async def test_no_personal_data_in_the_sqlite_files(
    aiohttp_client: Any, engine: Engine, tmp_path: Path
) -> None:
    db = tmp_path / "insights.db"
    await record_everything(aiohttp_client, engine, f"sqlite:///{db}")
    files = [p for p in tmp_path.iterdir() if p.name.startswith("insights.db")]
    assert db in files
    assert b"[card]" in b"".join(p.read_bytes() for p in files)  # the files hold the records
    assert _files_hold(files, needles()) == []


async def test_no_personal_data_in_the_postgresql_cluster_files(
    aiohttp_client: Any, engine: Engine, postgres: Any
) -> None:
    database = postgres.create_database()
    await record_everything(aiohttp_client, engine, database)
    postgres.sql("CHECKPOINT")
    files = [p for p in postgres.data.rglob("*") if p.is_file()]
    assert _files_hold(files, [b"was charged twice"])  # the records are in these files
    assert _files_hold(files, needles()) == []
