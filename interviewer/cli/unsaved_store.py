"""`ask --no-save`: a session store that reads the real history and writes nothing.

The engine still chooses questions from the stored history (due cards, weak topics) and the judge still sees
the profile's self-grades, but the session, its turns and grades live in memory only and are gone when the
command ends. Every method the engine writes through is implemented here; nothing falls through to the
repository by accident, so a new write method on the port fails loudly instead of writing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from interviewer.db.repository import Repository
from interviewer.domain import Grade
from interviewer.history import (
    AnswerStatus,
    CardState,
    GradeRecord,
    SessionMode,
    SessionRecord,
    SessionState,
    TopicMastery,
    TurnRecord,
)


class UnsavedStore:
    """The `SessionStore` port over `reads` (a repository) with every write kept in memory."""

    def __init__(self, reads: Repository) -> None:
        self._reads = reads
        self._ids = itertools.count(1)
        self._sessions: dict[str, SessionRecord] = {}
        self._turns: dict[str, TurnRecord] = {}

    def _id(self, prefix: str) -> str:
        return f"unsaved-{prefix}{next(self._ids)}"

    # --- writes, in memory --------------------------------------------------------------------------

    def start_session(self, profile: str, mode: SessionMode | str, settings: Mapping[str, Any] | None = None,
                      started_at: datetime | None = None) -> SessionRecord:
        record = SessionRecord(id=self._id("s"), profile=profile, mode=SessionMode(mode),
                               settings=dict(settings or {}), started_at=started_at or _now())
        self._sessions[record.id] = record
        return record

    def finish_session(self, session_id: str, ended_at: datetime | None = None) -> SessionRecord:
        return self._end(session_id, SessionState.FINISHED, ended_at)

    def abandon_session(self, session_id: str, ended_at: datetime | None = None) -> SessionRecord:
        return self._end(session_id, SessionState.ABANDONED, ended_at)

    def add_turn(self, session_id: str, question_id: str, question_text: str, *,
                 parent_turn_id: str | None = None, prompt: str | None = None) -> TurnRecord:
        self.get_session(session_id)
        ordinal = 1 + sum(1 for t in self._turns.values() if t.session_id == session_id)
        record = TurnRecord(id=self._id("t"), session_id=session_id, parent_turn_id=parent_turn_id,
                            question_id=question_id, question_text=question_text, prompt=prompt,
                            ordinal=ordinal, created_at=_now())
        self._turns[record.id] = record
        return record

    def save_draft(self, turn_id: str, text: str, saved_at: datetime | None = None) -> bool:
        turn = self._turn(turn_id)
        if turn.submitted:
            return False
        self._turns[turn_id] = turn.model_copy(update={"draft": text, "draft_saved_at": saved_at or _now()})
        return True

    def submit_answer(self, turn_id: str, answer: str, time_spent_s: float | None = None,
                      submitted_at: datetime | None = None,
                      status: AnswerStatus = AnswerStatus.ANSWERED) -> TurnRecord:
        turn = self._turn(turn_id).model_copy(update={
            "answer": answer, "time_spent_s": time_spent_s, "submitted_at": submitted_at or _now(),
            "draft": None, "status": AnswerStatus(status)})
        self._turns[turn_id] = turn
        return turn

    def record_grade(self, turn_id: str, grade: Grade, created_at: datetime | None = None) -> GradeRecord:
        turn = self._turn(turn_id)
        record = GradeRecord(id=self._id("g"), turn_id=turn_id, created_at=created_at or _now(), grade=grade)
        self._turns[turn_id] = turn.model_copy(update={"grades": (*turn.grades, record)})
        return record

    # --- reads: this session from memory, the history from storage ----------------------------------

    def get_session(self, session_id: str) -> SessionRecord:
        if session_id in self._sessions:
            return self._sessions[session_id]
        record: SessionRecord = self._reads.get_session(session_id)
        return record

    def list_sessions(self, profile: str, limit: int | None = None) -> list[SessionRecord]:
        stored: list[SessionRecord] = self._reads.list_sessions(profile, limit)
        return stored  # the unsaved session is not history: it never shows up as a past one

    def turns_for_session(self, session_id: str) -> list[TurnRecord]:
        if session_id in self._sessions:
            return sorted((t for t in self._turns.values() if t.session_id == session_id),
                          key=lambda t: t.ordinal)
        stored: list[TurnRecord] = self._reads.turns_for_session(session_id)
        return stored

    def add_clarification(self, session_id: str, turn_id: str, question: str, reply: str,
                          asked_at: datetime | None = None) -> None:
        return None  # nothing of an unsaved session is kept

    def due_questions(self, profile: str, n: int, now: datetime | None = None) -> list[CardState]:
        due: list[CardState] = self._reads.due_questions(profile, n, now)
        return due

    def weakest_topics(self, profile: str, n: int, topic_of: Callable[[str], str | None] | Mapping[str, str],
                       now: datetime | None = None) -> list[TopicMastery]:
        weak: list[TopicMastery] = self._reads.weakest_topics(profile, n, topic_of, now)
        return weak

    def unfinished_session(self, profile: str) -> SessionRecord | None:
        return None  # nothing here is ever resumed

    def close(self) -> None:
        self._reads.close()

    def _turn(self, turn_id: str) -> TurnRecord:
        try:
            return self._turns[turn_id]
        except KeyError:
            raise LookupError(f"no turn {turn_id}") from None

    def _end(self, session_id: str, state: SessionState, ended_at: datetime | None) -> SessionRecord:
        update = {"state": state, "ended_at": ended_at or _now()}
        record = self.get_session(session_id).model_copy(update=update)
        self._sessions[session_id] = record
        return record


def _now() -> datetime:
    return datetime.now(UTC)
