"""The grade of one question: score, verdict, covered/missed key points, feedback, grader, reference."""

from __future__ import annotations

import re
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Collapsible, Markdown, Static

from interviewer.domain import ENGINE_GRADER, SELF_GRADER, Grade, GradeFlag, Question, Verdict
from interviewer.grading.feedback import without_point_lists
from interviewer.i18n import N_, _
from interviewer.widgets.safe_text import safe_text, strip_controls, trusted_markdown

VERDICT_STYLE = {
    Verdict.STRONG: "bold green",
    Verdict.ADEQUATE: "bold cyan",
    Verdict.WEAK: "bold yellow",
    Verdict.WRONG: "bold red",
    Verdict.UNGRADED: "bold",
}


# The engine's note codes in words; other notes ("merged with 1 follow-up answer(s)") are shown as given.
NOTE_LABELS = {"skipped": N_("Skipped."), "dont_know": N_("Answered “I don't know”.")}
_MERGED_NOTE = re.compile(r"merged with (\d+) follow-up answer\(s\)")


def note_text(note: str) -> str:
    """A grade's note in the interface language where it is one of the engine's fixed notes; the graders'
    diagnostic notes (why a model grade failed, ...) are shown as stored."""
    label = NOTE_LABELS.get(note)
    if label:
        return _(label)
    merged = _MERGED_NOTE.fullmatch(note)
    if merged:
        return _("merged with {n} follow-up answer(s)").format(n=merged.group(1))
    return note


VERDICT_WORDS = {
    Verdict.STRONG: N_("STRONG"),
    Verdict.ADEQUATE: N_("ADEQUATE"),
    Verdict.WEAK: N_("WEAK"),
    Verdict.WRONG: N_("WRONG"),
    Verdict.UNGRADED: N_("UNGRADED"),
}


def grader_label(grader: str) -> str:
    """Human name of who graded: offline grader, LLM model, or the candidate."""
    if grader == SELF_GRADER:
        return _("self-grade")
    if grader.startswith("llm:"):
        return _("LLM judge ({model})").format(model=grader[4:])
    if grader.startswith("offline"):
        return _("offline grader ({name})").format(name=grader)
    if grader == ENGINE_GRADER:
        return _("interview rules")  # skipped / "I don't know" / empty: scored 0 by the session, not a model
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
    return _("low confidence") if grade.confidence < 0.5 else _("medium confidence")


def grade_summary(grade: Grade, question: Question | None = None) -> Text:
    """`7.5/10  ADEQUATE  · offline grader (offline-v2) · low confidence` as styled text; a seed reference
    adds `reference not reviewed`."""
    score = "–" if grade.score is None else f"{grade.score:.1f}/10"
    line = Text(score, style="bold")
    line.append("  ")
    verdict = VERDICT_WORDS.get(grade.verdict)
    word = _(verdict) if verdict else grade.verdict.value.upper()
    line.append(word, style=VERDICT_STYLE.get(grade.verdict, "bold"))
    line.append(f"  · {grader_label(grade.grader)}", style="dim")
    confidence = confidence_label(grade)
    if confidence:
        line.append(f" · {confidence}", style="yellow")
    if GradeFlag.GRADER_DISAGREEMENT.value in grade.flags:
        line.append(" · " + _("graders disagree"), style="yellow")
    if question is not None and question.status == "seed" and question.reference is not None:
        line.append(" · " + _("reference not reviewed"), style="yellow")
    return line


def point_states(question: Question, grade: Grade) -> list[tuple[bool, str]]:
    """(covered?, text) for every key point, in the question's order: the one source of the card's ✓/✗
    marks and of its count of missed points. A point the grade does not name as covered is missed; a grade
    that names no point at all (skipped, ungraded) has no states. Entries a grader sent as text are kept."""
    if not grade.covered and not grade.missed:
        return []
    covered = set(grade.covered)
    known = {kp.id for kp in question.key_points}
    states = [(kp.id in covered, kp.text) for kp in question.key_points]
    states += [(True, c) for c in grade.covered if c not in known]
    states += [(False, m) for m in grade.missed if m not in known and m not in covered]
    return states


def missed_line(states: list[tuple[bool, str]]) -> Text | None:
    """`Missed 2 of 10 key points.` from the same states as the marks; None when nothing was missed."""
    missed = sum(1 for covered, _text in states if not covered)
    if not missed:
        return None
    return Text(_("Missed {missed} of {total} key points.").format(missed=missed, total=len(states)),
                style="red")


def points_text(question: Question, grade: Grade) -> Table | None:
    """Covered, missed and wrong points, one row each with the mark in its own column: a long point (Chinese
    has no spaces to break at) wraps under its own text instead of leaving the mark alone on a line."""
    rows = [("✓", "green", p) if covered else ("✗", "red", p) for covered, p in point_states(question, grade)]
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
    GradeCard > .grade-missed { height: auto; }
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
        self.border_title = _("Grade")

    def compose(self) -> ComposeResult:
        yield Static(grade_summary(self.grade, self.question), classes="grade-summary")
        points = points_text(self.question, self.grade)
        if points is not None:
            yield Static(points, classes="grade-points")
        missed = missed_line(point_states(self.question, self.grade))
        if missed is not None:
            yield Static(missed, classes="grade-missed")
        # The grader's own covered/missed sentences would repeat the marks above (and, after a follow-up,
        # describe the first answer only): the marks are the one list.
        feedback = without_point_lists(self.grade.feedback)
        if feedback:
            yield Static(safe_text(feedback), classes="grade-feedback")
        if self.grade.note:
            yield Static(safe_text(note_text(self.grade.note), style="italic"), classes="grade-feedback")
        if self.show_reference:
            missing = _("No reference answer in the bank for this question.")
            reference = self.question.reference or f"_{missing}_"
            with Collapsible(title=_("Reference answer"), collapsed=True):
                yield Markdown(trusted_markdown(reference))
