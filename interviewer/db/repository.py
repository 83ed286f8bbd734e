"""The repository services call: sessions, turns, grades, cards, weak topics, export/import.

Every method runs its own short transaction and returns `interviewer.history` records, never ORM rows.
The work is done by three parts that share the engine: `sessions.SessionRows` (profiles, sessions, turns),
`grades.GradeRows` (grades, cards, reference flags) and `transfer.Transfer` (export/import); the repository
owns them and is the one flat interface services see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.util.exc import CommandError
from fsrs import Rating
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from interviewer.db.engine import DatabaseURLError, make_sql_engine, redact_text, redact_url
from interviewer.db.grades import GradeRows, TopicOf
from interviewer.db.migrate import upgrade_to_head
from interviewer.db.sessions import SessionRows
from interviewer.db.store import StorageError
from interviewer.db.transfer import Transfer
from interviewer.db.transfer_checks import DEFAULT_MAX_BYTES
from interviewer.domain import Grade
from interviewer.history import (
    AnswerStatus,
    CardState,
    GradeRecord,
    Profile,
    ReferenceFlag,
    SessionMode,
    SessionRecord,
    TopicMastery,
    TurnRecord,
)


class Repository:
    """All storage operations. Build it with `open_repository()`; share one per process.

    Profiles: get_or_create_profile, list_profiles.
    Sessions: start_session, finish_session, abandon_session, delete_session, get_session, list_sessions,
    unfinished_session.
    Turns: add_turn, save_draft, submit_answer, get_turn, turns_for_session.
    Grades and scheduling: record_grade, record_self_grade, card, cards, due_questions, weakest_topics,
    rebuild_cards. Reference flags: flag_reference, flagged_references.
    Transfer: export_data, export_json, import_data, import_json. Lifecycle: close.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = SessionRows(engine)
        self._grades = GradeRows(engine)
        self._transfer = Transfer(engine, self._grades)

    def close(self) -> None:
        """Release pooled connections (the data is already committed)."""
        self.engine.dispose()

    # ---- SessionRows ---------------------------------------------------------------------------------------

    def get_or_create_profile(self, name: str) -> Profile:
        """The profile called `name`, created on first use."""
        return self._sessions.get_or_create_profile(name)

    def list_profiles(self) -> list[Profile]:
        """All profiles, by name."""
        return self._sessions.list_profiles()

    def start_session(
        self,
        profile: str,
        mode: SessionMode | str,
        settings: Mapping[str, Any] | None = None,
        started_at: datetime | None = None,
    ) -> SessionRecord:
        """Open a new active session for `profile` (created if needed)."""
        return self._sessions.start_session(profile, mode, settings, started_at)

    def finish_session(self, session_id: str, ended_at: datetime | None = None) -> SessionRecord:
        """Mark a session finished (it will no longer be offered for resume)."""
        return self._sessions.finish_session(session_id, ended_at)

    def abandon_session(self, session_id: str, ended_at: datetime | None = None) -> SessionRecord:
        """Mark a session abandoned; its answers and grades stay."""
        return self._sessions.abandon_session(session_id, ended_at)

    def delete_session(self, session_id: str) -> dict[str, int]:
        """Delete a session, its turns and grades, and rebuild the spaced-repetition cards of the questions
        it graded from the history left; one transaction. Raises RecordNotFound for an unknown id."""
        return self._sessions.delete_session(session_id, self._grades.reschedule)

    def get_session(self, session_id: str) -> SessionRecord:
        """One session; raises RecordNotFound for an unknown id."""
        return self._sessions.get_session(session_id)

    def add_clarification(self, session_id: str, turn_id: str, question: str, reply: str,
                          asked_at: datetime | None = None) -> None:
        """Keep a clarifying question and its reply with the session (see `SessionRows.add_clarification`)."""
        self._sessions.add_clarification(session_id, turn_id, question, reply, asked_at)

    def list_sessions(self, profile: str, limit: int | None = None) -> list[SessionRecord]:
        """A profile's sessions, newest first."""
        return self._sessions.list_sessions(profile, limit)

    def unfinished_session(self, profile: str) -> SessionRecord | None:
        """The newest still-active session of `profile`, to offer resuming it (e.g. after a crash)."""
        return self._sessions.unfinished_session(profile)

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
        return self._sessions.add_turn(session_id, question_id, question_text, parent_turn_id=parent_turn_id,
                                       prompt=prompt)

    def save_draft(self, turn_id: str, text: str, saved_at: datetime | None = None) -> bool:
        """Autosave the answer being typed; False (and nothing written) once the turn is submitted."""
        return self._sessions.save_draft(turn_id, text, saved_at)

    def submit_answer(
        self,
        turn_id: str,
        answer: str,
        time_spent_s: float | None = None,
        submitted_at: datetime | None = None,
        status: AnswerStatus = AnswerStatus.ANSWERED,
    ) -> TurnRecord:
        """Store the final answer and how it ended; committed before this returns. The draft is cleared."""
        return self._sessions.submit_answer(turn_id, answer, time_spent_s, submitted_at, status)

    def get_turn(self, turn_id: str) -> TurnRecord:
        """One turn with its grades."""
        return self._sessions.get_turn(turn_id)

    def turns_for_session(self, session_id: str) -> list[TurnRecord]:
        """The transcript: every turn in the order asked, each with its grades (oldest first)."""
        return self._sessions.turns_for_session(session_id)

    # ---- GradeRows -----------------------------------------------------------------------------------------

    def record_grade(self, turn_id: str, grade: Grade, created_at: datetime | None = None) -> GradeRecord:
        """Store a grade of a turn and re-schedule the question's card (main turns with a score only)."""
        return self._grades.record_grade(turn_id, grade, created_at)

    def record_self_grade(
        self,
        turn_id: str,
        score: float | None = None,
        rating: Rating | int | None = None,
        feedback: str = "",
    ) -> GradeRecord:
        """See `GradeRows.record_self_grade`."""
        return self._grades.record_self_grade(turn_id, score, rating, feedback)

    def card(self, profile: str, question_id: str) -> CardState | None:
        """The spaced-repetition state of one question (None: never graded by this profile)."""
        return self._grades.card(profile, question_id)

    def cards(self, profile: str) -> list[CardState]:
        """Every card of a profile, soonest due first."""
        return self._grades.cards(profile)

    def due_questions(self, profile: str, n: int, now: datetime | None = None) -> list[CardState]:
        """Up to `n` graded questions due for review at `now`, most overdue first."""
        return self._grades.due_questions(profile, n, now)

    def weakest_topics(
        self, profile: str, n: int, topic_of: TopicOf, now: datetime | None = None
    ) -> list[TopicMastery]:
        """See `GradeRows.weakest_topics`."""
        return self._grades.weakest_topics(profile, n, topic_of, now)

    def flag_reference(self, question_id: str, reason: str, profile: str | None = None) -> ReferenceFlag:
        """Report that a question's reference answer looks wrong."""
        return self._grades.flag_reference(question_id, reason, profile)

    def flagged_references(self) -> list[ReferenceFlag]:
        """Every reference flag, oldest first."""
        return self._grades.flagged_references()

    def rebuild_cards(self, profile: str | None = None) -> int:
        """Recompute every card (of one profile or all) from the stored grades; returns how many exist."""
        return self._grades.rebuild_cards(profile)

    # ---- Transfer ------------------------------------------------------------------------------------------

    def export_data(self) -> dict[str, Any]:
        """Every profile, session, turn, grade and reference flag as plain JSON-ready data."""
        return self._transfer.export_data()

    def export_json(self, path: str | Path) -> dict[str, int]:
        """See `Transfer.export_json`."""
        return self._transfer.export_json(path)

    def import_json(self, path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, int]:
        """Read a file written by `export_json` and add what is not there yet; returns how many were added."""
        return self._transfer.import_json(path, max_bytes)

    def import_data(self, data: Any) -> dict[str, int]:
        """See `Transfer.import_data`."""
        return self._transfer.import_data(data)


