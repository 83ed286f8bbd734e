"""The one number for a session, defined once: every place that shows a session's score uses `SessionScore`.

- The session score is the mean of the model grades (offline grader, LLM judge, or the interview rules' 0 for
  "I don't know") of the main questions, each question's grade merged with its follow-ups.
- Self-grades never change it: they are shown beside it, with their own mean.
- Questions without a model score are counted apart: skipped ones, and ungraded ones (no reference answer,
  grading failed, not answered before the session ended).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import mean

from interviewer.i18n import _


@dataclass(frozen=True)
class TurnScore:
    """What one main question contributes: its model score, the user's own score, whether it was skipped."""

    model: float | None
    own: float | None = None
    skipped: bool = False


@dataclass(frozen=True)
class SessionScore:
    questions: int = 0
    graded: int = 0
    mean: float | None = None  # the session score: mean model score over the graded questions
    self_graded: int = 0
    self_mean: float | None = None
    skipped: int = 0

    @property
    def ungraded(self) -> int:
        """Answered (or left unanswered) without a model score: no reference, grading failed, time ran out."""
        return self.questions - self.graded - self.skipped

    @property
    def short(self) -> str:
        """`3.6`, or `–` when nothing was graded (compact lists)."""
        return "–" if self.mean is None else f"{self.mean:.1f}"

    @property
    def text(self) -> str:
        """`3.6/10`, or `–`."""
        return "–" if self.mean is None else f"{self.mean:.1f}/10"

    def describe(self) -> str:
        """The score, then what it leaves out: `3.6/10 (2 of 3 graded · 1 skipped) · self-grades 4.0/10`."""
        parts = [_("{graded} of {questions} graded").format(graded=self.graded, questions=self.questions)]
        if self.skipped:
            parts.append(_("{n} skipped").format(n=self.skipped))
        if self.ungraded:
            parts.append(_("{n} ungraded").format(n=self.ungraded))
        line = f"{self.text} ({' · '.join(parts)})"
        if self.self_mean is not None:
            line += " · " + _("self-grades {score}/10").format(score=f"{self.self_mean:.1f}")
        return line

    def as_dict(self) -> dict[str, float | int | None]:
        """For JSON output; `mean` is the session score."""
        return {"mean": _rounded(self.mean), "questions": self.questions, "graded": self.graded,
                "ungraded": self.ungraded, "skipped": self.skipped, "self_graded": self.self_graded,
                "self_mean": _rounded(self.self_mean)}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def session_score(turns: Iterable[TurnScore]) -> SessionScore:
    """The session score of its main questions (see the module docstring)."""
    items = list(turns)
    model = [t.model for t in items if t.model is not None]
    own = [t.own for t in items if t.own is not None]
    skipped = sum(1 for t in items if t.skipped and t.model is None)
    return SessionScore(
        questions=len(items), graded=len(model), mean=mean(model) if model else None,
        self_graded=len(own), self_mean=mean(own) if own else None, skipped=skipped,
    )
