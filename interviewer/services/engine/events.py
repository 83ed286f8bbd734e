"""Events the engine sends to UIs (re-exported by `engine_api`). All frozen dataclasses; `kind` is a stable
string for JSON and logging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from interviewer.domain import Grade, Question
from interviewer.services.engine.models import SessionConfig, SessionSummary, TurnView


@dataclass(frozen=True)
class SessionStarted:
    session_id: str
    config: SessionConfig
    resumed: bool
    kind: str = "session_started"


@dataclass(frozen=True)
class QuestionAsked:
    """A new bank question. `draft` is non-empty when a resumed session restores an autosaved draft."""

    turn_id: str
    number: int
    total: int
    question: Question
    time_limit_s: float | None
    draft: str = ""
    kind: str = "question_asked"


@dataclass(frozen=True)
class FollowUpStarted:
    """The interviewer starts writing follow-up `index` (1-based); tokens follow."""

    parent_turn_id: str
    index: int
    key_point_id: str | None
    kind: str = "follow_up_started"


@dataclass(frozen=True)
class FollowUpToken:
    text: str
    kind: str = "follow_up_token"


@dataclass(frozen=True)
class FollowUpAsked:
    """The follow-up is complete (final text); the clock runs again and the candidate answers it."""

    turn_id: str
    parent_turn_id: str
    index: int
    text: str
    source: str  # "llm" | "template"
    kind: str = "follow_up_asked"


@dataclass(frozen=True)
class ClarificationStarted:
    question: str  # the candidate's clarifying question
    kind: str = "clarification_started"


@dataclass(frozen=True)
class ClarificationToken:
    text: str
    kind: str = "clarification_token"


@dataclass(frozen=True)
class ClarificationAnswered:
    question: str
    text: str  # final reply; the clock kept running meanwhile
    source: str  # "llm" | "template"
    kind: str = "clarification_answered"


@dataclass(frozen=True)
class GradingStarted:
    turn_id: str
    kind: str = "grading_started"


@dataclass(frozen=True)
class AnswerGraded:
    """One answer graded. `grade` is that answer's own grade; `turn.grade` is the merged turn grade."""

    grade: Grade
    turn: TurnView
    follow_up_index: int  # 0 = the main answer
    kind: str = "answer_graded"


@dataclass(frozen=True)
class TurnCompleted:
    """The bank question is done (no more follow-ups): show the grade card and, now, the reference."""

    turn: TurnView
    kind: str = "turn_completed"


@dataclass(frozen=True)
class TimeWarning:
    scope: Literal["question", "session"]
    remaining_s: float
    kind: str = "time_warning"


@dataclass(frozen=True)
class AutoSubmitted:
    """The time ran out: the draft (possibly empty) was submitted for the candidate."""

    turn_id: str
    reason: Literal["question_time", "session_budget"]
    text: str
    kind: str = "auto_submitted"


@dataclass(frozen=True)
class GraderFellBack:
    """The LLM judge failed (timeout, 5xx, invalid JSON, ...): this grade comes from the offline grader."""

    reason: str
    turn_id: str
    kind: str = "grader_fell_back"


@dataclass(frozen=True)
class FellBack:
    """Another LLM part failed and its offline template was used instead."""

    component: Literal["follow_up", "clarifier"]
    reason: str
    kind: str = "fell_back"


@dataclass(frozen=True)
class SessionFinished:
    summary: SessionSummary
    kind: str = "session_finished"


EngineEvent = (
    SessionStarted | QuestionAsked | FollowUpStarted | FollowUpToken | FollowUpAsked | ClarificationStarted
    | ClarificationToken | ClarificationAnswered | GradingStarted | AnswerGraded | TurnCompleted | TimeWarning
    | AutoSubmitted | GraderFellBack | FellBack | SessionFinished
)
Listener = Callable[[EngineEvent], None]
