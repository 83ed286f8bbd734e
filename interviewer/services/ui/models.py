"""Plain view objects the screens render (no Textual, no SQL): built by `ui_facade` from services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from interviewer.domain import Grade, Question


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
            return "Offline grader in use (no LLM configured)"
        if self.reachable is None:
            return f"LLM {self.model}: checking…"
        if self.reachable:
            return f"LLM {self.model} reachable" + (f" ({self.detail})" if self.detail else "")
        why = f" ({self.detail})" if self.detail else ""
        return f"LLM {self.model} unreachable{why}: offline grader in use"


@dataclass(frozen=True)
class TopicView:
    slug: str
    name: str
    questions: int


@dataclass(frozen=True)
class TopicMasteryView:
    slug: str
    name: str
    mastery: float | None  # 0..1; None: never practised
    due: int = 0


@dataclass(frozen=True)
class SessionListItem:
    id: str
    mode: str
    started_at: datetime
    finished: bool
    questions: int
    avg_score: float | None = None
    topics: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Compact enough for a 32-column list: `02-28 09:00 timed     2q  7.5`, `…` if unfinished."""
        score = "–" if self.avg_score is None else f"{self.avg_score:.1f}"
        state = "" if self.finished else " …"
        return f"{self.started_at:%m-%d %H:%M} {self.mode:<8} {self.questions:>2}q {score:>4}{state}"


@dataclass(frozen=True)
class ExchangeView:
    """One prompt and the candidate's reply: the main question or a follow-up."""

    kind: Literal["question", "follow_up"]
    prompt: str
    answer: str
    status: str = "answered"  # answered / auto_submitted / skipped / dont_know / pending
    grade: Grade | None = None


@dataclass(frozen=True)
class TurnView:
    turn_id: str
    question: Question
    exchanges: tuple[ExchangeView, ...]
    grade: Grade | None = None
    self_grade: float | None = None
    due: datetime | None = None
    flagged: bool = False


@dataclass(frozen=True)
class TranscriptView:
    session: SessionListItem
    turns: tuple[TurnView, ...]


@dataclass(frozen=True)
class ProgressView:
    trend: tuple[tuple[str, float], ...] = ()
    mastery: tuple[TopicMasteryView, ...] = ()
    agreement: tuple[tuple[float, float], ...] = ()  # (model score, self score)
