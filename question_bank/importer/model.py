"""Plain records passed between the importer's stages: parse -> build -> merge -> write."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawQuestion:
    """A question heading as a parser found it, with the raw Markdown of its answer (may be empty)."""

    file: str
    line: int
    heading: str
    text: str
    section: str
    body: str


@dataclass(frozen=True)
class RawGlossary:
    """A glossary line (`➢**Term**：definition`) as found."""

    file: str
    line: int
    term: str
    definition: str


@dataclass(frozen=True)
class Skipped:
    """A heading (or heading-like line) that is not a question, and why."""

    file: str
    line: int
    heading: str
    reason: str


@dataclass
class ParsedDoc:
    """Everything one parser found in one file."""

    file: str
    format: str
    questions: list[RawQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    glossary: list[RawGlossary] = field(default_factory=list)
