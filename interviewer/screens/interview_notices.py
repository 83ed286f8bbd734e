"""The wording of the interview screen's notices and clock texts, built from engine events (no widgets)."""

from __future__ import annotations

from interviewer.i18n import _
from interviewer.services.engine import api as engine_api
from interviewer.widgets.countdown import format_seconds
from interviewer.widgets.grade_card import grade_summary


def graded_notice(event: engine_api.AnswerGraded) -> str:
    """`Answer graded: 6.5/10 ADEQUATE …`, or for a follow-up the question's grade with it merged in."""
    if event.follow_up_index == 0:
        return _("Answer graded: {grade}").format(grade=grade_summary(event.grade).plain)
    # The follow-up's own grade is against one point only: what counts is the question's grade with the
    # follow-up merged in, so the band shown is the question's, as on its grade card.
    merged = event.turn.grade or event.grade
    follow_ups = event.turn.follow_ups
    point = follow_ups[event.follow_up_index - 1].key_point_id if len(follow_ups) >= event.follow_up_index \
        else None
    mark = "" if point is None else ("✓ " if point in merged.covered else "✗ ")
    return _("Follow-up {n}: {mark}question now {grade}").format(
        n=event.follow_up_index, mark=mark, grade=grade_summary(merged).plain)


def time_warning(event: engine_api.TimeWarning) -> str:
    left = int(event.remaining_s)
    if event.scope == "question":
        return _("{s} s left for the question.").format(s=left)
    return _("{s} s left for the session.").format(s=left)


def fell_back_notice(event: engine_api.FellBack) -> str:
    part = _("follow-up") if event.component == "follow_up" else _("clarifier")
    return _("LLM {part} unavailable ({reason}): template used.").format(part=part, reason=event.reason)


def time_used(used_s: float, budget_s: float | None) -> str:
    """What the session clock says once the session is over: the time used, against the budget if any."""
    used = format_seconds(used_s)
    if budget_s is None:
        return _("Time used {used}").format(used=used)
    return _("Time used {used} of {budget}").format(used=used, budget=format_seconds(budget_s))
