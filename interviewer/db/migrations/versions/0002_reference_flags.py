"""Reference flags (a user reports a wrong reference answer) and an index on turn.question_id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_flag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question_id", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("profile_id", sa.Integer(), sa.ForeignKey("profile.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_reference_flag_question_id", "reference_flag", ["question_id"])
    # Batch mode: on SQLite this goes through Alembic's table-rebuild path like any later ALTER would.
    with op.batch_alter_table("turn") as batch:
        batch.create_index("ix_turn_question_id", ["question_id"])


def downgrade() -> None:
    with op.batch_alter_table("turn") as batch:
        batch.drop_index("ix_turn_question_id")
    op.drop_index("ix_reference_flag_question_id", table_name="reference_flag")
    op.drop_table("reference_flag")
