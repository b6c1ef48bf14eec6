"""Where insights are kept: the tables, the database URL, Alembic migrations and the queries,
through SQLAlchemy Core on SQLite (aiosqlite) or PostgreSQL (asyncpg)."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from qa_service.errors import DatabaseError

if TYPE_CHECKING:  # Alembic is loaded only when a migration is to run
    from alembic.config import Config

log = logging.getLogger("qa_service")
# Alembic's INFO lines ("Context impl SQLiteImpl.", its plugins) say nothing to an operator;
# the store logs one line of its own when it migrates.
logging.getLogger("alembic").setLevel(logging.WARNING)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Its own name, so a PostgreSQL database shared with other applications keeps theirs apart.
VERSION_TABLE = "insights_alembic_version"
HEAD = "0001"  # the newest migration (tests/test_insights_store.py checks it is)
# Statuses of questions the policy did not answer: their text is what the report clusters.
UNANSWERED = ("fallback", "out_of_scope")

metadata = MetaData()

questions = Table(
    "insights_questions",
    metadata,
    # Random, made per answer: links a vote to its answer and to nothing else.
    Column("answer_id", String(64), primary_key=True),
    Column("minute", DateTime(), nullable=False),  # UTC, to the minute
    Column("channel", String(16), nullable=False),  # widget, agent or api
    Column("status", String(16), nullable=False),
    Column("intent", String(200)),
    Column("confidence", Float(), nullable=False),
    Column("policy", String(16), nullable=False),  # digest of the policy's clauses
    Column("text", Text()),  # redacted, and only when --insights-text keeps it
    Column("helpful", Boolean()),  # the visitor's or agent's vote, if any
    Column("comment", Text()),  # redacted
    Index("ix_insights_questions_minute", "minute"),
)

citations = Table(
    "insights_citations",
    metadata,
    Column(
        "answer_id",
        String(64),
        ForeignKey("insights_questions.answer_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("rank", SmallInteger(), primary_key=True, autoincrement=False),  # 0: the first
    Column("clause_id", String(200), nullable=False),
    Index("ix_insights_citations_clause_id", "clause_id"),
)


# --- where -----------------------------------------------------------------------------------


def default_database() -> Path:
    """The SQLite file used when no database is given: in the user's data directory
    ($XDG_DATA_HOME/policy-qa/insights.db on Linux), never inside the installed package."""
    return platformdirs.user_data_path("policy-qa") / "insights.db"


def database_url(database: str | None) -> URL:
    """The async SQLAlchemy URL for `sqlite:///PATH` or `postgresql://...` (None: the
    default file); DatabaseError for anything else."""
    if database is None:
        return URL.create("sqlite+aiosqlite", database=str(default_database()))
    try:
        url = make_url(database)
    except ArgumentError:
        raise DatabaseError(
            f"database must look like sqlite:///PATH or postgresql://USER@HOST/NAME, "
            f"got {database!r}"
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise DatabaseError("an SQLite database must be a file: sqlite:///PATH")
        return url.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return url.set(drivername="postgresql+asyncpg")
    raise DatabaseError(f"database must be SQLite or PostgreSQL, got {backend!r}")


def writable_file(url: URL) -> Path | None:
    """For an SQLite URL, its file once its directory exists; DatabaseError when the file
    cannot be made or written. None for a server database."""
    if url.get_backend_name() != "sqlite" or url.database is None:
        return None
    path = Path(url.database).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise DatabaseError(f"cannot write to {target}")
    return path


def display(url: URL) -> str:
    """The URL as it may be logged: never its password."""
    return url.render_as_string(hide_password=True)


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    answer_id: str
    minute: datetime
    channel: str
    status: str
    intent: str | None
    confidence: float
    policy: str
    text: str | None  # already redacted
    clauses: tuple[str, ...]  # cited clause ids, best first


@dataclass(frozen=True, slots=True)
class Vote:
    answer_id: str
    helpful: bool
    comment: str | None  # already redacted


@dataclass(frozen=True, slots=True)
class Tally:
    """Questions about one intent or clause, and their votes."""

    key: str
    questions: int
    votes: int
    helpful: int


@dataclass(frozen=True, slots=True)
class Comment:
    minute: datetime
    helpful: bool
    intent: str | None
    clause_id: str | None
    comment: str


@dataclass(frozen=True, slots=True)
class Summary:
    """What the report is made of, for the questions since a moment."""

    per_day: list[tuple[date, str, int]]  # day, status, questions
    channels: dict[str, int]
    votes: int
    helpful: int
    intents: list[Tally]
    clauses: list[Tally]  # by the first clause an answer cites
    unanswered: list[str]  # redacted texts, newest first
    comments: list[Comment]  # newest first


def _day(value: date | str) -> date:
    # PostgreSQL's date() gives a date, SQLite's a string.
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- the store -------------------------------------------------------------------------------


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the report read while the writer writes; NORMAL syncs at checkpoints only,
    # which is safe in WAL mode. A busy file waits up to 5 s rather than failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Store:
    """The insights tables in one database."""

    def __init__(self, url: URL) -> None:
        self.url = url
        options: dict[str, Any] = {"hide_parameters": True, "pool_pre_ping": True}
        if url.get_backend_name() == "postgresql":
            # A server that is down must fail a write quickly, not hold the writer.
            options["connect_args"] = {"timeout": 5, "command_timeout": 30}
        self.engine: AsyncEngine = create_async_engine(url, **options)
        if url.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    async def close(self) -> None:
        await self.engine.dispose()

    # --- schema --------------------------------------------------------------------------

    async def upgrade(self) -> None:
        """Apply the Alembic migrations up to the newest (does nothing when up to date)."""
        if await self.revision() == HEAD:
            return  # the usual start-up: no need to load Alembic at all
        async with self.engine.begin() as connection:
            before = await connection.run_sync(_revision)
            await connection.run_sync(_upgrade)
            after = await connection.run_sync(_revision)
        if after != before:
            log.info("insights: database schema upgraded from %s to %s", before, after)

    async def revision(self) -> str | None:
        """The schema's current Alembic revision, None before the first migration."""
        query = text(f"SELECT version_num FROM {VERSION_TABLE}")  # noqa: S608 (a constant)
        try:
            async with self.engine.connect() as connection:
                return (await connection.execute(query)).scalar_one_or_none()
        except ProgrammingError:  # PostgreSQL: no such table yet
            return None
        except OperationalError as exc:  # SQLite says "no such table"; other errors are real
            if "no such table" in str(exc.orig):
                return None
            raise

    # --- writing -------------------------------------------------------------------------

    async def write(self, asked: Sequence[Question], votes: Sequence[Vote]) -> None:
        """One transaction: the questions, their citations, then the votes (a vote replaces
        an earlier one for the same answer; a vote for an answer not stored changes nothing)."""
        async with self.engine.begin() as connection:
            if asked:
                await connection.execute(
                    insert(questions),
                    [
                        {
                            "answer_id": q.answer_id,
                            "minute": q.minute,
                            "channel": q.channel,
                            "status": q.status,
                            "intent": q.intent,
                            "confidence": q.confidence,
                            "policy": q.policy,
                            "text": q.text,
                        }
                        for q in asked
                    ],
                )
                cited = [
                    {"answer_id": q.answer_id, "rank": rank, "clause_id": clause_id}
                    for q in asked
                    for rank, clause_id in enumerate(q.clauses)
                ]
                if cited:
                    await connection.execute(insert(citations), cited)
            if votes:
                await connection.execute(
                    update(questions)
                    .where(questions.c.answer_id == bindparam("vote_answer_id"))
                    .values(helpful=bindparam("vote_helpful"), comment=bindparam("vote_comment")),
                    [
                        {
                            "vote_answer_id": v.answer_id,
                            "vote_helpful": v.helpful,
                            "vote_comment": v.comment,
                        }
                        for v in votes
                    ],
                )

    async def purge(self, before: datetime) -> int:
        """Delete the questions (and their citations) from before `before`; how many."""
        old = select(questions.c.answer_id).where(questions.c.minute < before)
        async with self.engine.begin() as connection:
            await connection.execute(delete(citations).where(citations.c.answer_id.in_(old)))
            result = await connection.execute(delete(questions).where(questions.c.minute < before))
        return int(result.rowcount or 0)

    # --- reading -------------------------------------------------------------------------

    async def answered_since(self, answer_id: str, since: datetime) -> bool:
        """Whether this answer id was stored at `since` or later."""
        query = select(questions.c.answer_id).where(
            questions.c.answer_id == answer_id, questions.c.minute >= since
        )
        async with self.engine.connect() as connection:
            return (await connection.execute(query)).first() is not None

    async def summary(self, since: datetime, *, texts: int = 2000, comments: int = 20) -> Summary:
        q, c = questions, citations
        recent = q.c.minute >= since
        votes = func.count(q.c.helpful)
        helpful = func.coalesce(func.sum(case((q.c.helpful.is_(True), 1), else_=0)), 0)
        day = func.date(q.c.minute).label("day")
        first = c.c.rank == 0
        async with self.engine.connect() as connection:

            async def rows(query: Any) -> Sequence[Any]:
                return (await connection.execute(query)).all()

            per_day = await rows(
                select(day, q.c.status, func.count()).where(recent).group_by(day, q.c.status)
            )
            channels = await rows(
                select(q.c.channel, func.count()).where(recent).group_by(q.c.channel)
            )
            overall = (await rows(select(votes, helpful).where(recent)))[0]
            intents = await rows(
                select(q.c.intent, func.count(), votes, helpful)
                .where(recent, q.c.intent.is_not(None))
                .group_by(q.c.intent)
                .order_by(func.count().desc(), q.c.intent)
            )
            clauses = await rows(
                select(c.c.clause_id, func.count(), votes, helpful)
                .select_from(q.join(c))
                .where(recent, first)
                .group_by(c.c.clause_id)
                .order_by(func.count().desc(), c.c.clause_id)
            )
            unanswered = await rows(
                select(q.c.text)
                .where(recent, q.c.status.in_(UNANSWERED), q.c.text.is_not(None))
                .order_by(q.c.minute.desc())
                .limit(texts)
            )
            remarks = await rows(
                select(q.c.minute, q.c.helpful, q.c.intent, c.c.clause_id, q.c.comment)
                .select_from(q.outerjoin(c, (c.c.answer_id == q.c.answer_id) & first))
                .where(recent, q.c.comment.is_not(None))
                .order_by(q.c.minute.desc())
                .limit(comments)
            )
        return Summary(
            per_day=[(_day(d), status, int(n)) for d, status, n in per_day],
            channels={channel: int(n) for channel, n in channels},
            votes=int(overall[0]),
            helpful=int(overall[1]),
            intents=[Tally(k, int(n), int(v), int(h)) for k, n, v, h in intents],
            clauses=[Tally(k, int(n), int(v), int(h)) for k, n, v, h in clauses],
            unanswered=[text for (text,) in unanswered],
            comments=[Comment(m, bool(h), i, cl, text) for m, h, i, cl, text in remarks],
        )


async def upgrade(url: URL) -> str | None:
    """Migrate the database at `url` to the newest schema; its revision then."""
    store = Store(url)
    try:
        await store.upgrade()
        return await store.revision()
    finally:
        await store.close()


def _config(connection: Connection) -> Config:
    # Programmatic: no alembic.ini, scripts read from inside the package, nothing written.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(_config(connection), "head")


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()
