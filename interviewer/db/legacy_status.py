"""The answer status of turns stored before turns had a `status` column (migration 0003, old export files).

Until then the engine encoded it in grades: a skipped part got a grade by grader `engine` with note `skipped`,
"I don't know" one with note `dont_know`, and an auto-submit was a main answer that used its whole time limit.
Frozen on purpose: it reads what old code wrote, so it must not follow later changes to the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LEGACY_ENGINE_GRADER = "engine"
LEGACY_SELF_GRADER = "self"
_NOTE_STATUS = {"skipped": "skipped", "dont_know": "dont_know"}


def per_question_limit(settings: Mapping[str, Any] | None) -> float | None:
    """The per-question time limit a stored session ran with; None when untimed or unknown."""
    config = (settings or {}).get("config")
    if not isinstance(config, Mapping) or config.get("mode") == "practice":
        return None
    limit = config.get("per_question_s")
    return float(limit) if isinstance(limit, int | float) and not isinstance(limit, bool) else None


def legacy_status(
    *,
    submitted: bool,
    answer: str | None,
    is_follow_up: bool,
    model_grades: Sequence[tuple[str, str | None]],
    time_spent_s: float | None,
    per_question_s: float | None,
) -> str:
    """The status word for one old turn; `model_grades` are its (grader, note) pairs, oldest first, self
    grades left out."""
    if not submitted:
        return "pending"
    if model_grades:
        grader, note = model_grades[0]
        if grader == LEGACY_ENGINE_GRADER and note in _NOTE_STATUS:
            return _NOTE_STATUS[note]
    elif not (answer or "").strip():
        return "skipped"
    if not is_follow_up and per_question_s is not None and (time_spent_s or 0.0) >= per_question_s - 1e-6:
        return "auto_submitted"
    return "answered"
