"""Seed 001: `## 2.x 大模型 XX面` topics, ` ### 2.x.y question?` headings with odd leading spaces.

Traps: `- **LoRA篇**` lines and `### 2.17.1 BPE篇` headings group questions into sub-topics and are not
questions; most sections (2.5 onwards) list headings with no answer, which stay questions without a reference.
"""

from __future__ import annotations

import re

from question_bank.importer.model import ParsedDoc, RawQuestion, Skipped
from question_bank.importer.text import heading_match, join_body, plain

NAME = "numbered"
# `((?:.*\S)?)\s*$` is `(.*?)\s*$` without the lazy scan that backtracks quadratically on runs of spaces.
_SECTION = re.compile(r"^\s*##\s+(\d+(?:\.\d+)*)\.?\s+((?:.*\S)?)\s*$")
_QUESTION = re.compile(r"^\s*#{3,6}\s+(\d+(?:\.\d+)+)\.?\s*((?:.*\S)?)\s*$")
_GROUP = re.compile(r"^\s*[-*]\s+\*\*([^*]+)\*\*\s*$")
_GROUP_WORDS = re.compile(r"(篇|部分)\s*[)）]?$")


def sniff(text: str) -> int:
    """Score: numbered `### 2.1.3 ...` headings."""
    return sum(1 for line in text.splitlines() if _QUESTION.match(line))


def parse(text: str, file: str) -> ParsedDoc:
    """Questions under numbered headings; sections give the topic; groupings are reported as skipped."""
    doc = ParsedDoc(file=file, format=NAME)
    lines = text.splitlines()
    section = file
    current: tuple[int, str, str, str] | None = None  # (line, heading, text, section)
    body: list[str] = []

    def flush() -> None:
        if current is not None:
            line, heading, words, sec = current
            doc.questions.append(RawQuestion(file, line, heading, words, sec, join_body(body)))

    for index, raw in enumerate(lines):
        number = index + 1
        if match := _SECTION.match(raw):
            flush()
            current, body = None, []
            section = plain(match.group(2))
            doc.skipped.append(Skipped(file, number, raw.strip(), "section heading (topic name)"))
        elif match := _QUESTION.match(raw):
            flush()
            current, body = None, []
            words = plain(match.group(2))
            if _GROUP_WORDS.search(words) and "?" not in words and "？" not in words:
                doc.skipped.append(Skipped(file, number, raw.strip(), "sub-topic grouping heading (…篇)"))
            else:
                current = (number, raw.strip(), words, section)
        elif (match := _GROUP.match(raw)) and _is_grouping(match.group(1), lines, index):
            flush()
            current, body = None, []
            doc.skipped.append(Skipped(file, number, raw.strip(), "sub-topic grouping (- **…篇**)"))
        elif heading_match(raw) and current is None:
            doc.skipped.append(Skipped(file, number, raw.strip(), "heading that is not a numbered question"))
        else:
            body.append(raw)
    flush()
    return doc


def _is_grouping(label: str, lines: list[str], index: int) -> bool:
    """A bold-only bullet groups questions when it says 篇/部分 or the next text line is a heading."""
    if _GROUP_WORDS.search(label.strip()):
        return True
    for following in lines[index + 1:]:
        if following.strip():
            return bool(heading_match(following))
    return True
