"""The grade of one question: score, verdict, covered/missed key points, feedback, grader, reference."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Collapsible, Markdown, Static

from interviewer.domain import Grade, Question, Verdict
from interviewer.widgets.safe_text import safe_text, strip_controls, trusted_markdown

VERDICT_STYLE = {
    Verdict.STRONG: "bold green",
    Verdict.ADEQUATE: "bold cyan",
    Verdict.WEAK: "bold yellow",
    Verdict.WRONG: "bold red",
    Verdict.UNGRADED: "bold",
}


def grader_label(grader: str) -> str:
    """Human name of who graded: offline grader, LLM model, or the candidate."""
    if grader == "self":
        return "self-grade"
    if grader.startswith("llm:"):
        return f"LLM judge ({grader[4:]})"
    if grader.startswith("offline"):
        return f"offline grader ({grader})"
    return grader


def point_texts(question: Question, ids: tuple[str, ...]) -> list[str]:
    """Key point ids (`k1`) to their text; unknown entries are shown as given (graders may send text)."""
    by_id = {kp.id: kp.text for kp in question.key_points}
    return [by_id.get(i, i) for i in ids]


def grade_summary(grade: Grade) -> Text:
    """`7.5/10  ADEQUATE  · offline grader (offline-v1)` as styled text."""
    score = "–" if grade.score is None else f"{grade.score:.1f}/10"
    line = Text(score, style="bold")
    line.append("  ")
    line.append(grade.verdict.value.upper(), style=VERDICT_STYLE.get(grade.verdict, "bold"))
    line.append(f"  · {grader_label(grade.grader)}", style="dim")
    return line


def points_text(question: Question, grade: Grade) -> Text:
    text = Text()
    for point in point_texts(question, grade.covered):
        text.append("✓ ", style="green").append(strip_controls(point)).append("\n")
    for point in point_texts(question, grade.missed):
        text.append("✗ ", style="red").append(strip_controls(point)).append("\n")
    for error in grade.factual_errors:
        text.append("! ", style="yellow").append(strip_controls(error)).append("\n")
    text.rstrip()
    return text


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
        self, question: Question, grade: Grade, show_reference: bool = True, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.question = question
        self.grade = grade
        self.show_reference = show_reference
        self.border_title = "Grade"

    def compose(self) -> ComposeResult:
        yield Static(grade_summary(self.grade), classes="grade-summary")
        points = points_text(self.question, self.grade)
        if points.plain:
            yield Static(points, classes="grade-points")
        if self.grade.feedback:
            yield Static(safe_text(self.grade.feedback), classes="grade-feedback")
        if self.grade.note:
            yield Static(safe_text(self.grade.note, style="italic"), classes="grade-feedback")
        if self.show_reference:
            reference = self.question.reference or "_No reference answer in the bank for this question._"
            with Collapsible(title="Reference answer", collapsed=True):
                yield Markdown(trusted_markdown(reference))
