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


class AnswerStatus(StrEnum):
    """How a turn (main question or follow-up) ended; stored in the turn's `status` column.

    The one word list for it: the engine writes it, Review, exports and resume read it.
    """

    PENDING = "pending"
    ANSWERED = "answered"
    AUTO_SUBMITTED = "auto_submitted"  # the draft was submitted at the time limit
    SKIPPED = "skipped"  # no grade; the card is not updated
    DONT_KNOW = "dont_know"  # graded 0 (wrong), the card is updated as a lapse


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


class ClarificationRecord(Frozen):
    """A clarifying question asked while answering a turn, and the interviewer's reply."""

    id: str
    turn_id: str
    question: str
    reply: str
    asked_at: datetime


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
    status: AnswerStatus = AnswerStatus.PENDING
    ordinal: int
    created_at: datetime
    grades: tuple[GradeRecord, ...] = ()
    """Filled by `turns_for_session`, oldest first."""
    clarifications: tuple[ClarificationRecord, ...] = ()
    """Filled by `turns_for_session`, in the order asked."""

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
    mastery: float | None = Field(default=None, ge=0, le=1)
    """None while the topic is `new` (too few graded answers to rate it)."""
    retrievability: float = Field(ge=0, le=1)
    """fsrs' recall probability now: 1.0 right after any review, so it is never a mastery on its own."""
    recall_ahead: float = Field(default=0.0, ge=0, le=1)
    """Predicted recall a week from now (`scheduling.MEMORY_HORIZON_DAYS`)."""
    recent_score: float = Field(ge=0, le=10)
    n_graded: int
    n_questions: int
    due: int

    @property
    def status(self) -> str:
        """`new` (not enough graded answers yet) or `rated`."""
        return "new" if self.mastery is None else "rated"


class ReferenceFlag(Frozen):
    """A user's report that a question's reference answer looks wrong."""

    id: int
    question_id: str
    reason: str
    profile: str | None = None
    created_at: datetime
