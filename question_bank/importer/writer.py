"""Write an import result as bank files: `<topic>.yaml`, `glossary.yaml`, `import-report.json`.

Output is deterministic (fixed key order, sorted topics, questions in source order, no line wrapping) so
re-importing the same notes reproduces the files byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from interviewer.domain import GlossaryEntry, Question
from interviewer.files import write_text
from question_bank.importer.pipeline import ImportResult

REPORT_FILE = "import-report.json"
GLOSSARY_FILE = "glossary.yaml"


class _Dumper(yaml.SafeDumper):
    """Block style (`|`) for multi-line strings so answers stay readable and editable."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # a shared list is written out twice: the loader refuses aliases in bank files


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    """YAML text of bank data: unicode kept, no wrapping, keys in the given order."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000,
                     default_flow_style=False)


def question_record(question: Question) -> dict[str, Any]:
    """A question as stored in a topic file (the file gives the topic)."""
    record: dict[str, Any] = {
        "id": question.id,
        "text": question.text,
        "difficulty": question.difficulty,
        "language": question.language,
        "tags": list(question.tags),
        "sources": [{"file": s.file, "line": s.line} for s in question.sources],
        "reference": question.reference,
        "key_points": [{"id": k.id, "text": k.text} for k in question.key_points],
    }
    if question.alternates:
        record["alternates"] = list(question.alternates)
    return record


def glossary_record(entry: GlossaryEntry) -> dict[str, Any]:
    return {"term": entry.term, "definition": entry.definition,
            "source": {"file": entry.source.file, "line": entry.source.line}}


def render(result: ImportResult) -> dict[str, str]:
    """File name -> text of every file the import writes."""
    files: dict[str, str] = {}
    for slug in sorted(result.topics):
        topic = result.topics[slug]
        questions = [question_record(q) for q in result.questions if q.topic == slug]
        files[f"{slug}.yaml"] = dump_yaml({"topic": {"slug": topic.slug, "name": topic.name},
                                           "questions": questions})
    if result.glossary:
        files[GLOSSARY_FILE] = dump_yaml({"glossary": [glossary_record(e) for e in result.glossary]})
    files[REPORT_FILE] = json.dumps(report_document(result), ensure_ascii=False, indent=2) + "\n"
    return files


def report_document(result: ImportResult) -> dict[str, Any]:
    """The import report: a summary and one row per heading (imported as / merged into / skipped why)."""
    counts: dict[str, int] = {}
    for row in result.report:
        counts[str(row["status"])] = counts.get(str(row["status"]), 0) + 1
    return {
        "summary": {
            "files": result.formats,
            "headings": len(result.report),
            "imported": counts.get("imported", 0),
            "merged": counts.get("merged", 0),
            "skipped": counts.get("skipped", 0),
            "questions": len(result.questions),
            "with_reference": sum(1 for q in result.questions if q.reference is not None),
            "glossary": len(result.glossary),
        },
        "headings": result.report,
    }


def write(result: ImportResult, out: Path) -> list[Path]:
    """Write all files into `out` (created if needed); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render(result).items():
        path = out / name
        write_text(path, text)  # atomic per file; text has "\n" line ends already
        written.append(path)
    return written
