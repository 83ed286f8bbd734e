"""The grade of one question: score, verdict, covered/missed key points, feedback, grader, reference."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Collapsible, Markdown, Static

from interviewer.domain import ENGINE_GRADER, SELF_GRADER, Grade, GradeFlag, Question, Verdict
from interviewer.widgets.safe_text import safe_text, strip_controls, trusted_markdown

VERDICT_STYLE = {
    Verdict.STRONG: "bold green",
    Verdict.ADEQUATE: "bold cyan",
    Verdict.WEAK: "bold yellow",
    Verdict.WRONG: "bold red",
    Verdict.UNGRADED: "bold",
}


# The engine's note codes in words; other notes ("merged with 1 follow-up answer(s)") are shown as given.
NOTE_LABELS = {"skipped": "Skipped.", "dont_know": "Answered “I don't know”."}


def grader_label(grader: str) -> str:
    """Human name of who graded: offline grader, LLM model, or the candidate."""
    if grader == SELF_GRADER:
        return "self-grade"
    if grader.startswith("llm:"):
        return f"LLM judge ({grader[4:]})"
    if grader.startswith("offline"):
        return f"offline grader ({grader})"
    if grader == ENGINE_GRADER:
        return "interview rules"  # skipped / "I don't know" / empty: scored 0 by the session, not a model
    return grader


def point_texts(question: Question, ids: tuple[str, ...]) -> list[str]:
    """Key point ids (`k1`) to their text; unknown entries are shown as given (graders may send text)."""
    by_id = {kp.id: kp.text for kp in question.key_points}
    return [by_id.get(i, i) for i in ids]


CONFIDENT = 0.7
"""From this confidence on the card says nothing about it; below, it says how sure the grade is."""


def confidence_label(grade: Grade) -> str | None:
    """`low confidence` / `medium confidence` when the grade is not sure; None for a confident grade."""
    if grade.score is None or grade.grader == SELF_GRADER or grade.confidence >= CONFIDENT:
        return None
    return "low confidence" if grade.confidence < 0.5 else "medium confidence"


def grade_summary(grade: Grade, question: Question | None = None) -> Text:
    """`7.5/10  ADEQUATE  · offline grader (offline-v2) · low confidence` as styled text; a seed reference
    adds `reference not reviewed`."""
    score = "–" if grade.score is None else f"{grade.score:.1f}/10"
    line = Text(score, style="bold")
    line.append("  ")
    line.append(grade.verdict.value.upper(), style=VERDICT_STYLE.get(grade.verdict, "bold"))
    line.append(f"  · {grader_label(grade.grader)}", style="dim")
    confidence = confidence_label(grade)
    if confidence:
        line.append(f" · {confidence}", style="yellow")
    if GradeFlag.GRADER_DISAGREEMENT.value in grade.flags:
        line.append(" · graders disagree", style="yellow")
    if question is not None and question.status == "seed" and question.reference is not None:
        line.append(" · reference not reviewed", style="yellow")
    return line


def points_text(question: Question, grade: Grade) -> Table | None:
    """Covered, missed and wrong points, one row each with the mark in its own column: a long point (Chinese
    has no spaces to break at) wraps under its own text instead of leaving the mark alone on a line."""
    rows = [("✓", "green", p) for p in point_texts(question, grade.covered)]
    rows += [("✗", "red", p) for p in point_texts(question, grade.missed)]
    rows += [("!", "yellow", e) for e in grade.factual_errors]
    if not rows:
        return None
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for mark, style, point in rows:
        table.add_row(Text(mark, style=style), Text(strip_controls(point)))
    return table


class GradeCard(Vertical):
    """Shown after a question is graded; the reference answer sits in a collapsed section."""

    DEFAULT_CSS = """
    GradeCard { height: auto; border: round $primary; padding: 0 1; margin: 1 0 0 0; }
    GradeCard > .grade-summary { height: auto; }
    GradeCard > .grade-points { height: auto; }
    GradeCard > .grade-feedback { height: auto; color: $text-muted; }
    GradeCard Collapsible { padding: 0; border: none; }
    """

    def __init__(
        self, question: Question, grade: Grade, show_reference: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.question = question
        self.grade = grade
        self.show_reference = show_reference
        self.border_title = "Grade"

    def compose(self) -> ComposeResult:
        yield Static(grade_summary(self.grade, self.question), classes="grade-summary")
        points = points_text(self.question, self.grade)
        if points is not None:
            yield Static(points, classes="grade-points")
        if self.grade.feedback:
            yield Static(safe_text(self.grade.feedback), classes="grade-feedback")
        if self.grade.note:
            note = NOTE_LABELS.get(self.grade.note, self.grade.note)
            yield Static(safe_text(note, style="italic"), classes="grade-feedback")
        if self.show_reference:
            reference = self.question.reference or "_No reference answer in the bank for this question._"
            with Collapsible(title="Reference answer", collapsed=True):
                yield Markdown(trusted_markdown(reference))
