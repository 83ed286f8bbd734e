"""Seed 003: a Jekyll post. Front matter, business notes and link lists first (not questions), then
`### **1、question？**` bold numbered questions, a glossary (`➢**Term**：definition` lines), epoch notes.

Only headings that are bold, numbered and read as questions become questions; everything else is reported
as skipped with the reason. Answers in this seed have bold markers cut mid-word, so emphasis is dropped.
"""

from __future__ import annotations

import re

from question_bank.importer.model import ParsedDoc, RawGlossary, RawQuestion, Skipped
from question_bank.importer.text import heading_match, is_question, join_body, plain, strip_emphasis

NAME = "jekyll"
_BOLD_NUMBERED_START = re.compile(r"\*{2,3}\s*(\d+)\s*[、.．]\s*")
_BOLD_NUMBERED = re.compile(r"\*{2,3}\s*(\d+)\s*[、.．]\s*(.+)")
_GLOSSARY_HEADING = re.compile(r"(explanation of terms|glossary|术语|名词解释)", re.IGNORECASE)
_PSEUDO_HEADING = re.compile(  # `**2.1.LLM路径**`, `2.2.**Meta LLaMA**`, `2.4.Google PaLM2` in the notes
    r"^\s*(\d+(\.\d+)*[.、-]?\s*)?\*{2,4}(?!\[)[^*]+\*{2,4}\s*$|^\d+(\.\d+)+\.\S")
_TERM = re.compile(r"^\s*➢\s*(?P<term>[^：:]{1,80}?)\s*[：:]\s*(?P<definition>.*)$")


def sniff(text: str) -> int:
    """Score: bold numbered headings, plus a bonus for front matter and glossary lines."""
    lines = text.splitlines()
    score = sum(1 for m in map(heading_match, lines) if m and _bold_numbered(m.group(2)))
    if score and lines and lines[0].strip() == "---":
        score += 5
    return score + sum(1 for line in lines if "➢" in line)


def parse(text: str, file: str) -> ParsedDoc:
    """Questions, glossary entries and skipped headings of a Jekyll-style note."""
    doc = ParsedDoc(file=file, format=NAME)
    lines = text.splitlines()
    start = _skip_front_matter(lines, doc)
    section = file
    current: tuple[int, str, str, int] | None = None  # (line, heading, section, level)
    body: list[str] = []
    seen_question = False

    def flush() -> None:
        if current is not None:
            line, heading, sec, _ = current
            # Bold markers in this format are cut mid-word (`l**lama是**`): keep the words, drop them all.
            answer = strip_emphasis(join_body(body))
            doc.questions.append(RawQuestion(file, line, heading, _question_text(heading), sec, answer))

    index = start
    while index < len(lines):
        raw, number = lines[index], index + 1
        index += 1
        match = heading_match(raw)
        if "➢" in raw:
            flush()
            current, body = None, []
            index = _glossary_entry(lines, index - 1, file, doc)
        elif not match:
            body.append(raw)
            if current is None and not seen_question and _PSEUDO_HEADING.match(raw):
                doc.skipped.append(Skipped(file, number, raw.strip(),
                                           "bold line in the business notes / link list (not a question)"))
        elif current is not None and len(match.group(1)) > current[3]:
            body.append(raw)
            doc.skipped.append(Skipped(file, number, raw.strip(),
                                       f"sub-heading inside the answer to line {current[0]}"))
        else:
            flush()
            current, body = None, []
            level, heading = len(match.group(1)), match.group(2)
            if _bold_numbered(heading) and is_question(heading):
                current, seen_question = (number, heading, section, level), True
                continue
            if level <= 2 and not seen_question:
                section = plain(heading)
            reason = _skip_reason(heading, level, seen_question)
            doc.skipped.append(Skipped(file, number, raw.strip(), reason))
    flush()
    return doc


def _bold_numbered(heading: str) -> re.Match[str] | None:
    r"""`^\*{2,3}\s*(\d+)\s*[、.．]\s*(.+?)\s*\*{0,3}$`: group 2 is the question without closing `***`.

    Same groups as that pattern, but the closing stars and spaces are trimmed before matching: its lazy text
    followed by `\s*` backtracks quadratically on a long run of spaces.
    """
    start = _BOLD_NUMBERED_START.match(heading)
    if start is None:
        return None
    rest = heading[start.end():]
    stars = len(rest) - len(rest.rstrip("*"))
    end = start.end() + len(rest[:len(rest) - min(stars, 3)].rstrip())
    return _BOLD_NUMBERED.match(heading, 0, max(end, start.end() + 1))  # the text is at least one character


def _question_text(heading: str) -> str:
    match = _bold_numbered(heading)
    return plain(match.group(2) if match else heading)


def _skip_reason(heading: str, level: int, seen_question: bool) -> str:
    if _GLOSSARY_HEADING.search(heading):
        return "glossary section heading (its ➢ lines become glossary entries)"
    if not seen_question:
        return "business notes / link list before the first question" if level > 2 else "section heading"
    if _bold_numbered(heading):
        return "numbered heading that is not a question (epoch/batch notes)"
    return "heading that is not a question"


def _skip_front_matter(lines: list[str], doc: ParsedDoc) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            doc.skipped.append(Skipped(doc.file, 1, "--- (front matter)", "Jekyll front matter"))
            return index + 1
    return 0


def _glossary_entry(lines: list[str], index: int, file: str, doc: ParsedDoc) -> int:
    """Read one `➢Term：definition` entry at `index`; return the index of the next unread line."""
    raw = strip_emphasis(lines[index])
    match = _TERM.match(raw)
    end = index + 1
    if not match:
        doc.skipped.append(Skipped(file, index + 1, lines[index].strip(), "glossary line without `Term：`"))
        return end
    definition = match.group("definition").strip()
    extra: list[str] = []
    # An empty inline definition continues in the following paragraphs, up to the next entry or heading.
    while end < len(lines) and not ("➢" in lines[end] or heading_match(lines[end])
                                    or lines[end].strip().startswith("~~~")):
        extra.append(lines[end])
        end += 1
    if not definition:
        definition = join_body(extra)
    else:
        end = index + 1
    doc.glossary.append(RawGlossary(file, index + 1, plain(match.group("term")), definition))
    return end
