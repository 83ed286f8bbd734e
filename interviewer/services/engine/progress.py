"""`SessionProgress`: where one session stands (its config, the turns so far, the current turn) and
`follow_up_target`, the policy that decides whether a turn gets a follow-up question."""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.domain import KeyPoint, Language
from interviewer.services.engine.api import (
    AnswerStatus,
    EngineError,
    Remaining,
    SessionConfig,
    SessionSummary,
)
from interviewer.services.engine.selection import START_DIFFICULTY, QuestionSelector, is_flagged
from interviewer.services.engine.turns import Turn

FOLLOW_UP_MIN_FRACTION = 0.15
"""A follow-up needs at least this share of the question's time left (and as many seconds of the session)."""


@dataclass
class SessionProgress:
    """The state of one session, shared by the engine and its turn flow; a new session starts a new one."""

    session_id: str | None = None
    config: SessionConfig | None = None
    selector: QuestionSelector | None = None
    turns: list[Turn] = field(default_factory=list)
    turn: Turn | None = None
    difficulty: int = START_DIFFICULTY
    total: int = 0
    warned_question: bool = False
    warned_session: bool = False
    clarifications: int = 0
    clarifying: bool = False
    stop_requested: bool = False
    summary: SessionSummary | None = None

    @property
    def language(self) -> Language:
        return self.config_or_raise().language

    def config_or_raise(self) -> SessionConfig:
        if self.config is None:
            raise EngineError("no session: call start() or resume() first")
        return self.config

    def session_or_raise(self) -> str:
        if self.session_id is None:
            raise EngineError("no session: call start() or resume() first")
        return self.session_id

    def selector_or_raise(self) -> QuestionSelector:
        if self.selector is None:
            raise EngineError("no session: call start() or resume() first")
        return self.selector


def follow_up_target(turn: Turn, config: SessionConfig, remaining: Remaining) -> KeyPoint | None:
    """The key point to follow up on: the first one missed and not yet asked about, when the answer was a
    real, graded one, fewer than `max_follow_ups` were asked, and enough time is left; else None."""
    part = turn.current
    if len(turn.follow_ups) >= config.max_follow_ups or part.status is not AnswerStatus.ANSWERED:
        return None
    if part.grade is None or is_flagged(part.grade) or turn.merged is None or turn.merged.score is None:
        return None
    missed = [kp for kp in turn.question.key_points
              if kp.id not in turn.merged.covered and kp.id not in turn.targeted]
    if not missed or not _time_for_follow_up(remaining):
        return None
    return missed[0]


def _time_for_follow_up(remaining: Remaining) -> bool:
    limit = remaining.question_limit_s
    need = FOLLOW_UP_MIN_FRACTION * limit if limit else 0.0
    if remaining.question_s is not None and remaining.question_s < need:
        return False
    return remaining.session_s is None or remaining.session_s >= max(need, 1.0)
