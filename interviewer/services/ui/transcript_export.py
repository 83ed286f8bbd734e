"""Export one session's transcript as Markdown or JSON (pure: view objects in, text out; no Textual).

Candidate and model text is exported as written, except that terminal escape sequences and control
characters are removed, and in Markdown it is quoted so it cannot turn into headings or links. Bank text
(question, key points, reference) is untrusted too: in Markdown it is HTML-escaped, so a reference holding
`</details><script>` stays text inside its `<details>` block.
"""

from __future__ import annotations

import json
from typing import Any

from interviewer.domain import Grade
from interviewer.grading.feedback import without_point_lists
from interviewer.i18n import N_
from interviewer.services.ui.models import ExchangeView, ReviewedTurn, TranscriptView
from interviewer.terminal_text import html_text
from interviewer.terminal_text import strip_controls as clean

FORMATS = ("md", "json")
STATUS_WORDS = {"dont_know": N_("I don't know"), "auto_submitted": N_("time ran out"),
                "skipped": N_("skipped"), "pending": N_("not answered")}  # N_: Review shows them translated
def export_transcript(view: TranscriptView, fmt: str) -> str:
    """`md` or `json`; ValueError for any other format."""
    if fmt == "md":
        return to_markdown(view)
    if fmt == "json":
        return json.dumps(to_dict(view), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})")


# --- JSON ---------------------------------------------------------------------------------------------


def _grade_dict(grade: Grade | None) -> dict[str, Any] | None:
    if grade is None:
        return None
    return {
        "score": grade.score,
        "verdict": grade.verdict.value,
        "grader": grade.grader,
        "covered": list(grade.covered),
        "missed": list(grade.missed),
        "feedback": clean(grade.feedback),
    }


def _exchange_dict(exchange: ExchangeView) -> dict[str, Any]:
    return {
        "kind": exchange.kind,
        "prompt": clean(exchange.prompt),
        "answer": clean(exchange.answer),
        "status": exchange.status,
        "grade": _grade_dict(exchange.grade),
        "clarifications": [{"question": clean(c.question), "reply": clean(c.reply)}
                           for c in exchange.clarifications],
    }


def _turn_dict(turn: ReviewedTurn) -> dict[str, Any]:
    question = turn.question
    return {
        "turn_id": turn.turn_id,
        "question_id": question.id,
        "topic": question.topic,
        "topic_name": turn.topic_label,
        "question": clean(question.text),
        "reference": clean(question.reference) if question.reference is not None else None,
        "key_points": [{"id": kp.id, "text": clean(kp.text)} for kp in question.key_points],
        "exchanges": [_exchange_dict(e) for e in turn.exchanges],
        "grade": _grade_dict(turn.grade),
        "self_grade": turn.self_grade,
        "next_review": turn.due.isoformat() if turn.due else None,
        "reference_flagged": turn.flagged,
    }


def to_dict(view: TranscriptView) -> dict[str, Any]:
    session = view.session
    return {
        "session": {
            "id": session.id,
            "mode": session.mode,
            "started_at": session.started_at.isoformat(),
            "finished": session.finished,
            "questions": session.questions,
            "mean_score": session.score.as_dict()["mean"],
            "score": session.score.as_dict(),
        },
        "turns": [_turn_dict(t) for t in view.turns],
    }


# --- Markdown -----------------------------------------------------------------------------------------


def quote(text: str) -> str:
    """Untrusted text as a Markdown block quote (so it cannot become headings, lists or HTML)."""
    body = clean(text).strip() or "(no answer)"
    body = body.replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))


def _grade_lines(turn: ReviewedTurn) -> list[str]:
    grade = turn.grade
    if grade is None:
        return ["**Grade:** not graded"]
    by_id = {kp.id: kp.text for kp in turn.question.key_points}
    score = "–" if grade.score is None else f"{grade.score:.1f}/10"
    lines = [f"**Grade:** {score} ({grade.verdict.value}, by `{grade.grader}`)", ""]
    lines += [f"- [x] {html_text(by_id.get(k, k))}" for k in grade.covered]
    lines += [f"- [ ] {html_text(by_id.get(k, k))}" for k in grade.missed]
    feedback = without_point_lists(grade.feedback)  # the checkboxes above are the one list of points
    if feedback:
        lines += ["", "Feedback:", "", quote(feedback)]
    return lines


def _turn_markdown(number: int, turn: ReviewedTurn) -> list[str]:
    question = turn.question
    lines = [f"## Q{number}. {html_text(turn.topic_label)} ({html_text(question.id)})", "",
             html_text(question.text).strip(), ""]
    for exchange in turn.exchanges:
        if exchange.kind == "follow_up":
            lines += ["**Interviewer (follow-up):**", "", quote(exchange.prompt), ""]
        for clarification in exchange.clarifications:  # asked before answering
            lines += ["**You (clarifying question):**", "", quote(clarification.question), "",
                      "**Interviewer (clarification):**", "", quote(clarification.reply), ""]
        words = STATUS_WORDS.get(exchange.status, exchange.status)
        label = "**Your answer:**" if exchange.status == "answered" else f"**Your answer ({words}):**"
        lines += [label, "", quote(exchange.answer), ""]
    lines += _grade_lines(turn)
    own = "–" if turn.self_grade is None else f"{turn.self_grade:.1f}/10"
    due = turn.due.strftime("%Y-%m-%d") if turn.due else "–"
    lines += ["", f"**Self-grade:** {own} · **next review:** {due}"
              + (" · reference flagged as wrong" if turn.flagged else ""), ""]
    reference = html_text(question.reference).strip() if question.reference else ""
    reference = reference or "_No reference answer in the bank._"
    lines += ["<details><summary>Reference answer</summary>", "", reference, "", "</details>", ""]
    return lines


def to_markdown(view: TranscriptView) -> str:
    session = view.session
    lines = [
        f"# Interview {session.id}",
        "",
        f"- mode: {session.mode}",
        f"- started: {session.started_at:%Y-%m-%d %H:%M} UTC",
        f"- questions: {session.questions}, session score: {session.score.describe()}",
        "",
    ]
    for number, turn in enumerate(view.turns, 1):
        lines += _turn_markdown(number, turn)
    return "\n".join(lines).rstrip() + "\n"
