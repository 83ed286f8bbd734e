"""Plain records of what happened: profiles, interview sessions, turns, grades and spaced-repetition state.

The repository (`interviewer.db`) returns these frozen objects, never ORM rows, so the engine and the UI can
keep them as long as they like. All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from interviewer.domain import SELF_GRADER, Frozen, Grade


class SessionMode(StrEnum):
    TIMED = "timed"
    PRACTICE = "practice"
    DRILL = "drill"


class SessionState(StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"
    ABANDONED = "abandoned"


class Profile(Frozen):
    """One person using this install; history, grades and cards are per profile."""

    id: int
    name: str
    created_at: datetime


class SessionRecord(Frozen):
    """One interview session. `state` is `active` until finished or abandoned (active ones can be resumed)."""

    id: str
    profile: str
    mode: SessionMode
    settings: dict[str, Any] = Field(default_factory=dict)
    started_at: datetime
    ended_at: datetime | None = None
    state: SessionState = SessionState.ACTIVE


class GradeRecord(Frozen):
    """A stored grade of one turn. `grade.grader` tells the source: `offline-v1`, `llm:<model>` or `self`."""

    id: str
    turn_id: str
    created_at: datetime
    grade: Grade

    @property
    def is_self(self) -> bool:
        return self.grade.grader == SELF_GRADER


class TurnRecord(Frozen):
    """One question asked in a session (a follow-up has `parent_turn_id` and its own `prompt`).

    `answer` is set once submitted; `draft` holds the last autosaved text while answering.
    """

    id: str
    session_id: str
    parent_turn_id: str | None = None
    question_id: str
    question_text: str
    prompt: str | None = None
    answer: str | None = None
    draft: str | None = None
    draft_saved_at: datetime | None = None
    submitted_at: datetime | None = None
    time_spent_s: float | None = None
    ordinal: int
    created_at: datetime
    grades: tuple[GradeRecord, ...] = ()
    """Filled by `turns_for_session`, oldest first."""

    @property
    def is_follow_up(self) -> bool:
        return self.parent_turn_id is not None

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def effective_grade(self) -> GradeRecord | None:
        """The grade that counts: the latest self grade, else the latest model grade."""
        own = [g for g in self.grades if g.is_self]
        pool = own or list(self.grades)
        return pool[-1] if pool else None


class CardState(Frozen):
    """Spaced-repetition state of one question for one profile (an fsrs card)."""

    question_id: str
    due: datetime
    stability: float | None = None
    difficulty: float | None = None
    state: str
    """fsrs state name: `learning`, `review` or `relearning`."""
    last_review: datetime | None = None
    n_reviews: int = 0
    recent_score: float | None = None
    """Exponential moving average (alpha 0.5) of the effective 0-10 scores, newest weighted most."""


class TopicMastery(Frozen):
    """How well a profile knows one topic; see `interviewer.scheduling.rank_weak_topics`."""

    topic: str
    mastery: float = Field(ge=0, le=1)
    retrievability: float = Field(ge=0, le=1)
    recent_score: float = Field(ge=0, le=10)
    n_graded: int
    n_questions: int
    due: int


class ReferenceFlag(Frozen):
    """A user's report that a question's reference answer looks wrong."""

    id: int
    question_id: str
    reason: str
    profile: str | None = None
    created_at: datetime
