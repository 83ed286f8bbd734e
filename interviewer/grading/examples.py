"""Graded example answers for the LLM judge: the user's own self-grades first, then a shipped calibration set.

Examples are picked per question in a stable order (same inputs, same examples, same order), so the judge's
prompt for one question is the same prefix every time and vLLM's prefix cache keeps serving it. Preference:
answers to the same question, then to other questions of the same topic, then a fixed spread of anchors
from the whole set (only so a question from outside the bank still sees the scale in use).

The calibration set (`calibration.jsonl`, built by scripts/build_calibration.py) holds only `tune` rows of
the grader dev set; `exclude_same_question` keeps an evaluation from showing the judge an example of the
very question it is grading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, Protocol

from interviewer.domain import Question

MAX_EXAMPLES = 5
ANSWER_MAX_CHARS = 600
"""Longer example answers are cut: the examples should not dwarf the answer being graded."""


@dataclass(frozen=True)
class GradedExample:
    """One answer with the score a person gave it (0-10)."""

    question_id: str
    topic: str
    question: str
    answer: str
    score: float
    source: Literal["self", "calibration"]

    def same_question(self, question: Question) -> bool:
        """An example of `question` (by id: a follow-up's focused question keeps its question's examples,
        so its grade reuses them from the prefix cache)."""
        return self.question_id == question.id


class ExampleSource(Protocol):
    """Graded examples for a question, best first, at most `limit` (may do I/O: call it off the loop)."""

    def examples_for(self, question: Question, limit: int) -> Sequence[GradedExample]: ...


@cache
def load_calibration() -> tuple[GradedExample, ...]:
    """The shipped calibration rows (package data next to this module)."""
    text = resources.files("interviewer.grading").joinpath("calibration.jsonl").read_text(encoding="utf-8")
    rows = (json.loads(line) for line in text.splitlines() if line.strip())
    return tuple(GradedExample(r["question_id"], r["topic"], r["question"], r["answer"], float(r["score"]),
                               "calibration") for r in rows)


def spread(rows: Sequence[GradedExample], k: int) -> list[GradedExample]:
    """`k` rows spanning the score range (lowest to highest, evenly spaced), in a stable order."""
    ordered = sorted(rows, key=lambda r: (r.score, r.question_id, r.answer))
    if k <= 0 or not ordered:
        return []
    if len(ordered) <= k:
        return ordered
    if k == 1:
        return [ordered[len(ordered) // 2]]
    step = (len(ordered) - 1) / (k - 1)
    return [ordered[round(i * step)] for i in range(k)]


@dataclass(frozen=True)
class CalibrationExamples:
    """Examples from the shipped calibration set (or `rows` given by a test)."""

    rows: tuple[GradedExample, ...] | None = None
    exclude_same_question: bool = False
    """For evaluation: never an example of the question being graded (by id or by text)."""

    def examples_for(self, question: Question, limit: int) -> list[GradedExample]:
        rows = self.rows if self.rows is not None else load_calibration()
        if self.exclude_same_question:
            text = question.text.strip()
            rows = tuple(r for r in rows if r.question_id != question.id and r.question != text)
        same = [r for r in rows if r.same_question(question)]
        picked = spread(same, limit)
        if len(picked) < limit:
            topic = [r for r in rows if r.topic == question.topic and not r.same_question(question)]
            picked += spread(topic, limit - len(picked))
        if not picked:
            picked = spread(_one_per_question(list(rows)), limit)
        return picked


def _one_per_question(rows: Sequence[GradedExample]) -> list[GradedExample]:
    """Per question, its median-scored row (stable)."""
    by_question: dict[str, list[GradedExample]] = {}
    for row in sorted(rows, key=lambda r: (r.question_id, r.score, r.answer)):
        by_question.setdefault(row.question_id, []).append(row)
    return [group[len(group) // 2] for group in by_question.values()]


def choose(question: Question, k: int, own: Sequence[GradedExample],
           calibration: ExampleSource | None) -> list[GradedExample]:
    """Up to `k` examples: the user's own first (oldest first, as graded), then calibration rows."""
    k = max(0, min(k, MAX_EXAMPLES))
    picked = list(own[:k])
    if len(picked) < k and calibration is not None:
        picked += list(calibration.examples_for(question, k - len(picked)))
    return picked
