"""An in-memory `SessionStore` for tests and demos: same behaviour as the repository, no database.

No spaced repetition: `due_questions` and `weakest_topics` return what the test put in `due` / `weak`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from interviewer.domain import Grade
from interviewer.history import (
    AnswerStatus,
    CardState,
    ClarificationRecord,
    GradeRecord,
    SessionMode,
    SessionRecord,
    SessionState,
    TopicMastery,
    TurnRecord,
)


class InMemoryStore:
    """Keeps sessions, turns and grades in dicts. `now` stamps records (pass a fake clock's `wall`)."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now = now or (lambda: datetime.now(UTC))
        self._ids = itertools.count(1)
        self.sessions: dict[str, SessionRecord] = {}
        self.turns: dict[str, TurnRecord] = {}
        self.due: list[CardState] = []
        self.weak: list[TopicMastery] = []
        self.calls: list[str] = []

    def _id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):04d}"

    def start_session(self, profile: str, mode: SessionMode | str, settings: Mapping[str, Any] | None = None,
                      started_at: datetime | None = None) -> SessionRecord:
        self.calls.append("start_session")
        record = SessionRecord(id=self._id("s"), profile=profile, mode=SessionMode(mode),
                               settings=dict(settings or {}), started_at=started_at or self._now())
        self.sessions[record.id] = record
        return record

    def finish_session(self, session_id: str, ended_at: datetime | None = None) -> SessionRecord:
        self.calls.append("finish_session")
        record = self.get_session(session_id).model_copy(
            update={"state": SessionState.FINISHED, "ended_at": ended_at or self._now()})
        self.sessions[session_id] = record
        return record

    def get_session(self, session_id: str) -> SessionRecord:
        try:
            return self.sessions[session_id]
        except KeyError:
            raise LookupError(f"no session {session_id}") from None

    def list_sessions(self, profile: str, limit: int | None = None) -> list[SessionRecord]:
        found = sorted((s for s in self.sessions.values() if s.profile == profile),
                       key=lambda s: s.started_at, reverse=True)
        return found[:limit] if limit is not None else found

    def add_turn(self, session_id: str, question_id: str, question_text: str, *,
                 parent_turn_id: str | None = None, prompt: str | None = None) -> TurnRecord:
        self.calls.append("add_turn")
        if self.get_session(session_id).state is not SessionState.ACTIVE:
            raise LookupError(f"session {session_id} is not active")
        ordinal = 1 + sum(1 for t in self.turns.values() if t.session_id == session_id)
        record = TurnRecord(id=self._id("t"), session_id=session_id, parent_turn_id=parent_turn_id,
                            question_id=question_id, question_text=question_text, prompt=prompt,
                            ordinal=ordinal, created_at=self._now())
        self.turns[record.id] = record
        return record

    def save_draft(self, turn_id: str, text: str, saved_at: datetime | None = None) -> bool:
        self.calls.append("save_draft")
        turn = self.turns[turn_id]
        if turn.submitted:
            return False
        stamp = saved_at or self._now()
        self.turns[turn_id] = turn.model_copy(update={"draft": text, "draft_saved_at": stamp})
        return True

    def submit_answer(self, turn_id: str, answer: str, time_spent_s: float | None = None,
                      submitted_at: datetime | None = None,
                      status: AnswerStatus = AnswerStatus.ANSWERED) -> TurnRecord:
        self.calls.append("submit_answer")
        turn = self.turns[turn_id].model_copy(update={
            "answer": answer, "time_spent_s": time_spent_s, "submitted_at": submitted_at or self._now(),
            "draft": None, "status": AnswerStatus(status)})
        self.turns[turn_id] = turn
        return turn

    def record_grade(self, turn_id: str, grade: Grade, created_at: datetime | None = None) -> GradeRecord:
        self.calls.append("record_grade")
        turn = self.turns[turn_id]
        record = GradeRecord(id=self._id("g"), turn_id=turn_id, created_at=created_at or self._now(),
                             grade=grade)
        self.turns[turn_id] = turn.model_copy(update={"grades": (*turn.grades, record)})
        return record

    def turns_for_session(self, session_id: str) -> list[TurnRecord]:
        self.get_session(session_id)
        return sorted((t for t in self.turns.values() if t.session_id == session_id), key=lambda t: t.ordinal)

    def add_clarification(self, session_id: str, turn_id: str, question: str, reply: str,
                          asked_at: datetime | None = None) -> None:
        self.calls.append("add_clarification")
        turn = self.turns[turn_id]
        asked = ClarificationRecord(id=self._id("c"), turn_id=turn_id, question=question, reply=reply,
                                    asked_at=asked_at or self._now())
        self.turns[turn_id] = turn.model_copy(update={"clarifications": (*turn.clarifications, asked)})

    def due_questions(self, profile: str, n: int, now: datetime | None = None) -> list[CardState]:
        return self.due[:n]

    def weakest_topics(self, profile: str, n: int, topic_of: Callable[[str], str | None] | Mapping[str, str],
                       now: datetime | None = None) -> list[TopicMastery]:
        return self.weak[:n]
