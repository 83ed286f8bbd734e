"""The engine's ports: the few methods it needs from the bank, storage, graders and the LLM.

Each is a Protocol with exactly what the engine calls, so tests inject fakes and the real parts are adapted in
`interviewer.services.engine.factory`. The engine never imports SQL, HTTP or Textual.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from interviewer.domain import Grade, KeyPoint, Language, Question
from interviewer.history import (
    AnswerStatus,
    CardState,
    GradeRecord,
    SessionMode,
    SessionRecord,
    TopicMastery,
    TurnRecord,
)
from interviewer.services.engine.api import Persona


@runtime_checkable
class QuestionSource(Protocol):
    """The question bank (`question_bank.load_bank()` satisfies it)."""

    @property
    def questions(self) -> Sequence[Question]: ...


@runtime_checkable
class GraderPort(Protocol):
    """Anything that grades one answer to one question (`interviewer.grading.base.Grader`)."""

    async def grade(self, question: Question, answer: str, *, language: Language | None = None) -> Grade: ...


@runtime_checkable
class SessionStore(Protocol):
    """The storage the engine writes to as things happen; every call commits before returning.

    `interviewer.db.Repository` satisfies it as is; the test double is `tests/fakes/memory_store.py`.
    `get_session` raises a LookupError for an unknown id.
    """

    def start_session(self, profile: str, mode: SessionMode | str, settings: Mapping[str, Any] | None = None,
                      started_at: datetime | None = None) -> SessionRecord: ...

    def finish_session(self, session_id: str, ended_at: datetime | None = None) -> SessionRecord: ...

    def get_session(self, session_id: str) -> SessionRecord: ...

    def list_sessions(self, profile: str, limit: int | None = None) -> list[SessionRecord]: ...

    def add_turn(self, session_id: str, question_id: str, question_text: str, *,
                 parent_turn_id: str | None = None, prompt: str | None = None) -> TurnRecord: ...

    def save_draft(self, turn_id: str, text: str, saved_at: datetime | None = None) -> bool: ...

    def submit_answer(self, turn_id: str, answer: str, time_spent_s: float | None = None,
                      submitted_at: datetime | None = None,
                      status: AnswerStatus = AnswerStatus.ANSWERED) -> TurnRecord: ...

    def record_grade(self, turn_id: str, grade: Grade, created_at: datetime | None = None) -> GradeRecord:
        """Store a grade; on a main turn the storage also re-schedules the question's card from the turn's
        latest grade (so the merged grade recorded after follow-ups is the one that counts)."""
        ...

    def turns_for_session(self, session_id: str) -> list[TurnRecord]: ...

    def add_clarification(self, session_id: str, turn_id: str, question: str, reply: str,
                          asked_at: datetime | None = None) -> None:
        """Keep a clarifying question of the candidate and the reply given, for transcripts and exports."""
        ...

    def due_questions(self, profile: str, n: int, now: datetime | None = None) -> list[CardState]: ...

    def weakest_topics(self, profile: str, n: int, topic_of: Callable[[str], str | None] | Mapping[str, str],
                       now: datetime | None = None) -> list[TopicMastery]: ...


@dataclass(frozen=True)
class Exchange:
    """One prompt of the interviewer and the candidate's reply (used to give the LLM the conversation)."""

    prompt: str
    answer: str


@dataclass(frozen=True)
class FollowUpRequest:
    """What a follow-up generator needs. The reference is in `question`: generators must never reveal it."""

    question: Question
    exchanges: tuple[Exchange, ...]
    key_point: KeyPoint | None
    missed: tuple[KeyPoint, ...]
    index: int
    persona: Persona
    language: Language


@dataclass(frozen=True)
class ClarificationRequest:
    """A clarifying question from the candidate about `question`; reply briefly without giving it away."""

    question: Question
    text: str
    exchanges: tuple[Exchange, ...]
    persona: Persona
    language: Language


@runtime_checkable
class FollowUpGenerator(Protocol):
    """Writes one follow-up question, streamed. `source` is "llm" or "template"."""

    source: str

    def stream(self, request: FollowUpRequest) -> AsyncIterator[str]: ...


@runtime_checkable
class Clarifier(Protocol):
    """Answers a clarifying question briefly, streamed. `source` is "llm" or "template"."""

    source: str

    def stream(self, request: ClarificationRequest) -> AsyncIterator[str]: ...
