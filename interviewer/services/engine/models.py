"""Data types of the engine's UI contract (re-exported by `engine_api`, which is what UIs import)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interviewer.domain import Grade, Language, Question
from interviewer.history import AnswerStatus, SessionMode

Persona = Literal["friendly", "standard", "strict"]
SessionId = str

DEFAULT_PER_QUESTION_S = 300.0
"""Five minutes per question in a timed interview unless the config says otherwise."""
WARNING_FRACTION = 0.2
"""`TimeWarning` fires once per question (and once per session) when 20% of the limit is left."""
DRAFT_AUTOSAVE_S = 3.0
"""`save_draft` persists at most this often (the last draft is always persisted before submit/quit)."""


class EngineError(Exception):
    """A user-caused problem starting or resuming a session; the message is one clear line."""


class Phase(StrEnum):
    """Where the engine is. Only ANSWERING accepts submit/skip/dont_know/save_draft/ask_clarification."""

    IDLE = "idle"  # no session yet
    ASKING = "asking"  # writing (streaming) a follow-up question
    ANSWERING = "answering"  # waiting for the candidate; the clock runs
    GRADING = "grading"  # grading an answer
    BETWEEN = "between"  # a question is done (TurnCompleted); waiting for next_question()
    FINISHED = "finished"  # SessionFinished was sent


class SessionConfig(BaseModel):
    """What kind of session to run. Frozen; stored with the session so `resume` restores it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: SessionMode = SessionMode.TIMED
    topics: tuple[str, ...] = ()
    """Topic slugs to draw from; empty = all topics (drill: the weakest topics from storage)."""
    question_ids: tuple[str, ...] = ()
    """Ask exactly these questions in this order (e.g. `interviewer ask --id`); overrides selection."""
    n_questions: int = Field(default=5, ge=1, le=200)
    per_question_s: float | None = Field(default=DEFAULT_PER_QUESTION_S, gt=0)
    """Candidate time per question, follow-ups included; None = untimed. Ignored in practice mode."""
    session_budget_s: float | None = Field(default=None, gt=0)
    """Candidate time for the whole session; None = n_questions * per_question_s. Ignored in practice mode."""
    seed: int | None = None
    """Makes question selection reproducible; None = a random seed chosen (and stored) at start."""
    max_follow_ups: int = Field(default=2, ge=0, le=5)
    persona: Persona = "standard"
    language: Language = "zh"
    """Language of follow-ups, clarifications and feedback."""
    auto_advance: bool = False
    """Ask the next question right after TurnCompleted instead of waiting for `next_question()`."""

    @model_validator(mode="before")
    @classmethod
    def _untimed_practice(cls, data: object) -> object:
        # Practice is untimed whatever the caller passed (the TUI can reuse one form for every mode).
        if isinstance(data, dict) and str(data.get("mode", "")) == SessionMode.PRACTICE.value:
            return {**data, "per_question_s": None, "session_budget_s": None}
        return data

    @property
    def timed(self) -> bool:
        return self.per_question_s is not None or self.session_budget_s is not None

    @property
    def effective_session_budget_s(self) -> float | None:
        if self.session_budget_s is not None:
            return self.session_budget_s
        if self.per_question_s is None:
            return None
        return self.per_question_s * (len(self.question_ids) or self.n_questions)


@dataclass(frozen=True)
class Remaining:
    """Seconds left (never negative) and the limits; None where the session is untimed."""

    question_s: float | None
    session_s: float | None
    question_limit_s: float | None
    session_limit_s: float | None

    @property
    def question_fraction(self) -> float | None:
        """Share of the question's time left (0..1): the TUI colours the last 20%."""
        if self.question_s is None or not self.question_limit_s:
            return None
        return self.question_s / self.question_limit_s


@dataclass(frozen=True)
class FollowUpView:
    """One follow-up question of a turn with the candidate's reply and its own grade."""

    turn_id: str
    index: int  # 1-based
    text: str
    key_point_id: str | None  # the missed key point it aims at
    source: str  # "llm" or "template"
    answer: str | None = None
    status: AnswerStatus = AnswerStatus.PENDING
    grade: Grade | None = None


@dataclass(frozen=True)
class TurnView:
    """One bank question in the session, with follow-ups. `grade` is the merged grade of the whole turn."""

    turn_id: str
    number: int  # 1-based position in the session
    question: Question
    answer: str | None = None
    status: AnswerStatus = AnswerStatus.PENDING
    main_grade: Grade | None = None  # the grade of the first answer alone
    grade: Grade | None = None  # main answer merged with follow-up answers (see services.grade_merge)
    follow_ups: tuple[FollowUpView, ...] = ()
    time_spent_s: float = 0.0


FinishReason = Literal["completed", "time_up", "stopped", "no_more_questions"]
"""Why a session ended."""


@dataclass(frozen=True)
class SessionSummary:
    """End-of-session figures for the summary screen and `--json` output."""

    session_id: str
    mode: SessionMode
    reason: FinishReason
    turns: tuple[TurnView, ...]
    mean_score: float | None  # over graded turns (skips and ungraded excluded)
    by_topic: dict[str, float] = field(default_factory=dict)  # mean score per topic slug
    time_spent_s: float = 0.0


@dataclass(frozen=True)
class ResumableSession:
    """An unfinished session that `resume(session_id)` can continue."""

    session_id: str
    mode: SessionMode
    started_at: str  # ISO 8601 UTC
    answered: int
    n_questions: int


@dataclass(frozen=True)
class EngineState:
    """A snapshot of the engine for rendering; cheap to build."""

    phase: Phase
    session_id: str | None
    config: SessionConfig | None
    current: TurnView | None  # the turn being asked/answered/graded
    follow_up_index: int  # 0 while on the main question, k while on follow-up k
    draft: str
    turns: tuple[TurnView, ...]  # completed turns, oldest first
    number: int  # 1-based number of the current question (0 before the first)
    total: int  # questions planned
    remaining: Remaining
