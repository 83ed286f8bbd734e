"""Seed 004: `- Q1 **question**` list items whose answers are nested 4-space bullets (code, LaTeX, links).

Traps: Q22 and Q23 have no answer (kept without a reference); answers are indented one level, so they are
dedented to plain Markdown.
"""

from __future__ import annotations

import re
import textwrap

from question_bank.importer.model import ParsedDoc, RawQuestion, Skipped
from question_bank.importer.text import heading_match, join_body, plain

NAME = "qlist"
_ITEM = re.compile(r"^[-*]\s+Q(\d+)[.:：]?\s+(.*\S)\s*$")  # not `(.+?)\s*$`: quadratic on runs of spaces


def sniff(text: str) -> int:
    """Score: `- Qn **...**` items (counted double: the marker is unambiguous)."""
    return 2 * sum(1 for line in text.splitlines() if _ITEM.match(line))


def parse(text: str, file: str) -> ParsedDoc:
    """One question per top-level `- Qn` item; headings give the topic."""
    doc = ParsedDoc(file=file, format=NAME)
    section = file
    current: tuple[int, str, str, str] | None = None  # (line, heading, question text, section)
    body: list[str] = []

    def flush() -> None:
        if current is not None:
            line, heading, words, sec = current
            answer = textwrap.dedent("\n".join(_expand_tabs(body)))
            doc.questions.append(RawQuestion(file, line, heading, words, sec, join_body(answer.splitlines())))

    for number, raw in enumerate(text.splitlines(), start=1):
        if item := _ITEM.match(raw):
            flush()
            current, body = (number, raw.strip(), plain(item.group(2)), section), []
        elif (match := heading_match(raw)) and not raw.startswith(" "):
            flush()
            current, body = None, []
            section = plain(match.group(2))
            doc.skipped.append(Skipped(file, number, raw.strip(), "section heading (topic name)"))
        else:
            body.append(raw)
    flush()
    return doc


def _expand_tabs(lines: list[str]) -> list[str]:
    return [line.expandtabs(4) if line.strip() else "" for line in lines]
