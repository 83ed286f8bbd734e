"""SQLModel tables. Only the repository touches these; everything else gets `interviewer.history` records.

The schema is created and changed by the Alembic migrations in `migrations/versions`, never by
`create_all`; a test checks that these models and the migrated schema agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, ForeignKey, Index, Text, TypeDecorator
from sqlmodel import Column, Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC (the same on SQLite and PostgreSQL) and hands back tz-aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    return datetime.now(UTC)


def _fk(
    target: str,
    *,
    nullable: bool = False,
    cascade: bool = True,
    index: bool = False,
    max_length: int | None = None,
) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column_args=[ForeignKey(target, ondelete="CASCADE" if cascade else "SET NULL")],
        nullable=nullable,
        index=index,
        max_length=max_length,
    )


class ProfileRow(SQLModel, table=True):
    __tablename__ = "profile"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class SessionRow(SQLModel, table=True):
    __tablename__ = "interview_session"
    __table_args__ = (Index("ix_session_profile_started", "profile_id", "started_at"),)

    id: str = Field(primary_key=True, max_length=32)
    profile_id: int = _fk("profile.id")
    mode: str = Field(max_length=16)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    state: str = Field(max_length=16)


class TurnRow(SQLModel, table=True):
    __tablename__ = "turn"
    __table_args__ = (
        Index("ix_turn_session_ordinal", "session_id", "ordinal"),
        Index("ix_turn_question_id", "question_id"),
    )

    id: str = Field(primary_key=True, max_length=32)
    session_id: str = _fk("interview_session.id", max_length=32)
    parent_turn_id: str | None = _fk("turn.id", nullable=True, max_length=32)
    question_id: str = Field(max_length=200)
    question_text: str = Field(sa_type=Text)
    prompt: str | None = Field(default=None, sa_type=Text)
    answer: str | None = Field(default=None, sa_type=Text)
    draft: str | None = Field(default=None, sa_type=Text)
    draft_saved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    time_spent_s: float | None = None
    status: str = Field(default="pending", max_length=16, sa_column_kwargs={"server_default": "pending"})
    """An `interviewer.history.AnswerStatus` word (added by migration 0003)."""
    ordinal: int
    created_at: datetime = Field(sa_type=UTCDateTime)


class GradeRow(SQLModel, table=True):
    __tablename__ = "grade"
    __table_args__ = (Index("ix_grade_profile_question", "profile_id", "question_id"),)

    id: str = Field(primary_key=True, max_length=32)
    turn_id: str = _fk("turn.id", index=True, max_length=32)
    # Denormalised from turn/session so re-scheduling a card reads one index range.
    profile_id: int = _fk("profile.id")
    question_id: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    score: float | None = None
    verdict: str = Field(max_length=16)
    covered: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    missed: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    factual_errors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    feedback: str = Field(default="", sa_type=Text)
    grader: str = Field(max_length=200)
    confidence: float = 0.0
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    latency_ms: float | None = None
    note: str | None = Field(default=None, sa_type=Text)
    rating: int | None = None
    """An explicit self rating (1-4) when the user rated Again/Hard/Good/Easy instead of giving a score."""


class ClarificationRow(SQLModel, table=True):
    """A clarifying question the candidate asked while answering a turn, and the reply (migration 0003)."""

    __tablename__ = "clarification"

    id: str = Field(primary_key=True, max_length=32)
    turn_id: str = _fk("turn.id", index=True, max_length=32)
    question: str = Field(sa_type=Text)
    reply: str = Field(sa_type=Text)
    asked_at: datetime = Field(sa_type=UTCDateTime)


class CardRow(SQLModel, table=True):
    __tablename__ = "card"
    __table_args__ = (Index("ix_card_profile_due", "profile_id", "due"),)

    profile_id: int = Field(sa_column_args=[ForeignKey("profile.id", ondelete="CASCADE")], primary_key=True)
    question_id: str = Field(primary_key=True, max_length=200)
    due: datetime = Field(sa_type=UTCDateTime)
    stability: float | None = None
    difficulty: float | None = None
    state: int
    step: int | None = None
    last_review: datetime | None = Field(default=None, sa_type=UTCDateTime)
    n_reviews: int = 0
    recent_score: float | None = None


class ReferenceFlagRow(SQLModel, table=True):
    """Added by migration 0002."""

    __tablename__ = "reference_flag"

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(max_length=200, index=True)
    reason: str = Field(sa_type=Text)
    profile_id: int | None = _fk("profile.id", nullable=True, cascade=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
