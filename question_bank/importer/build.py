"""Turn parsed headings into draft questions: clean answer, key points, topic, difficulty, language, tags."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.domain import SourceRef, Topic
from question_bank.importer import heuristics
from question_bank.importer.clean import clean_markdown
from question_bank.importer.keypoints import extract
from question_bank.importer.model import RawQuestion
from question_bank.importer.text import tidy_question
from question_bank.importer.topics import topic_for


@dataclass(frozen=True)
class Draft:
    """A question before duplicates are merged."""

    raw: RawQuestion
    topic: Topic
    text: str
    reference: str | None
    key_points: tuple[str, ...]

    @property
    def source(self) -> SourceRef:
        return SourceRef(file=self.raw.file, line=self.raw.line)

    @property
    def quality(self) -> tuple[int, int, int]:
        """Ordering for 'best reference': has one, more key points (structure), longer."""
        return (self.reference is not None, min(len(self.key_points), 8), len(self.reference or ""))


def draft(raw: RawQuestion) -> Draft:
    """Clean and analyse one raw question; a question whose answer cleans to nothing has no reference."""
    reference = clean_markdown(raw.body) or None
    points = tuple(extract(reference)) if reference else ()
    return Draft(raw=raw, topic=topic_for(raw.section), text=tidy_question(raw.text), reference=reference,
                 key_points=points)


def difficulty(item: Draft) -> int:
    return heuristics.difficulty(item.text, item.reference, len(item.key_points))
