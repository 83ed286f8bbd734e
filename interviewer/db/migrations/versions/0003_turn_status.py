"""Turn status: how each answer ended (answered, auto_submitted, skipped, dont_know, pending) as a column;
clarifying questions asked during a turn, with the reply, in their own table.

Existing rows are converted from how the engine encoded it before (grade notes, time used); see
`interviewer.db.legacy_status`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from interviewer.db.legacy_status import LEGACY_SELF_GRADER, legacy_status, per_question_limit

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_sessions = sa.table("interview_session", sa.column("id", sa.String), sa.column("settings", sa.JSON))
_turns = sa.table(
    "turn",
    sa.column("id", sa.String),
    sa.column("session_id", sa.String),
    sa.column("parent_turn_id", sa.String),
    sa.column("answer", sa.Text),
    sa.column("submitted_at", sa.DateTime),
    sa.column("time_spent_s", sa.Float),
    sa.column("status", sa.String),
)
_grades = sa.table(
    "grade",
    sa.column("id", sa.String),
    sa.column("turn_id", sa.String),
    sa.column("grader", sa.String),
    sa.column("note", sa.Text),
    sa.column("created_at", sa.DateTime),
)


def upgrade() -> None:
    op.create_table(
        "clarification",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("turn_id", sa.String(32), sa.ForeignKey("turn.id", ondelete="CASCADE"), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_clarification_turn_id", "clarification", ["turn_id"])
    with op.batch_alter_table("turn") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="pending"))
    bind = op.get_bind()
    limits = {row.id: per_question_limit(row.settings) for row in bind.execute(sa.select(_sessions))}
    grades: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    query = sa.select(_grades.c.turn_id, _grades.c.grader, _grades.c.note).where(
        _grades.c.grader != LEGACY_SELF_GRADER).order_by(_grades.c.created_at, _grades.c.id)
    for row in bind.execute(query):
        grades[row.turn_id].append((row.grader, row.note))
    updates = [
        {"turn_id": row.id, "new_status": status}
        for row in bind.execute(sa.select(_turns).where(_turns.c.submitted_at.is_not(None)))
        if (status := legacy_status(
            submitted=True, answer=row.answer, is_follow_up=row.parent_turn_id is not None,
            model_grades=grades.get(row.id, ()), time_spent_s=row.time_spent_s,
            per_question_s=limits.get(row.session_id))) != "pending"
    ]
    if updates:
        bind.execute(
            _turns.update().where(_turns.c.id == sa.bindparam("turn_id")).values(status=sa.bindparam("new_status")),
            updates,
        )


def downgrade() -> None:
    op.drop_index("ix_clarification_turn_id", table_name="clarification")
    op.drop_table("clarification")
    with op.batch_alter_table("turn") as batch:
        batch.drop_column("status")
