"""Bounds on what one import reads, so a small hostile notes file cannot make `bank import` run for minutes.

Checked right after a file is read and parsed; each breach is a `BankError` naming the file and line.
The seed notes stay far below every limit (at most 178 headings per file, 20 columns of indentation).
"""

from __future__ import annotations

import re
from pathlib import Path

from question_bank.errors import BankError
from question_bank.importer.clean import clean_markdown
from question_bank.importer.model import ParsedDoc
from question_bank.importer.text import plain, tidy_question

_WORD = re.compile(r"[^\W_]")  # a letter or digit in any script: `？` or `**` alone is not a question

MAX_HEADINGS = 5_000
"""Headings (questions and skipped ones) per notes file."""
MAX_QUESTIONS = 3_000
"""Questions per import, over all files: duplicates are found by comparing every pair (3,000: ~10 s)."""
MAX_INDENT = 100
"""Columns of indentation (a tab counts 4): lists nested deeper than ~50 levels are refused."""


def check_text(path: Path, text: str) -> None:
    """Refuse notes indented deeper than MAX_INDENT (key-point extraction works per nesting level)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1] in (" ", "\t"):
            expanded = line.expandtabs(4)
            indent = len(expanded) - len(expanded.lstrip(" "))
            if indent > MAX_INDENT:
                raise BankError(path, number, f"indented {indent} columns: nesting is limited to "
                                f"{MAX_INDENT} columns of indentation")


def check_doc(path: Path, doc: ParsedDoc) -> None:
    """Refuse too many headings, questions without text and glossary lines without a term or definition."""
    lines = sorted([q.line for q in doc.questions] + [s.line for s in doc.skipped])
    if len(lines) > MAX_HEADINGS:
        raise BankError(path, lines[MAX_HEADINGS], f"more than {MAX_HEADINGS} headings in one file")
    for question in doc.questions:
        if not _WORD.search(tidy_question(question.text)):
            raise BankError(path, question.line, f"question without text: {question.heading.strip()!r}")
    for entry in doc.glossary:
        if not plain(entry.term):
            raise BankError(path, entry.line, "glossary entry without a term")
        if not plain(clean_markdown(entry.definition)):
            raise BankError(path, entry.line, f"glossary entry {plain(entry.term)!r} without a definition")


def check_total(path: Path, count: int, line: int) -> None:
    """Refuse an import that would hold more than MAX_QUESTIONS questions (named at the first one over)."""
    if count > MAX_QUESTIONS:
        raise BankError(path, line, f"more than {MAX_QUESTIONS} questions in one import")
