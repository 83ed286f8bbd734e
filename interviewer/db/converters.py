"""Rows to `interviewer.history` records (and back for grades): the only place that knows both."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from interviewer.db.tables import (
    CardRow,
    ClarificationRow,
    GradeRow,
    ProfileRow,
    ReferenceFlagRow,
    SessionRow,
    TurnRow,
)
from interviewer.domain import Grade, Verdict
from interviewer.history import (
    AnswerStatus,
    ClarificationRecord,
    GradeRecord,
    Profile,
    ReferenceFlag,
    SessionMode,
    SessionRecord,
    SessionState,
    TurnRecord,
)
from interviewer.scheduling import CardSnapshot


def profile(row: ProfileRow) -> Profile:
    assert row.id is not None
    return Profile(id=row.id, name=row.name, created_at=row.created_at)


def session(row: SessionRow, profile_name: str) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        profile=profile_name,
        mode=SessionMode(row.mode),
        settings=dict(row.settings or {}),
        started_at=row.started_at,
        ended_at=row.ended_at,
        state=SessionState(row.state),
    )


def clarification(row: ClarificationRow) -> ClarificationRecord:
    return ClarificationRecord(id=row.id, turn_id=row.turn_id, question=row.question, reply=row.reply,
                               asked_at=row.asked_at)


def turn(row: TurnRow, grades: Iterable[GradeRecord] = (),
         clarifications: Iterable[ClarificationRecord] = ()) -> TurnRecord:
    return TurnRecord(
        id=row.id,
        session_id=row.session_id,
        parent_turn_id=row.parent_turn_id,
        question_id=row.question_id,
        question_text=row.question_text,
        prompt=row.prompt,
        answer=row.answer,
        draft=row.draft,
        draft_saved_at=row.draft_saved_at,
        submitted_at=row.submitted_at,
        time_spent_s=row.time_spent_s,
        status=AnswerStatus(row.status),
        ordinal=row.ordinal,
        created_at=row.created_at,
        grades=tuple(grades),
        clarifications=tuple(clarifications),
    )


def grade(row: GradeRow) -> GradeRecord:
    payload = Grade(
        score=row.score,
        verdict=Verdict(row.verdict),
        covered=tuple(row.covered or ()),
        missed=tuple(row.missed or ()),
        factual_errors=tuple(row.factual_errors or ()),
        feedback=row.feedback,
        grader=row.grader,
        confidence=row.confidence,
        flags=tuple(row.flags or ()),
        latency_ms=row.latency_ms,
        note=row.note,
    )
    return GradeRecord(id=row.id, turn_id=row.turn_id, created_at=row.created_at, grade=payload)


def grade_columns(payload: Grade) -> dict[str, Any]:
    """The GradeRow columns that hold a `Grade`."""
    return {
        "score": payload.score,
        "verdict": payload.verdict.value,
        "covered": list(payload.covered),
        "missed": list(payload.missed),
        "factual_errors": list(payload.factual_errors),
        "feedback": payload.feedback,
        "grader": payload.grader,
        "confidence": payload.confidence,
        "flags": list(payload.flags),
        "latency_ms": payload.latency_ms,
        "note": payload.note,
    }


def snapshot(row: CardRow) -> CardSnapshot:
    return CardSnapshot(
        due=row.due,
        stability=row.stability,
        difficulty=row.difficulty,
        state=row.state,
        step=row.step,
        last_review=row.last_review,
        n_reviews=row.n_reviews,
        recent_score=row.recent_score,
    )


def reference_flag(row: ReferenceFlagRow, profile_name: str | None) -> ReferenceFlag:
    assert row.id is not None
    return ReferenceFlag(
        id=row.id,
        question_id=row.question_id,
        reason=row.reason,
        profile=profile_name,
        created_at=row.created_at,
    )
