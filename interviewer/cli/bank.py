"""`interviewer bank ...`: import seed notes, inspect and check the question bank.

Every user error (bad file, unknown id or topic) ends as one `error: FILE:LINE: ...` line and exit code 1.
Bank text is untrusted (a bank file can hold escape sequences): it is printed through `terminal_text`.
The importer (and rapidfuzz) is imported only by `bank import`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from interviewer.cli.bank_group import BankOption, JsonOption, _load, app, print_json
from interviewer.cli.common import fail
from interviewer.terminal_text import one_line, strip_controls

if TYPE_CHECKING:
    from interviewer.domain import Question
    from question_bank import Bank

def bank_stats(bank: Bank) -> dict[str, Any]:
    """Counts for `bank stats`: totals, per topic (with/without reference), glossary size."""
    by_topic: dict[str, dict[str, Any]] = {}
    for topic in bank.topics:
        questions = bank.by_topic(topic.slug)
        with_ref = sum(1 for q in questions if q.reference is not None)
        by_topic[topic.slug] = {"name": topic.name, "questions": len(questions), "with_reference": with_ref,
                                "without_reference": len(questions) - with_ref}
    with_reference = len(bank.with_reference)
    return {
        "questions": len(bank.questions),
        "with_reference": with_reference,
        "without_reference": len(bank.questions) - with_reference,
        "glossary": len(bank.glossary),
        "topics": len(bank.topics),
        "by_topic": by_topic,
    }


@app.command("stats")
def stats(bank_dir: BankOption = None, as_json: JsonOption = False) -> None:
    """Questions per topic, with and without a reference answer, and the glossary size."""
    data = bank_stats(_load(bank_dir))
    if as_json:
        print_json(data)
        return
    typer.echo(f"{'topic':<22} {'questions':>9} {'with ref':>8}  name")
    for slug, row in data["by_topic"].items():
        typer.echo(f"{slug:<22} {row['questions']:>9} {row['with_reference']:>8}  {one_line(row['name'])}")
    typer.echo(f"{'total':<22} {data['questions']:>9} {data['with_reference']:>8}  "
               f"({data['topics']} topics, {data['glossary']} glossary entries)")


def _summary(question: Question) -> dict[str, Any]:
    return {"id": question.id, "topic": question.topic, "difficulty": question.difficulty,
            "language": question.language, "has_reference": question.reference is not None,
            "key_points": len(question.key_points), "text": question.text}


@app.command("list")
def list_questions(
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only this topic (its slug).")] = None,
    bank_dir: BankOption = None,
    as_json: JsonOption = False,
) -> None:
    """List questions (id, difficulty, reference yes/no, text), optionally of one topic."""
    bank = _load(bank_dir)
    if topic is not None:
        try:
            questions = bank.by_topic(topic)
        except KeyError as err:
            fail(str(err.args[0]))
    else:
        questions = bank.questions
    if as_json:
        print_json([_summary(q) for q in questions])
        return
    for q in questions:
        ref = "ref" if q.reference is not None else "-  "
        typer.echo(f"{q.id:<30} d{q.difficulty} {ref} {one_line(q.text)}")


@app.command("show")
def show(
    question_id: Annotated[str, typer.Argument(help="Question id, e.g. `peft-1a2b3c4d` (see `bank list`).")],
    bank_dir: BankOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one question: text, reference answer, key points and sources."""
    bank = _load(bank_dir)
    try:
        question = bank.get(question_id)
    except KeyError as err:
        fail(str(err.args[0]))
    if as_json:
        print_json(question.model_dump(mode="json"))
        return
    topic = bank.topic(question.topic)
    typer.echo(f"{question.id}  [{one_line(topic.name)}]  difficulty {question.difficulty}  "
               f"{question.language}")
    typer.echo(f"Q: {one_line(question.text)}")
    if question.tags:
        typer.echo(f"tags: {one_line(', '.join(question.tags))}")
    typer.echo("sources: " + one_line(", ".join(f"{s.file}:{s.line}" for s in question.sources)))
    typer.echo("")
    no_answer = "(no reference answer in the source)"
    typer.echo(strip_controls(question.reference) if question.reference is not None else no_answer)
    if question.key_points:
        typer.echo("\nkey points:")
        for point in question.key_points:
            typer.echo(f"  {point.id}. {one_line(point.text)}")
    if question.alternates:
        typer.echo(f"\n({len(question.alternates)} alternate reference(s) from merged duplicates)")


@app.command("check")
def check(
    paths: Annotated[list[Path], typer.Argument(help="Bank files or directories to validate.",
                                                readable=False)],
) -> None:
    """Validate bank files (YAML, fields, unique ids, topics); print `error: FILE:LINE: ...` and exit 1."""
    from question_bank import BankError
    from question_bank.loader import BANK_SUFFIXES, build_bank, load_file

    total_files = total_questions = 0
    try:
        for path in paths:
            if path.is_dir():
                files = sorted(p for p in path.iterdir() if p.suffix in BANK_SUFFIXES and p.is_file())
                if not files:
                    raise BankError(path, 1, "no bank files (*.yaml) in this directory")
            else:
                files = [path]
            bank = build_bank([load_file(f, strict=True) for f in files], root=path)
            total_files += len(files)
            total_questions += len(bank.questions)
    except BankError as err:
        fail(one_line(str(err)))
    typer.echo(f"ok: {total_files} file(s), {total_questions} question(s)")


@app.command("import")
def import_notes(
    files: Annotated[list[Path], typer.Argument(help="Note files in one of the seed formats (see README).",
                                                readable=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the bank files and the report.")],
) -> None:
    """Import notes into bank files (one YAML per topic, glossary.yaml) plus import-report.json."""
    from question_bank import BankError
    from question_bank.importer import run_import, write

    try:
        result = run_import(files)
    except BankError as err:
        fail(one_line(str(err)))
    try:
        written = write(result, out)
    except OSError as err:
        fail(f"{out}: cannot write: {err.strerror or err}")
    counts: dict[str, int] = {}
    for row in result.report:
        counts[str(row["status"])] = counts.get(str(row["status"]), 0) + 1
    with_ref = sum(1 for q in result.questions if q.reference is not None)
    typer.echo(f"{len(result.report)} headings: {counts.get('imported', 0)} imported, "
               f"{counts.get('merged', 0)} merged, {counts.get('skipped', 0)} skipped")
    stale = sorted(p.name for p in out.glob("*.yaml") if p not in written)
    if stale:
        # Left by an earlier import (e.g. a renamed topic): load_bank would still read them.
        typer.echo(f"warning: {out} also holds {', '.join(stale)}, not written by this import", err=True)
    typer.echo(f"{len(result.questions)} questions ({with_ref} with reference) in "
               f"{len(result.topics)} topics, "
               f"{len(result.glossary)} glossary entries; wrote {len(written)} files to {out}")


# Registered after the commands above, so `bank --help` lists them first.
from interviewer.cli import bank_curation as _curation  # noqa: E402,F401  (registers lint/diff/draft/accept)
