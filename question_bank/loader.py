"""Load and validate the question bank: YAML files, one per topic, plus `glossary.yaml`.

A topic file has the top keys `topic: {slug, name}` and `questions: [...]`; each question is an
`interviewer.domain.Question` without the `topic` key (the file's topic applies; a `topic` key, when present,
must name the same topic). The glossary file has the top key `glossary: [...]` of `GlossaryEntry`.
Every problem raises `BankError` with `FILE:LINE: what is wrong`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from interviewer.domain import GlossaryEntry, Question, RetiredQuestion, Topic
from question_bank import fastyaml
from question_bank.errors import BankError
from question_bank.files import read_text
from question_bank.locate import duplicate_key_line, node_line

DATA_DIR = Path(__file__).resolve().parent / "data"
"""The shipped bank (package data): the curated layer, schema v2, the one the app asks and grades from."""
RAW_DIR = Path(__file__).resolve().parent / "raw"
"""The raw layer: the importer's output for the seed notes, reproducible byte for byte; never hand-edited."""

_M = TypeVar("_M", bound="BaseModel")

GLOSSARY_FILE = "glossary.yaml"
BANK_SUFFIXES = (".yaml", ".yml")


class _TopicFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topic: Topic
    questions: list[Question]
    retired: list[RetiredQuestion] = []


class _GlossaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    glossary: list[GlossaryEntry]


@dataclass(frozen=True)
class BankFile:
    """What one bank file holds: a topic with its questions, or glossary entries."""

    path: Path
    topic: Topic | None = None
    questions: tuple[Question, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    retired: tuple[RetiredQuestion, ...] = ()


@dataclass(frozen=True)
class Bank:
    """An immutable, validated question bank with lookups by id and topic."""

    topics: tuple[Topic, ...]
    questions: tuple[Question, ...]
    glossary: tuple[GlossaryEntry, ...] = ()
    root: Path | None = None
    retired: tuple[RetiredQuestion, ...] = ()
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)
    _by_topic: dict[str, tuple[Question, ...]] = field(init=False, repr=False, compare=False)
    _topics: dict[str, Topic] = field(init=False, repr=False, compare=False)
    _retired: dict[str, RetiredQuestion] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Question]] = {t.slug: [] for t in self.topics}
        for question in self.questions:
            grouped.setdefault(question.topic, []).append(question)
        object.__setattr__(self, "_by_id", {q.id: q for q in self.questions})
        object.__setattr__(self, "_by_topic", {slug: tuple(qs) for slug, qs in grouped.items()})
        object.__setattr__(self, "_topics", {t.slug: t for t in self.topics})
        object.__setattr__(self, "_retired", {r.id: r for r in self.retired})

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, question_id: str) -> Question:
        """The question with this id; KeyError when there is none."""
        try:
            return self._by_id[question_id]
        except KeyError:
            raise KeyError(f"no question with id {question_id!r}") from None

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def by_topic(self, slug: str) -> tuple[Question, ...]:
        """Questions of one topic in file order; KeyError for an unknown topic slug."""
        try:
            return self._by_topic[slug]
        except KeyError:
            raise KeyError(f"unknown topic {slug!r} (known: {', '.join(sorted(self._topics))})") from None

    def topic(self, slug: str) -> Topic:
        """The topic with this slug; KeyError when there is none."""
        try:
            return self._topics[slug]
        except KeyError:
            raise KeyError(f"unknown topic {slug!r} (known: {', '.join(sorted(self._topics))})") from None

    def retired_as(self, question_id: str) -> RetiredQuestion | None:
        """Why an id is no longer asked (merged or removed), or None when it was never retired."""
        return self._retired.get(question_id)

    def resolve(self, question_id: str) -> Question | None:
        """The live question for an id, following merges; None for a removed or unknown id."""
        seen: set[str] = set()
        while question_id not in self._by_id:
            retired = self.retired_as(question_id)
            if retired is None or retired.into is None or question_id in seen:
                return None
            seen.add(question_id)
            question_id = retired.into
        return self._by_id[question_id]

    @cached_property
    def with_reference(self) -> tuple[Question, ...]:
        """Questions that have a reference answer (the ones that can be graded)."""
        return tuple(q for q in self.questions if q.has_reference)


def load_bank(path: Path | None = None) -> Bank:
    """Load the bank directory `path` (default: the shipped bank) or one bank file; raise BankError."""
    root = Path(path) if path is not None else DATA_DIR
    if root.is_dir():
        try:
            files = sorted(p for p in root.iterdir() if p.suffix in BANK_SUFFIXES and p.is_file())
        except OSError as err:
            raise BankError(root, 1, f"cannot read directory: {err.strerror or err}") from None
        if not files:
            raise BankError(root, 1, "no bank files (*.yaml) in this directory")
    elif root.exists():
        files = [root]
    else:
        raise BankError(root, 1, "no such file or directory")
    return build_bank([load_file(p) for p in files], root=root)


