"""Plain domain objects shared by the bank, graders, storage, engine and UI.

Nothing here knows about SQL, HTTP or Textual: services return these objects and screens render them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

Language = Literal["zh", "en"]
QuestionKind = Literal["explain", "enumerate", "compare", "derive", "design", "code"]
"""What a full answer looks like; decides how terse answers count (a bare list fully answers `enumerate`)."""
QuestionStatus = Literal["seed", "revised", "authored", "draft"]
"""seed: imported, not reviewed; revised: seed question with a corrected reference; authored: written for the
bank; draft: machine-made, never used for grading until accepted."""
GRADABLE_STATUSES: tuple[QuestionStatus, ...] = ("seed", "revised", "authored")


class Frozen(BaseModel):
    """Base for immutable, strictly validated domain models."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRef(Frozen):
    """Where a question or glossary entry came from: seed/import file name and 1-based line."""

    file: str
    line: int = Field(ge=1)


class KeyPoint(Frozen):
    """One checkable point of a reference answer; ids are stable within a question (`k1`, `k2`, ...).

    `claim` is one atomic fact; `accept` lists wordings (Chinese, English, symbols) that evidence it on their
    own (`A & B` means both parts must appear); `follow_up` is what an interviewer asks when it is missing.
    Seed key points (copied from notes) have a claim only; `bank lint` asks for the rest.
    """

    id: str = Field(pattern=r"^k[0-9]+$")
    claim: str = Field(min_length=1, max_length=400, validation_alias=AliasChoices("claim", "text"))
    accept: tuple[str, ...] = ()
    weight: float = Field(default=1.0, gt=0, le=5)
    follow_up: str | None = None

    @property
    def text(self) -> str:
        """The claim (the name older code and stored exports use)."""
        return self.claim


class Misconception(Frozen):
    """A wrong belief candidates state: `accept` lists wordings that assert it, `correction` sets it right."""

    claim: str = Field(min_length=1, max_length=400)
    accept: tuple[str, ...] = Field(min_length=1)
    correction: str = Field(min_length=1)


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
    text_en: str | None = None
    kind: QuestionKind = "explain"
    status: QuestionStatus = "seed"
    erratum: str | None = None
    misconceptions: tuple[Misconception, ...] = ()
    citations: tuple[str, ...] = ()

    @property
    def has_reference(self) -> bool:
        """A reference the graders may use: a draft is never graded against until accepted."""
        return self.reference is not None and self.status != "draft"

    @property
    def reviewed(self) -> bool:
        """The reference was written or checked by a person (not raw notes, not a machine draft)."""
        return self.status in ("revised", "authored")

    @property
    def authored_key_points(self) -> bool:
        """Key points carry `accept` wordings, so the grader can use the v2 evidence path."""
        return bool(self.key_points) and all(kp.accept for kp in self.key_points)


class RetiredQuestion(Frozen):
    """A question id no longer asked: merged `into` another id, or removed (`into` None), and why.

    Kept so stored answers to it still show in Review and the import report can say where it went.
    """

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{6,}$")
    into: str | None = None
    reason: str = Field(min_length=1)
    text: str | None = None


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


SELF_GRADER = "self"
"""`Grade.grader` of a grade the candidate gave their own answer (Review)."""
ENGINE_GRADER = "engine"
"""`Grade.grader` of a grade decided without a grader: skip, "I don't know", junk, failed grading."""


class GradeFlag(StrEnum):
    INJECTION_ATTEMPT = "injection_attempt"
    LANGUAGE_MISMATCH = "language_mismatch"
    NO_REFERENCE = "no_reference"
    EMPTY_ANSWER = "empty_answer"
    LLM_FALLBACK = "llm_fallback"
    LOW_CONFIDENCE = "low_confidence"
    UNREVIEWED_REFERENCE = "unreviewed_reference"
    """Graded against a seed reference nobody has checked."""
    GRADER_DISAGREEMENT = "grader_disagreement"
    """The LLM judge and the offline grader disagree wildly; the lower band is kept, both are noted."""
    MISCONCEPTION = "misconception"
    RETRACTION = "retraction"
    REPETITION = "repetition"
    WORD_SALAD = "word_salad"


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
