"""Alembic's environment: migrations run on the connection `store.upgrade()` passes in,
inside its transaction (no alembic.ini, no engine of its own, nothing written to disk)."""

from __future__ import annotations

from alembic import context

from qa_service.insights.store import VERSION_TABLE, metadata

# Service processes that start together on one PostgreSQL take turns: the second waits, then
# finds the schema up to date. (An arbitrary key of this application's own.)
_ADVISORY_LOCK = 0x706F6C6963795161  # "policyQa"

if context.is_offline_mode():
    raise SystemExit("policy-qa migrations run online only: run.py db upgrade")

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})")
    context.run_migrations()
