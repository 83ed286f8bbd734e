"""Plain view objects the screens render (no Textual, no SQL): built by `ui_facade` from services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from rich.cells import set_cell_size

from interviewer.domain import Grade, Question
from interviewer.history import AnswerStatus
from interviewer.i18n import N_, _
from interviewer.services.ui.session_score import SessionScore

# Session modes as the interface names them (translated where shown).
MODE_NAMES = (N_("timed"), N_("practice"), N_("drill"))


@dataclass(frozen=True)
class LlmStatus:
    """What grades and follows up: the configured LLM (reachable or not) or the offline grader."""

    offline: bool
    reachable: bool | None = None  # None: not checked yet
    model: str = ""
    detail: str = ""

    @property
    def label(self) -> str:
        if self.offline:
            return _("Offline grader in use (no LLM configured)")
        if self.reachable is None:
            return _("LLM {model}: checking…").format(model=self.model)
        why = f" ({self.detail})" if self.detail else ""
        if self.reachable:
            return _("LLM {model} reachable").format(model=self.model) + why
        return _("LLM {model} unreachable{why}: offline grader in use").format(model=self.model, why=why)


@dataclass(frozen=True)
class TopicView:
    slug: str
    name: str
    questions: int


@dataclass(frozen=True)
class TopicMasteryView:
    slug: str
    name: str
    mastery: float | None  # 0..1; None: never practised, or `new` (answers > 0, too few to rate)
    due: int = 0
    answers: int = 0  # graded answers to the topic's questions

    @property
    def is_new(self) -> bool:
        """Practised, but with too few graded answers to say how well it is known."""
        return self.mastery is None and self.answers > 0


@dataclass(frozen=True)
class SessionListItem:
    id: str
    mode: str
    started_at: datetime
    finished: bool
    questions: int
    score: SessionScore = field(default_factory=SessionScore)
    topics: tuple[str, ...] = ()

    @property
    def avg_score(self) -> float | None:
        """The session score (model grades only; see `session_score`)."""
        return self.score.mean

    @property
    def label(self) -> str:
        """Compact enough for a 32-column list: `02-28 09:00 timed     2q  7.5`, `…` if unfinished."""
        state = "" if self.finished else " …"
        score = self.score.short
        mode = set_cell_size(_(self.mode), 8)  # padded by display width: a CJK character takes two cells
        count = _("{n}q").format(n=f"{self.questions:>2}")
        return f"{self.started_at:%m-%d %H:%M} {mode} {count} {score:>4}{state}"


@dataclass(frozen=True)
class ClarificationView:
    """A clarifying question the candidate asked before answering (Ctrl+R), and the interviewer's reply."""

    question: str
    reply: str


@dataclass(frozen=True)
class ExchangeView:
    """One prompt and the candidate's reply: the main question or a follow-up."""

    kind: Literal["question", "follow_up"]
    prompt: str
    answer: str
    status: AnswerStatus = AnswerStatus.ANSWERED
    grade: Grade | None = None
    clarifications: tuple[ClarificationView, ...] = ()  # asked between the prompt and the answer


@dataclass(frozen=True)
class ReviewedTurn:
    turn_id: str
    question: Question
    exchanges: tuple[ExchangeView, ...]
    grade: Grade | None = None
    self_grade: float | None = None
    due: datetime | None = None
    flagged: bool = False
    topic_name: str = ""  # the topic's display name (as Home shows it); empty: use the question's slug

    @property
    def topic_label(self) -> str:
        return self.topic_name or self.question.topic


@dataclass(frozen=True)
class TranscriptView:
    session: SessionListItem
    turns: tuple[ReviewedTurn, ...]


@dataclass(frozen=True)
class ProgressView:
    trend: tuple[tuple[str, float], ...] = ()
    mastery: tuple[TopicMasteryView, ...] = ()
    agreement: tuple[tuple[float, float], ...] = ()  # (model score, self score)


@dataclass(frozen=True)
class QuestionScoreView:
    """One main question on the summary: its model grade (merged with follow-ups) and its status."""

    number: int
    question_id: str
    topic: str  # display name
    text: str
    status: AnswerStatus
    score: float | None
    verdict: str  # the grade's verdict, `ungraded` when there is none
    time_spent_s: float = 0.0


@dataclass(frozen=True)
class TopicScoreView:
    name: str
    questions: int
    graded: int
    mean: float | None  # model scores only, as the session score


@dataclass(frozen=True)
class SummaryView:
    """The end-of-session screen: scores per question and per topic, time, missed points, the next drill."""

    session: SessionListItem
    questions: tuple[QuestionScoreView, ...]
    topics: tuple[TopicScoreView, ...]
    time_used_s: float
    budget_s: float | None  # None: untimed
    missed_most: tuple[tuple[str, int], ...]  # (key point text, how many questions missed it)
    drill_next: tuple[TopicMasteryView, ...]  # the topics a drill would start with