def resolve_database_url(url: str | None = None) -> str:
    """`url` if given, else `INTERVIEWER_DATABASE_URL` / the config file, else SQLite in the user data dir."""
    if url:
        return url
    from interviewer.config import load_settings

    return load_settings().resolved_database_url


def open_repository(url: str | None = None, *, migrate: bool = True) -> Repository:
    """Connect (default URL from settings), bring the schema up to date and return the repository.

    Raises StorageError, one line with the URL's password hidden, when the database cannot be used."""
    resolved = resolve_database_url(url)
    engine = None
    try:
        engine = make_sql_engine(resolved)
        if migrate:
            upgrade_to_head(engine)
    except Exception as exc:
        if engine is not None:
            engine.dispose()
        if isinstance(exc, StorageError):
            raise StorageError(f"cannot open database {redact_url(resolved)}: {exc}") from None
        if isinstance(exc, DatabaseURLError | SQLAlchemyError | OSError | ImportError | CommandError):
            raise StorageError(f"cannot open database {redact_url(resolved)}: {first_line(exc)}") from None
        raise
    return Repository(engine)


def first_line(exc: BaseException) -> str:
    """The driver's own message (not SQLAlchemy's wrapper with SQL and a link), first line, no passwords."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return redact_text(text.splitlines()[0]) if text else type(exc).__name__
