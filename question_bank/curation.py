"""The curated layer against the raw layer: `bank diff`, the curation lock, and writing v2 questions.

`curation-lock.json` (beside the curated files) records, for every raw (seed) item, a digest of what the notes
said when it was curated and what became of it: kept (with its status), merged into another id, or removed
with the reason. `bank diff` compares the raw layer with it and lists items that are new, changed since they
were curated, or still at status `seed`; `bank diff --update` records the current state.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.domain import Question
from interviewer.files import write_text
from question_bank.loader import Bank

LOCK_FILE = "curation-lock.json"


def digest(question: Question) -> str:
    """What the notes said about a raw item (text and reference), as a short stable hash."""
    payload = f"{question.text}\x00{question.reference or ''}"
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class DiffRow:
    id: str
    change: str
    """new | changed | uncurated | merged | removed | kept"""
    detail: str = ""


def outcome(raw: Question, curated: Bank) -> tuple[str, str]:
    """(kept/merged/removed/new, detail) for one raw item in the curated bank."""
    if raw.id in curated:
        return "kept", curated.get(raw.id).status
    retired = curated.retired_as(raw.id)
    if retired is None:
        return "new", "not in the curated bank"
    if retired.into:
        return "merged", f"into {retired.into}: {retired.reason}"
    return "removed", retired.reason


def lock_data(raw: Bank, curated: Bank) -> dict[str, Any]:
    """The lock file's content for the current raw and curated layers."""
    items: dict[str, Any] = {}
    for question in raw.questions:
        what, detail = outcome(question, curated)
        items[question.id] = {"digest": digest(question), "outcome": what, "detail": detail}
    return {"version": 1, "items": items}


def read_lock(directory: Path) -> dict[str, Any]:
    path = directory / LOCK_FILE
    if not path.is_file():
        return {"version": 1, "items": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {"version": 1, "items": {}}


def write_lock(directory: Path, data: dict[str, Any]) -> Path:
    path = directory / LOCK_FILE
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return path


def diff(raw: Bank, curated: Bank, lock: dict[str, Any]) -> list[DiffRow]:
    """Raw items that need a curator's look: new, changed since the lock, or still `seed`; then the rest."""
    rows: list[DiffRow] = []
    locked = lock.get("items", {})
    for question in raw.questions:
        what, detail = outcome(question, curated)
        entry = locked.get(question.id)
        if what == "new":
            rows.append(DiffRow(question.id, "new", question.text))
        elif entry is None or entry.get("digest") != digest(question):
            rows.append(DiffRow(question.id, "changed", f"the notes changed since it was curated ({what})"))
        elif what == "kept" and detail == "seed":
            rows.append(DiffRow(question.id, "uncurated", question.text))
        else:
            rows.append(DiffRow(question.id, what, detail))
    return rows


def question_record(question: Question) -> dict[str, Any]:
    """A v2 question as stored in a topic file (the file gives the topic); empty optional fields left out."""
    data = question.model_dump(mode="json", exclude={"topic"}, exclude_defaults=False)
    order = ["id", "text", "text_en", "difficulty", "kind", "status", "erratum", "language", "tags",
             "sources", "citations", "reference", "key_points", "misconceptions"]
    record = {key: data[key] for key in order if data.get(key) not in (None, [], ())}
    record.setdefault("reference", None)
    for point in record.get("key_points", []):
        if point.get("weight") == 1.0:
            del point["weight"]
        if point.get("follow_up") is None:
            del point["follow_up"]
    return record


def accept_drafts(ids: list[str], draft_file: Path, bank_dir: Path) -> Path:
    """Move reviewed drafts into `bank_dir`'s topic file as `authored`; lint errors refuse the whole call.

    Returns the topic file written. The drafts file keeps the drafts not accepted.
    """
    from question_bank.errors import BankError
    from question_bank.importer.writer import dump_yaml
    from question_bank.lint import question_findings
    from question_bank.loader import load_file

    drafts = load_file(draft_file)
    if drafts.topic is None:
        raise BankError(draft_file, 1, "not a drafts file (no topic)")
    by_id = {q.id: q for q in drafts.questions}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise KeyError(f"no draft with id {missing[0]!r} in {draft_file}")
    accepted: list[Question] = []
    for question_id in ids:
        question = by_id[question_id].model_copy(update={"status": "authored", "citations": tuple(
            c for c in by_id[question_id].citations if not c.startswith("drafted by "))})
        errors = [m for sev, m in question_findings(question) if sev == "error"]
        if errors:
            raise ValueError(f"{question_id}: {errors[0]} (fix it in {draft_file} first)")
        accepted.append(question)
    target = bank_dir / f"{drafts.topic.slug}.yaml"
    existing = load_file(target) if target.is_file() else None
    kept = [q for q in (existing.questions if existing else ()) if q.id not in set(ids)]
    data: dict[str, Any] = {"topic": {"slug": drafts.topic.slug, "name": drafts.topic.name},
                            "questions": [question_record(q) for q in (*kept, *accepted)]}
    if existing and existing.retired:
        data["retired"] = [r.model_dump(mode="json", exclude_none=True) for r in existing.retired]
    write_text(target, dump_yaml(data))
    rest = [q for q in drafts.questions if q.id not in set(ids)]
    remaining = {"topic": data["topic"], "questions": [question_record(q) for q in rest]}
    write_text(draft_file, dump_yaml(remaining))
    return target
