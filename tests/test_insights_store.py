"""The insights store on SQLite and on a real PostgreSQL server: the same tests on both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select

from qa_service.errors import DatabaseError
from qa_service.insights.store import (
    HEAD,
    MIGRATIONS,
    VERSION_TABLE,
    Question,
    Store,
    Vote,
    citations,
    database_url,
    metadata,
    questions,
)

NOW = datetime(2024, 5, 10, 14, 30)


def question(answer_id: str, **fields: object) -> Question:
    values: dict[str, object] = {
        "answer_id": answer_id,
        "minute": NOW,
        "channel": "api",
        "status": "answered",
        "intent": "sell_email",
        "confidence": 0.9,
        "policy": "0123456789abcdef",
        "text": None,
        "clauses": ("clause-a",),
    }
    values.update(fields)
    return Question(**values)  # type: ignore[arg-type]


@pytest.fixture
async def store(database: str) -> AsyncIterator[Store]:
    store = Store(database_url(database))
    await store.upgrade()
    yield store
    await store.close()


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return list(compare_metadata(context, metadata))


async def test_migrations_make_exactly_the_tables_the_code_uses(store: Store) -> None:
    assert await store.revision() == "0001"
    async with store.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"insights_questions", "insights_citations", VERSION_TABLE} <= tables


def test_head_names_the_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


async def test_upgrading_again_changes_nothing_and_keeps_the_data(store: Store) -> None:
    await store.write([question("a1")], [])
    await store.upgrade()
    assert await store.revision() == "0001"
    assert (await store.summary(NOW - timedelta(days=1))).intents[0].questions == 1


async def test_a_summary_counts_by_day_status_channel_intent_and_first_clause(
    store: Store,
) -> None:
    yesterday = NOW - timedelta(days=1)
    await store.write(
        [
            question("a1", clauses=("clause-a", "clause-b")),
            question("a2", channel="widget", clauses=("clause-a",)),
            question("a3", minute=yesterday, channel="agent", intent="cookies", clauses=("c",)),
            question("a4", status="fallback", intent=None, clauses=(), text="how old?"),
        ],
        [],
    )
    summary = await store.summary(NOW - timedelta(days=7))
    assert sorted(summary.per_day) == [
        (yesterday.date(), "answered", 1),
        (date(2024, 5, 10), "answered", 2),
        (date(2024, 5, 10), "fallback", 1),
    ]
    assert summary.channels == {"api": 2, "widget": 1, "agent": 1}
    assert [(t.key, t.questions) for t in summary.intents] == [("sell_email", 2), ("cookies", 1)]
    # An answer counts for the clause it cites first, not for every clause it quotes.
    assert [(t.key, t.questions) for t in summary.clauses] == [("clause-a", 2), ("c", 1)]
    assert summary.unanswered == ["how old?"]
    # Questions from before the period are left out.
    assert (await store.summary(NOW - timedelta(hours=1))).channels == {"api": 2, "widget": 1}


async def test_a_second_vote_replaces_the_first(store: Store) -> None:
    await store.write([question("a1"), question("a2")], [Vote("a1", False, "wrong clause")])
    await store.write([], [Vote("a1", True, None), Vote("a2", False, None)])
    summary = await store.summary(NOW - timedelta(days=1))
    assert (summary.votes, summary.helpful) == (2, 1)
    [tally] = summary.intents
    assert (tally.questions, tally.votes, tally.helpful) == (2, 2, 1)
    assert summary.comments == []  # the replacing vote had no comment


async def test_votes_in_the_same_batch_as_their_answer_count(store: Store) -> None:
    await store.write([question("a1")], [Vote("a1", False, "I wanted the refund policy")])
    summary = await store.summary(NOW - timedelta(days=1))
    assert (summary.votes, summary.helpful) == (1, 0)
    [comment] = summary.comments
    assert (comment.comment, comment.intent, comment.clause_id) == (
        "I wanted the refund policy",
        "sell_email",
        "clause-a",
    )


async def test_a_vote_for_an_answer_not_stored_changes_nothing(store: Store) -> None:
    await store.write([question("a1")], [Vote("elsewhere", True, None)])
    assert (await store.summary(NOW - timedelta(days=1))).votes == 0


async def test_purge_deletes_old_questions_and_their_citations_only(store: Store) -> None:
    old = NOW - timedelta(days=100)
    await store.write([question("old", minute=old), question("new")], [])
    assert await store.purge(NOW - timedelta(days=90)) == 1
    async with store.engine.connect() as connection:
        left = (await connection.execute(select(questions.c.answer_id))).scalars().all()
        cited = (await connection.execute(select(citations.c.answer_id))).scalars().all()
    assert left == ["new"]
    assert cited == ["new"]


async def test_an_answer_is_known_only_from_when_it_was_given(store: Store) -> None:
    await store.write([question("a1")], [])
    assert await store.answered_since("a1", NOW - timedelta(days=1))
    assert not await store.answered_since("a1", NOW + timedelta(minutes=1))
    assert not await store.answered_since("other", NOW - timedelta(days=1))


def test_database_urls_name_their_async_driver() -> None:
    assert database_url("sqlite:///tmp/x.db").drivername == "sqlite+aiosqlite"
    assert database_url("postgresql://u:p@db/qa").drivername == "postgresql+asyncpg"
    assert database_url(None).database is not None  # the default file


@pytest.mark.parametrize(
    "bad", ["mysql://db/qa", "sqlite://", "sqlite:///:memory:", "not a url", "http://x"]
)
def test_other_databases_are_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(DatabaseError, match=r"(?i)sqlite|postgresql"):
        database_url(bad)
