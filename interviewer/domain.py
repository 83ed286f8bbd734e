"""Plain domain objects shared by the bank, graders, storage, engine and UI.

Nothing here knows about SQL, HTTP or Textual: services return these objects and screens render them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["zh", "en"]


class Frozen(BaseModel):
    """Base for immutable, strictly validated domain models."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRef(Frozen):
    """Where a question or glossary entry came from: seed/import file name and 1-based line."""

    file: str
    line: int = Field(ge=1)


class KeyPoint(Frozen):
    """One checkable point of a reference answer; ids are stable within a question (`k1`, `k2`, ...)."""

    id: str = Field(pattern=r"^k[0-9]+$")
    text: str = Field(min_length=1, max_length=400)


class Topic(Frozen):
    """A bank topic: English slug (file name, CLI argument) and Chinese display name."""

    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str = Field(min_length=1)


class Question(Frozen):
    """A bank question. `reference` is None when the source had no answer: never invent one."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{6,}$")
    topic: str
    tags: tuple[str, ...] = ()
    text: str = Field(min_length=1)
    reference: str | None = None
    key_points: tuple[KeyPoint, ...] = ()
    difficulty: int = Field(ge=1, le=3)
    language: Language = "zh"
    sources: tuple[SourceRef, ...] = Field(min_length=1)
    alternates: tuple[str, ...] = ()

    @property
    def has_reference(self) -> bool:
        return self.reference is not None


class GlossaryEntry(Frozen):
    """A glossary term with its definition, e.g. from seed 003's `➢**Term**：definition` lines."""

    term: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    source: SourceRef


class Verdict(StrEnum):
    STRONG = "strong"
    ADEQUATE = "adequate"
    WEAK = "weak"
    WRONG = "wrong"
    UNGRADED = "ungraded"


class GradeFlag(StrEnum):
    INJECTION_ATTEMPT = "injection_attempt"
    LANGUAGE_MISMATCH = "language_mismatch"
    NO_REFERENCE = "no_reference"
    EMPTY_ANSWER = "empty_answer"
    LLM_FALLBACK = "llm_fallback"
    LOW_CONFIDENCE = "low_confidence"


class Grade(Frozen):
    """One grade of one answer. `grader` names who produced it: `offline-v1`, `llm:<model>` or `self`."""

    score: float | None = Field(default=None, ge=0, le=10)
    verdict: Verdict
    covered: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    factual_errors: tuple[str, ...] = ()
    feedback: str = ""
    grader: str
    confidence: float = Field(default=0.0, ge=0, le=1)
    flags: tuple[str, ...] = ()
    latency_ms: float | None = None
    note: str | None = None  # e.g. why the LLM judge fell back to the offline grade


def verdict_for(score: float | None) -> Verdict:
    """Map a 0-10 score to a verdict; the one place these thresholds live."""
    if score is None:
        return Verdict.UNGRADED
    if score >= 8:
        return Verdict.STRONG
    if score >= 5.5:
        return Verdict.ADEQUATE
    if score >= 2.5:
        return Verdict.WEAK
    return Verdict.WRONG
