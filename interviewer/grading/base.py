"""The grader interface shared by the offline grader and the LLM judge, and eval-row helpers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from interviewer.domain import Grade, KeyPoint, Language, Question, QuestionKind, SourceRef
from interviewer.grading.text import detect_language


@runtime_checkable
class Grader(Protocol):
    """Grades one answer to one question. Implementations never raise for bad answers: they return a Grade."""

    @property
    def name(self) -> str:
        """Goes into `Grade.grader`: `offline-v1`, `llm:<model>`."""
        ...

    async def grade(self, question: Question, answer: str, *, language: Language | None = None) -> Grade:
        """Grade `answer`; `language` is the candidate's language for feedback (default: the answer's)."""
        ...


def question_from_row(
    question: str,
    reference: str | None,
    key_points: Sequence[str] = (),
    *,
    topic: str = "eval",
    kind: QuestionKind = "explain",
) -> Question:
    """A transient Question for an eval row with text, reference and key points but no bank entry."""
    digest = hashlib.sha1(f"{question}\x00{reference}".encode()).hexdigest()[:10]
    points = tuple(
        KeyPoint(id=f"k{i}", text=text.strip()[:400]) for i, text in enumerate(key_points, 1) if text.strip()
    )
    language: Language = "zh" if detect_language(f"{question} {reference or ''}") == "zh" else "en"
    return Question(
        id=f"eval-{digest}",
        topic=topic,
        text=question,
        reference=reference or None,
        key_points=points,
        difficulty=2,
        language=language,
        sources=(SourceRef(file="eval", line=1),),
        kind=kind,
    )


def focus_on_point(question: Question, point_id: str, follow_up: str | None = None) -> Question:
    """The question as a follow-up answer is graded: only the targeted key point counts.

    The text names the follow-up (so an LLM judge knows what was asked), the reference is the point's claim
    with the full reference after it as context, and the point keeps its accept wordings; misconceptions
    still apply. An unknown id returns the question unchanged.
    """
    point = next((kp for kp in question.key_points if kp.id == point_id), None)
    if point is None:
        return question
    asked = f"\n追问（只针对要点 {point.id}）：{follow_up}" if follow_up else f"\n追问要点 {point.id}"
    return question.model_copy(update={
        "text": f"{question.text}{asked}",
        "reference": point.claim,
        "key_points": (point,),
        "kind": "explain" if question.kind != "enumerate" else "enumerate",
    })
