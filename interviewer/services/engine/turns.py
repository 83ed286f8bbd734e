"""The engine's mutable record of one bank question (a turn) and its follow-ups, and how it is rebuilt
from stored turns when a session resumes.

How a session is rebuilt from stored turns alone (after a crash):
- each part's status (skipped, "I don't know", auto-submitted, ...) is the turn's `status` column;
- the turn's merged grade: recorded on the main turn after each follow-up, so the main turn's latest grade is
  the merged one (storage schedules the card from it) and its first grade is the main answer's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from interviewer.domain import SELF_GRADER, Grade, Question
from interviewer.history import TurnRecord
from interviewer.services.engine.api import AnswerStatus, FollowUpView, TurnView
from interviewer.services.engine.ports import Exchange


@dataclass
class Part:
    """The main question or one follow-up: what was asked and how it was answered."""

    turn_id: str
    prompt: str
    key_point_id: str | None = None
    source: str = "bank"  # "bank" for the main question, else "llm" / "template"
    answer: str | None = None
    status: AnswerStatus = AnswerStatus.PENDING
    grade: Grade | None = None
    spent_s: float = 0.0
    draft: str = ""

    @property
    def needs_grade(self) -> bool:
        return self.grade is None and self.status in (AnswerStatus.ANSWERED, AnswerStatus.AUTO_SUBMITTED,
                                                      AnswerStatus.DONT_KNOW)


@dataclass
class Turn:
    """One bank question in the session."""

    number: int
    question: Question
    main: Part
    follow_ups: list[Part] = field(default_factory=list)
    merged: Grade | None = None
    targeted: set[str] = field(default_factory=set)

    @property
    def current(self) -> Part:
        return self.follow_ups[-1] if self.follow_ups else self.main

    @property
    def parts(self) -> list[Part]:
        return [self.main, *self.follow_ups]

    @property
    def spent_s(self) -> float:
        return sum(p.spent_s for p in self.parts)

    def exchanges(self) -> tuple[Exchange, ...]:
        """The conversation so far, for LLM prompts."""
        return tuple(Exchange(p.prompt, p.answer or "") for p in self.parts if p.answer is not None)

    def view(self) -> TurnView:
        return TurnView(
            turn_id=self.main.turn_id,
            number=self.number,
            question=self.question,
            answer=self.main.answer,
            status=self.main.status,
            main_grade=self.main.grade,
            grade=self.merged,
            follow_ups=tuple(
                FollowUpView(turn_id=p.turn_id, index=i, text=p.prompt, key_point_id=p.key_point_id,
                             source=p.source, answer=p.answer, status=p.status, grade=p.grade)
                for i, p in enumerate(self.follow_ups, 1)
            ),
            time_spent_s=self.spent_s,
        )


def _model_grades(record: TurnRecord) -> list[Grade]:
    return [g.grade for g in record.grades if g.grade.grader != SELF_GRADER]


def _part_from(record: TurnRecord, *, prompt: str, source: str) -> Part:
    grades = _model_grades(record)
    part = Part(turn_id=record.id, prompt=prompt, source=source, draft=record.draft or "",
                spent_s=record.time_spent_s or 0.0)
    if record.submitted:
        part.answer = record.answer or ""
        part.status = record.status
        part.grade = None if record.status is AnswerStatus.SKIPPED else (grades[0] if grades else None)
    elif record.draft_saved_at is not None:
        # Time typed before the crash: from when the part was asked to the last autosave.
        part.spent_s = max(0.0, (record.draft_saved_at - record.created_at).total_seconds())
    return part


def rebuild_turns(records: Sequence[TurnRecord], questions: dict[str, Question]) -> list[Turn]:
    """Turns of a stored session, oldest first (follow-ups attached to their main turn)."""
    turns: list[Turn] = []
    by_id: dict[str, Turn] = {}
    for record in records:
        if record.parent_turn_id is None:
            question = questions.get(record.question_id)
            if question is None:
                continue  # a question removed from the bank since: it stays in history, not in the session
            main = _part_from(record, prompt=question.text, source="bank")
            turn = Turn(number=len(turns) + 1, question=question, main=main)
            model = _model_grades(record)
            if main.status is AnswerStatus.SKIPPED:
                turn.merged = None
            elif model:
                turn.merged = model[-1]
            turns.append(turn)
            by_id[record.id] = turn
        elif record.parent_turn_id in by_id:
            turn = by_id[record.parent_turn_id]
            turn.follow_ups.append(_part_from(record, prompt=record.prompt or "", source="llm"))
    return turns
