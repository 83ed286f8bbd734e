"""The import pipeline: read -> detect format -> parse -> draft -> merge duplicates -> Questions + report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from interviewer.domain import GlossaryEntry, KeyPoint, Question, SourceRef, Topic
from interviewer.terminal_text import remove_escapes
from question_bank.errors import BankError
from question_bank.files import read_text
from question_bank.importer import dedup, heuristics, limits
from question_bank.importer.build import Draft, difficulty, draft
from question_bank.importer.clean import clean_markdown
from question_bank.importer.formats import detect
from question_bank.importer.ids import question_id
from question_bank.importer.model import ParsedDoc, RawGlossary
from question_bank.importer.text import plain


@dataclass
class ImportResult:
    """Questions grouped by topic, glossary entries and one report row per heading found."""

    topics: dict[str, Topic] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    report: list[dict[str, object]] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)


def parse_files(paths: Sequence[Path]) -> list[ParsedDoc]:
    """Parse each file with the format that recognises it; BankError for unreadable, unrecognised or
    oversized files (`limits`). Escape sequences in the notes are dropped: they would reach terminals."""
    docs = []
    questions = 0
    unique = {path.resolve(): path for path in paths}.values()  # the same file named twice counts once
    for path in sorted(unique, key=lambda p: (p.name, str(p))):
        text = remove_escapes(read_text(path))
        limits.check_text(path, text)
        parser = detect(text)
        if parser is None:
            raise BankError(path, 1, "no question headings found (expected one of the seed formats: "
                            "`### question？`, `### 2.1.1 question?`, `### **1、question？**`, "
                            "`- Q1 **question**`)")
        doc = parser.parse(text, path.name)
        limits.check_doc(path, doc)
        if doc.questions:
            questions += len(doc.questions)
            limits.check_total(path, questions, doc.questions[-1].line)
        docs.append(doc)
    return docs


def run_import(paths: Sequence[Path], threshold: float = dedup.THRESHOLD) -> ImportResult:
    """Import note files into bank questions; deterministic for the same files (sorted by name)."""
    docs = parse_files(paths)
    result = ImportResult(formats={doc.file: doc.format for doc in docs})
    drafts = [draft(raw) for doc in docs for raw in doc.questions]
    status: dict[tuple[str, int], dict[str, object]] = {}
    used: set[str] = set()
    for group in dedup.clusters([d.text for d in drafts], threshold):
        members = [drafts[i] for i in group]
        primary = _primary(members)
        question = _unique(_merge(members, primary), used)
        result.questions.append(question)
        result.topics.setdefault(question.topic, _topic_of(members, question.topic))
        for member in members:
            key = (member.raw.file, member.raw.line)
            if member is primary:
                status[key] = {"status": "imported", "id": question.id}
            else:
                status[key] = {"status": "merged", "into": question.id}
    result.questions.sort(key=lambda q: (q.topic, q.sources[0].file, q.sources[0].line))
    result.glossary = [_glossary(entry) for doc in docs for entry in doc.glossary]
    result.report = _report(docs, status)
    return result


def _primary(members: list[Draft]) -> Draft:
    """The member with the best reference; ties go to the earliest source."""
    return max(enumerate(members), key=lambda pair: (pair[1].quality, -pair[0]))[1]


def _merge(members: list[Draft], primary: Draft) -> Question:
    others = [m for m in members if m is not primary]
    alternates = tuple(dict.fromkeys(
        m.reference for m in others if m.reference and m.reference != primary.reference))
    sources = (primary.source, *sorted((m.source for m in others), key=lambda s: (s.file, s.line)))
    tags = tuple(sorted({tag for m in members for tag in heuristics.tags(m.text)}))
    return Question(
        id=question_id(primary.topic.slug, primary.text),
        topic=primary.topic.slug,
        tags=tags,
        text=primary.text,
        reference=primary.reference,
        key_points=tuple(KeyPoint(id=f"k{i}", text=t) for i, t in enumerate(primary.key_points, start=1)),
        difficulty=difficulty(primary),
        language=heuristics.language(primary.text, primary.reference),
        sources=sources,
        alternates=alternates,
    )


def _topic_of(members: list[Draft], slug: str) -> Topic:
    return next(m.topic for m in members if m.topic.slug == slug)


def _unique(question: Question, used: set[str]) -> Question:
    """The question, re-identified from its source if its id is taken (same text, not merged)."""
    if question.id in used:
        salt = f"{question.text}@{question.sources[0].file}:{question.sources[0].line}"
        question = question.model_copy(update={"id": question_id(question.topic, salt, 10)})
    used.add(question.id)
    return question


def _glossary(entry: RawGlossary) -> GlossaryEntry:
    """A glossary line as an entry; a one-line definition becomes plain text, a longer one stays Markdown."""
    definition = clean_markdown(entry.definition)
    if "\n" not in definition:
        definition = plain(definition)
    return GlossaryEntry(term=plain(entry.term), definition=definition,
                         source=SourceRef(file=entry.file, line=entry.line))


Row = dict[str, object]


def _report(docs: list[ParsedDoc], status: dict[tuple[str, int], Row]) -> list[Row]:
    rows: list[dict[str, object]] = []
    for doc in docs:
        for raw in doc.questions:
            rows.append({"file": raw.file, "line": raw.line, "heading": raw.heading,
                         **status[(raw.file, raw.line)]})
        for skipped in doc.skipped:
            rows.append({"file": skipped.file, "line": skipped.line, "heading": skipped.heading,
                         "status": "skipped", "reason": skipped.reason})
    rows.sort(key=lambda r: (str(r["file"]), str(r["line"]).zfill(9)))
    return rows
