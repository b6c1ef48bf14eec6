"""Questions (minute, channel, status, intent, confidence, policy digest, redacted text, vote)
and the clauses their answers cite.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "insights_questions",
        sa.Column("answer_id", sa.String(64), primary_key=True),
        sa.Column("minute", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(200)),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("policy", sa.String(16), nullable=False),
        sa.Column("text", sa.Text()),
        sa.Column("helpful", sa.Boolean()),
        sa.Column("comment", sa.Text()),
    )
    op.create_index("ix_insights_questions_minute", "insights_questions", ["minute"])
    op.create_table(
        "insights_citations",
        sa.Column(
            "answer_id",
            sa.String(64),
            sa.ForeignKey("insights_questions.answer_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("rank", sa.SmallInteger(), primary_key=True, autoincrement=False),
        sa.Column("clause_id", sa.String(200), nullable=False),
    )
    op.create_index("ix_insights_citations_clause_id", "insights_citations", ["clause_id"])


def downgrade() -> None:
    op.drop_table("insights_citations")
    op.drop_table("insights_questions")
