"""Seeds 000 and 002: `## topic` sections, `### question？` headings, answers with `###`/`####` sub-headings.

The trap: answers use the same `###` level for their own sub-headings (`### Instruct（指令）`, `### 区别`),
so a `###` heading starts a question only when it reads as one (question mark or asking phrase); others
stay in the answer and are reported as skipped sub-headings.
"""

from __future__ import annotations

import re

from question_bank.importer.model import ParsedDoc, RawQuestion, Skipped
from question_bank.importer.text import heading_match, is_question, join_body, plain

NAME = "markdown"
_NUMBERED = re.compile(r"^\d+(\.\d+)*[.、)]?\s")


def sniff(text: str) -> int:
    """Score: `###` headings that read as questions."""
    return sum(1 for m in map(heading_match, text.splitlines()) if m and len(m.group(1)) == 3
               and is_question(m.group(2)) and not _NUMBERED.match(plain(m.group(2))))


def parse(text: str, file: str) -> ParsedDoc:
    """Split the document into questions; report sections and answer sub-headings as skipped."""
    doc = ParsedDoc(file=file, format=NAME)
    section = file
    current: tuple[int, str, str] | None = None  # (line, heading, section)
    body: list[str] = []

    def flush() -> None:
        if current is not None:
            line, heading, sec = current
            doc.questions.append(RawQuestion(file, line, heading, plain(heading), sec, join_body(body)))

    for number, raw in enumerate(text.splitlines(), start=1):
        match = heading_match(raw)
        if not match:
            body.append(raw)
            continue
        level, heading = len(match.group(1)), match.group(2)
        words = plain(heading)
        if level <= 2:
            flush()
            current, body = None, []
            section = words
            doc.skipped.append(Skipped(file, number, heading, "section heading (topic name)"))
        elif is_question(heading) and not _NUMBERED.match(words):
            flush()
            current, body = (number, heading, section), []
        elif current is not None:
            body.append(raw)
            doc.skipped.append(Skipped(file, number, heading,
                                       f"sub-heading inside the answer to line {current[0]}"))
        else:
            doc.skipped.append(Skipped(file, number, heading, "heading that is not a question"))
    flush()
    return doc
