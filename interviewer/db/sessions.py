"""Profiles, interview sessions and turns (answers and autosaved drafts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from interviewer.db import converters
from interviewer.db.store import RecordNotFound, StorageError, StoreBase, new_id
from interviewer.db.tables import ClarificationRow, GradeRow, ProfileRow, SessionRow, TurnRow, utcnow
from interviewer.history import (
    AnswerStatus,
    ClarificationRecord,
    GradeRecord,
    Profile,
    SessionMode,
    SessionRecord,
    SessionState,
    TurnRecord,
)

Reschedule = Callable[[Session, int, str], int]
"""Replays one (profile id, question id) card inside a transaction; 1 if a card is left (`GradeRows`)."""


class SessionRows(StoreBase):
    """Profiles, sessions and turns (a part of `Repository`)."""

    def get_or_create_profile(self, name: str) -> Profile:
        """The profile called `name`, created on first use."""
        with self._write() as session:
            row = self._profile_row(session, name, create=True)
            assert row is not None
            return converters.profile(row)

    def list_profiles(self) -> list[Profile]:
        """All profiles, by name."""
        with self._read() as session:
            rows = session.exec(select(ProfileRow).order_by(col(ProfileRow.name))).all()
            return [converters.profile(row) for row in rows]

    def start_session(
        self,
        profile: str,
        mode: SessionMode | str,
        settings: Mapping[str, Any] | None = None,
        started_at: datetime | None = None,
    ) -> SessionRecord:
        """Open a new active session for `profile` (created if needed)."""
        try:
            chosen = SessionMode(mode)
        except ValueError:
            raise StorageError(f"unknown session mode {mode!r}") from None
        with self._write() as session:
            owner = self._profile_row(session, profile, create=True)
            assert owner is not None and owner.id is not None
            row = SessionRow(
                id=new_id(),
                profile_id=owner.id,
                mode=chosen.value,
                settings=dict(settings or {}),
                started_at=started_at or utcnow(),
                state=SessionState.ACTIVE.value,
            )
            session.add(row)
            return converters.session(row, owner.name)

    def finish_session(self, session_id: str, ended_at: datetime | None = None) -> SessionRecord:
        """Mark a session finished (it will no longer be offered for resume)."""
        return self._end_session(session_id, SessionState.FINISHED, ended_at)

    def abandon_session(self, session_id: str, ended_at: datetime | None = None) -> SessionRecord:
        """Mark a session abandoned; its answers and grades stay."""
        return self._end_session(session_id, SessionState.ABANDONED, ended_at)

    def get_session(self, session_id: str) -> SessionRecord:
        """One session; raises RecordNotFound for an unknown id."""
        with self._read() as session:
            row = self._get(session, SessionRow, session_id, "session")
            return converters.session(row, self._profile_name(session, row.profile_id))

    def list_sessions(self, profile: str, limit: int | None = None) -> list[SessionRecord]:
        """A profile's sessions, newest first."""
        with self._read() as session:
            owner = self._profile_row(session, profile, create=False)
            if owner is None:
                return []
            query = (
                select(SessionRow)
                .where(SessionRow.profile_id == owner.id)
                .order_by(col(SessionRow.started_at).desc(), col(SessionRow.id))
                .limit(limit)
            )
            return [converters.session(row, owner.name) for row in session.exec(query)]

    def unfinished_session(self, profile: str) -> SessionRecord | None:
        """The newest still-active session of `profile`, to offer resuming it (e.g. after a crash)."""
        with self._read() as session:
            owner = self._profile_row(session, profile, create=False)
            if owner is None:
                return None
            row = session.exec(
                select(SessionRow)
                .where(SessionRow.profile_id == owner.id, SessionRow.state == SessionState.ACTIVE.value)
                .order_by(col(SessionRow.started_at).desc())
                .limit(1)
            ).first()
            return converters.session(row, owner.name) if row else None

    def add_turn(
        self,
        session_id: str,
        question_id: str,
        question_text: str,
        *,
        parent_turn_id: str | None = None,
        prompt: str | None = None,
    ) -> TurnRecord:
        """Record that a question (or a follow-up of `parent_turn_id`, worded `prompt`) was asked."""
        with self._write() as session:
            owner = self._get(session, SessionRow, session_id, "session")
            if owner.state != SessionState.ACTIVE.value:
                raise StorageError(f"session {session_id} is {owner.state}; start or resume an active one")
            if parent_turn_id is not None:
                self._get(session, TurnRow, parent_turn_id, "turn")
            last = session.exec(
                select(func.max(TurnRow.ordinal)).where(TurnRow.session_id == session_id)
            ).one()
            row = TurnRow(
                id=new_id(),
                session_id=session_id,
                parent_turn_id=parent_turn_id,
                question_id=question_id,
                question_text=question_text,
                prompt=prompt,
                ordinal=(last or 0) + 1,
                created_at=utcnow(),
            )
            session.add(row)
            return converters.turn(row)

    def save_draft(self, turn_id: str, text: str, saved_at: datetime | None = None) -> bool:
        """Autosave the answer being typed; False (and nothing written) once the turn is submitted."""
        with self._write() as session:
            row = self._get(session, TurnRow, turn_id, "turn")
            if row.submitted_at is not None:
                return False
            row.draft = text
            row.draft_saved_at = saved_at or utcnow()
            session.add(row)
            return True

    def submit_answer(
        self,
        turn_id: str,
        answer: str,
        time_spent_s: float | None = None,
        submitted_at: datetime | None = None,
        status: AnswerStatus = AnswerStatus.ANSWERED,
    ) -> TurnRecord:
        """Store the final answer and how it ended; committed before this returns. The draft is cleared."""
        if status is AnswerStatus.PENDING:
            raise StorageError("a submitted answer cannot be pending")
        with self._write() as session:
            row = self._get(session, TurnRow, turn_id, "turn")
            row.answer = answer
            row.status = AnswerStatus(status).value
            row.submitted_at = submitted_at or utcnow()
            row.time_spent_s = time_spent_s
            row.draft = None
            session.add(row)
            return converters.turn(row)

    def get_turn(self, turn_id: str) -> TurnRecord:
        """One turn with its grades."""
        with self._read() as session:
            row = self._get(session, TurnRow, turn_id, "turn")
            return converters.turn(row, self._grades_by_turn(session, [row.id]).get(row.id, ()),
                                   self._clarifications_by_turn(session, [row.id]).get(row.id, ()))

    def turns_for_session(self, session_id: str) -> list[TurnRecord]:
        """The transcript: every turn in the order asked, each with its grades (oldest first)."""
        with self._read() as session:
            self._get(session, SessionRow, session_id, "session")
            rows = session.exec(
                select(TurnRow).where(TurnRow.session_id == session_id).order_by(col(TurnRow.ordinal))
            ).all()
            ids = [row.id for row in rows]
            grades, asked = self._grades_by_turn(session, ids), self._clarifications_by_turn(session, ids)
            return [converters.turn(row, grades.get(row.id, ()), asked.get(row.id, ())) for row in rows]

    def delete_session(self, session_id: str, reschedule: Reschedule) -> dict[str, int]:
        """Delete a session with its turns and grades, then replay the cards of the questions it graded from
        the grades left (`reschedule(session, profile_id, question_id)`), all in one transaction: a failure
        leaves everything as it was. Returns how many sessions, turns and grades went, and for how many
        questions the card was replayed (or removed, when none of their answers is left)."""
        with self._write() as session:
            owner = self._get(session, SessionRow, session_id, "session")
            # PostgreSQL: the same per-profile lock as grading, so no grade lands on a card being replayed.
            session.exec(select(ProfileRow.id).where(ProfileRow.id == owner.profile_id).with_for_update())
            in_session = col(TurnRow.session_id) == session_id
            turn_ids = list(session.exec(select(TurnRow.id).where(in_session)).all())
            of_turns = col(GradeRow.turn_id).in_(turn_ids)
            graded = select(GradeRow.profile_id, GradeRow.question_id).where(of_turns)
            keys = sorted(set(session.exec(graded).all()))
            n_grades = len(session.exec(select(GradeRow.id).where(of_turns)).all())
            session.exec(delete(GradeRow).where(of_turns))
            session.exec(delete(ClarificationRow).where(col(ClarificationRow.turn_id).in_(turn_ids)))
            # Follow-ups point at their main turn: unlink them first so one DELETE works in any order.
            session.exec(update(TurnRow).where(in_session).values(parent_turn_id=None))
            session.exec(delete(TurnRow).where(in_session))
            session.delete(owner)
            session.flush()
            for profile_id, question_id in keys:
                reschedule(session, profile_id, question_id)
            return {"sessions": 1, "turns": len(turn_ids), "grades": n_grades, "cards_updated": len(keys)}

    def add_clarification(self, session_id: str, turn_id: str, question: str, reply: str,
                          asked_at: datetime | None = None) -> None:
        """Keep a clarifying question asked while answering `turn_id` and the interviewer's reply, so
        transcripts and exports can show them."""
        with self._write() as session:
            turn = self._get(session, TurnRow, turn_id, "turn")
            if turn.session_id != session_id:
                raise StorageError(f"turn {turn_id} is not part of session {session_id}")
            session.add(ClarificationRow(id=new_id(), turn_id=turn_id, question=question, reply=reply,
                                         asked_at=asked_at or utcnow()))

    def _end_session(self, session_id: str, state: SessionState, ended_at: datetime | None) -> SessionRecord:
        with self._write() as session:
            row = self._get(session, SessionRow, session_id, "session")
            row.state = state.value
            row.ended_at = ended_at or utcnow()
            session.add(row)
            return converters.session(row, self._profile_name(session, row.profile_id))

    @staticmethod
    def _profile_name(session: Session, profile_id: int) -> str:
        row = session.get(ProfileRow, profile_id)
        if row is None:
            raise RecordNotFound(f"no profile with id {profile_id}")
        return row.name

    @staticmethod
    def _clarifications_by_turn(session: Session,
                                turn_ids: list[str]) -> dict[str, list[ClarificationRecord]]:
        found: dict[str, list[ClarificationRecord]] = defaultdict(list)
        if turn_ids:
            query = (select(ClarificationRow).where(col(ClarificationRow.turn_id).in_(turn_ids))
                     .order_by(col(ClarificationRow.asked_at), col(ClarificationRow.id)))
            for row in session.exec(query).all():
                found[row.turn_id].append(converters.clarification(row))
        return found

    @staticmethod
    def _grades_by_turn(session: Session, turn_ids: list[str]) -> dict[str, list[GradeRecord]]:
        found: dict[str, list[GradeRecord]] = defaultdict(list)
        if not turn_ids:
            return found
        rows = session.exec(
            select(GradeRow)
            .where(col(GradeRow.turn_id).in_(turn_ids))
            .order_by(col(GradeRow.created_at), col(GradeRow.id))
        ).all()
        for row in rows:
            found[row.turn_id].append(converters.grade(row))
        return found
