"""The engine's calls that can fail or stall (grader, streamed follow-ups and clarifications), each with a
deadline and an offline fallback, so a broken endpoint never stops a session.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from interviewer.domain import ENGINE_GRADER, Grade, Language, Question, Verdict
from interviewer.grading.fallback import fallback_reason, mark_fallback
from interviewer.services.engine.ports import GraderPort
from interviewer.services.engine.template_replies import ReferenceLeak, guard_stream

DEFAULT_GRADE_TIMEOUT_S = 120.0
"""Whole-grading deadline (the judge has its own timeouts and retry; this only catches a hang)."""
DEFAULT_STALL_S = 20.0
"""A streamed follow-up/clarification that sends nothing for this long is abandoned for the template."""
DEFAULT_REPLY_TIMEOUT_S = 60.0
"""A streamed follow-up/clarification that takes longer than this in total is abandoned too."""


class EmptyReply(Exception):
    """The model streamed nothing usable."""


def failure_reason(err: BaseException) -> str:
    """A short machine-friendly reason: `timeout`, `server_error`, `reference_leak`, ..."""
    reason = getattr(err, "reason", None)
    if isinstance(reason, str):
        return reason
    if isinstance(err, TimeoutError):
        return "stalled"
    if isinstance(err, ReferenceLeak):
        return "reference_leak"
    if isinstance(err, EmptyReply):
        return "empty_reply"
    return type(err).__name__


@dataclass(frozen=True)
class GradeOutcome:
    grade: Grade
    fell_back: str | None  # the reason when the offline grader stood in (or the judge said it fell back)


def grader_name(grader: object) -> str:
    """The name a grade carries (`offline-v2`, `llm:<model>`); `engine` only for a grader without one."""
    name = getattr(grader, "name", None)
    return name if isinstance(name, str) and name else ENGINE_GRADER


async def grade_with_fallback(grader: GraderPort, fallback: GraderPort | None, question: Question,
                              answer: str, language: Language, timeout_s: float) -> GradeOutcome:
    """Grade with the primary grader; on any failure use the fallback (flagged `llm_fallback`)."""
    try:
        grade = await asyncio.wait_for(_run_grader(grader, question, answer, language), timeout_s)
    except Exception as err:  # any judge failure must leave the candidate with a grade
        reason = failure_reason(err)
        if fallback is None or fallback is grader:
            return GradeOutcome(Grade(score=None, verdict=Verdict.UNGRADED, grader=grader_name(grader),
                                      note=f"grading failed: {reason}"), reason)
        grade = await _run_grader(fallback, question, answer, language)
        return GradeOutcome(mark_fallback(grade, reason), reason)
    return GradeOutcome(grade, fallback_reason(grade))  # the judge may have stood its own fallback in


async def _run_grader(grader: GraderPort, question: Question, answer: str, language: Language) -> Grade:
    """CPU-bound graders (those with `grade_sync`, like the offline one) run in a worker thread, so the
    event loop the UI runs on stays responsive (its first call loads tables for seconds)."""
    grade_sync = getattr(grader, "grade_sync", None)
    if callable(grade_sync):
        return await asyncio.to_thread(grade_sync, question, answer, language=language)
    return await grader.grade(question, answer, language=language)


async def _next_piece(stream: AsyncIterator[str], stall_s: float) -> str | None:
    try:
        return await asyncio.wait_for(anext(stream), stall_s)
    except StopAsyncIteration:
        return None


async def stream_reply(
    pieces: AsyncIterator[str],
    question: Question,
    on_piece: Callable[[str], None],
    *,
    stall_s: float = DEFAULT_STALL_S,
    total_s: float = DEFAULT_REPLY_TIMEOUT_S,
) -> str:
    """Relay a streamed reply piece by piece (leak-guarded) and return the whole text.

    Raises on a stall, a total timeout, a reference leak, an empty reply or any client error; what was
    relayed before the failure has already reached `on_piece`.
    """
    guarded = guard_stream(pieces, question)
    text: list[str] = []
    try:
        async with asyncio.timeout(total_s):
            while (piece := await _next_piece(guarded, stall_s)) is not None:
                if piece:
                    text.append(piece)
                    on_piece(piece)
    finally:
        with contextlib.suppress(Exception):
            await guarded.aclose()
    reply = "".join(text).strip()
    if not reply:
        raise EmptyReply("the model sent an empty reply")
    return reply