def build_bank(parts: Iterable[BankFile], root: Path | None = None) -> Bank:
    """Combine loaded files into one Bank, checking ids are unique and topics are defined once."""
    topics: dict[str, BankFile] = {}
    seen: dict[str, Path] = {}
    questions: list[Question] = []
    glossary: list[GlossaryEntry] = []
    retired: list[RetiredQuestion] = []
    parts = list(parts)
    for part in parts:
        if part.topic is None:
            glossary.extend(part.glossary)
            continue
        if part.topic.slug in topics:
            raise BankError(part.path, _line_of(part.path, ["topic"]),
                            f"topic {part.topic.slug!r} is already defined in {topics[part.topic.slug].path}")
        topics[part.topic.slug] = part
        for index, question in enumerate(part.questions):
            if question.id in seen:
                raise BankError(part.path, _line_of(part.path, ["questions", index]),
                                f"duplicate question id {question.id!r} (first in {seen[question.id]})")
            seen[question.id] = part.path
        questions.extend(part.questions)
        retired.extend(part.retired)
    for item in retired:
        if item.id in seen:
            raise BankError(seen[item.id], 1, f"question id {item.id!r} is both asked and retired")
        if item.into is not None and item.into not in seen and not any(r.id == item.into for r in retired):
            raise BankError(root or Path("."), 1, f"retired question {item.id!r} merged into unknown id "
                            f"{item.into!r}")
    ordered = sorted(topics.values(), key=lambda p: p.topic.slug if p.topic else "")
    return Bank(topics=tuple(p.topic for p in ordered if p.topic), questions=tuple(questions),
                glossary=tuple(glossary), root=root, retired=tuple(retired))


def load_file(path: Path, strict: bool = False) -> BankFile:
    """Parse and validate one bank file. `strict` also rejects duplicate mapping keys (slower)."""
    text = read_text(path)
    try:
        data = fastyaml.load(text)
    except fastyaml.Refused as err:
        line = err.problem_mark.line + 1 if err.problem_mark else 1
        raise BankError(path, line, str(err.problem)) from None
    except yaml.MarkedYAMLError as err:
        raise BankError(path, *_yaml_problem(err)) from None
    except yaml.reader.ReaderError as err:  # a control character: YAML refuses it before parsing
        line = text.count("\n", 0, err.position) + 1
        problem = f"invalid YAML: character {chr(err.character)!r} is not allowed"
        raise BankError(path, line, problem) from None
    except yaml.YAMLError as err:
        raise BankError(path, 1, "invalid YAML: " + " ".join(str(err).split())) from None
    if strict and (dup := duplicate_key_line(text)):
        raise BankError(path, dup[0], f"duplicate key {dup[1]!r}")
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise BankError(path, 1, f"expected a mapping with `topic` and `questions` (or `glossary`), "
                        f"got {kind}")
    if "glossary" in data and "topic" not in data:
        entries = _validate(_GlossaryFile, data, text, path)
        return BankFile(path=path, glossary=tuple(entries.glossary))
    return _topic_file(path, data, text)


def _yaml_problem(err: yaml.MarkedYAMLError) -> tuple[int, str]:
    """(line, message) of a YAML syntax error, naming where the broken construct started."""
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark else 1
    if "another document" in (err.problem or ""):
        return line, "invalid YAML: a second document starts here (`---`, e.g. front matter); " \
            "a bank file is one YAML document"
    context = err.context or ""
    if err.context_mark is not None and err.problem_mark is not None and \
            err.context_mark.line != err.problem_mark.line:
        context += f" (line {err.context_mark.line + 1})"
    problem = ": ".join(part for part in (context, err.problem or "") if part)
    return line, f"invalid YAML: {problem or 'cannot parse'}"


def _topic_file(path: Path, data: dict[str, Any], text: str) -> BankFile:
    for key in ("topic", "questions"):
        if key not in data:
            raise BankError(path, 1, f"missing top-level key {key!r}")
    topic_data = data.get("topic")
    slug = topic_data.get("slug") if isinstance(topic_data, dict) else None
    questions = data.get("questions")
    if isinstance(questions, list):
        for index, item in enumerate(questions):
            if not isinstance(item, dict):
                continue
            named = item.get("topic", slug)
            if named != slug:
                raise BankError(path, node_line(text, ["questions", index, "topic"]),
                                f"unknown topic {named!r} for question {item.get('id')!r}: "
                                f"this file defines topic {slug!r}")
            item["topic"] = slug
    parsed = _validate(_TopicFile, data, text, path)
    return BankFile(path=path, topic=parsed.topic, questions=tuple(parsed.questions),
                    retired=tuple(parsed.retired))


def _validate(model: type[_M], data: dict[str, Any], text: str, path: Path) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        loc = list(first["loc"])
        if first["type"] == "missing":
            problem, line_loc = f"missing field {loc[-1]!r}", loc[:-1]
        elif first["type"] == "extra_forbidden":
            problem, line_loc = f"unknown field {loc[-1]!r}", loc
        else:
            field_name = ".".join(str(p) for p in loc[2:] if loc[:1] in (["questions"], ["glossary"]))
            field_name = field_name or ".".join(str(p) for p in loc)
            problem, line_loc = f"{field_name}: {first['msg']}" if field_name else first["msg"], loc
        where = _item_label(loc, data)
        message = f"{where}: {problem}" if where else problem
        raise BankError(path, node_line(text, line_loc), message) from None


def _item_label(loc: list[str | int], data: dict[str, Any]) -> str:
    """`question 'lora-1a2b3c'` (or `question #4` without an id) for errors inside a list item."""
    if len(loc) < 2 or loc[0] not in ("questions", "glossary", "retired") or not isinstance(loc[1], int):
        return ""
    items = data.get(str(loc[0])) or []
    item = items[loc[1]] if loc[1] < len(items) else None
    label = "question" if loc[0] == "questions" else "glossary entry"
    ident = (item.get("id") or item.get("term")) if isinstance(item, dict) else None
    return f"{label} {ident!r}" if isinstance(ident, str) else f"{label} #{loc[1] + 1}"


def _line_of(path: Path, loc: list[str | int]) -> int:
    return node_line(read_text(path), loc)
