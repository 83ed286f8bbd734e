"""The offline stand-in for a failed model grade: how it is marked, and how a caller recognises one.

Both fallbacks go through here: the LLM judge's own (a model error after its retry) and the engine's (a
grader that raises or misses the grading deadline). A stand-in carries flag `llm_fallback` and a note
saying why; `fallback_reason` is the one reader of that mark.
"""

from __future__ import annotations

from typing import Any

from interviewer.domain import Grade, GradeFlag


def mark_fallback(grade: Grade, note: str, **update: Any) -> Grade:
    """`grade` (the offline grader's) standing in for a model grade: flag `llm_fallback`, `note` says why."""
    flags = tuple(dict.fromkeys((*grade.flags, GradeFlag.LLM_FALLBACK.value)))
    return grade.model_copy(update={"flags": flags, "note": note, **update})


def fallback_reason(grade: Grade) -> str | None:
    """Why `grade` is an offline stand-in (its note), or None when the model graded it."""
    if GradeFlag.LLM_FALLBACK.value not in grade.flags:
        return None
    return grade.note or GradeFlag.LLM_FALLBACK.value
