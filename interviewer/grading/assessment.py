"""What the offline grader measured about one answer, shared by its lexical and keyed paths."""

from __future__ import annotations

from dataclasses import dataclass, field

NAME = "offline-v1"
"""The grader name of the lexical path (reference and plain key points)."""
KEYED_NAME = "offline-v2"
"""The grader name when the question's authored key points (accept wordings) were used."""


@dataclass(frozen=True)
class Unit:
    """One checkable point: a bank key point (with id) or a sentence/clause of the reference (no id)."""

    id: str | None
    text: str
    credit: float = 0.0
    fuzzy_share: float = 0.0


@dataclass(frozen=True)
class Assessment:
    """Everything the offline grader measured; `Grade` is built from it."""

    score: float
    coverage: float
    reference_recall: float
    relevance: float
    explanation: float
    confidence: float
    units: tuple[Unit, ...]
    flags: tuple[str, ...] = ()
    details: dict[str, float] = field(default_factory=dict)
    factual_errors: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()
    grader: str = NAME
