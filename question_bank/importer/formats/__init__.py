"""One parser per note format; `detect` picks the one that recognises most of a file."""

from __future__ import annotations

from types import ModuleType

from question_bank.importer.formats import jekyll, markdown, numbered, qlist

PARSERS: tuple[ModuleType, ...] = (qlist, jekyll, numbered, markdown)
"""Checked in this order; on equal scores the earlier (more specific) format wins."""


def detect(text: str) -> ModuleType | None:
    """The parser module whose `sniff` scores highest, or None when no format finds a question heading."""
    best, best_score = None, 0
    for parser in PARSERS:
        score = parser.sniff(text)
        if score > best_score:
            best, best_score = parser, score
    return best
