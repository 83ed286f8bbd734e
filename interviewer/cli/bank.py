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
from interviewer.i18n import _
from interviewer.terminal_text import one_line, strip_controls

if TYPE_CHECKING:
    from interviewer.domain import Question
    from question_bank import Bank

MAX_CANDIDATES = 10
"""An ambiguous id prefix lists at most this many of the ids it matches."""


def topic_slug(bank: Bank, topic: str) -> str:
    """The slug of the topic named `topic`: its slug or its display name (the name the TUI shows)."""
    wanted = topic.strip()
    for item in bank.topics:
        if wanted in (item.slug, item.name) or wanted.casefold() == item.name.casefold():
            return item.slug
    known = ", ".join(f"{t.slug} ({t.name})" for t in bank.topics)
    raise LookupError(_("unknown topic {topic!r} (known: {known})").format(topic=topic, known=known))


def find_question(bank: Bank, id_or_prefix: str) -> Question:
    """The question with this id, or the only one whose id starts with it (as `interviewer review` does)."""
    if id_or_prefix in bank:
        return bank.get(id_or_prefix)
    matches = [q for q in bank.questions if q.id.startswith(id_or_prefix)] if id_or_prefix else []
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LookupError(_("no question with id {id!r} (`interviewer bank list` lists them)")
                          .format(id=id_or_prefix))
    shown = ", ".join(q.id for q in matches[:MAX_CANDIDATES])
    more = "" if len(matches) <= MAX_CANDIDATES else ", …"
    raise LookupError(_("question id {id!r} is ambiguous ({count} questions start with it: {ids})")
                      .format(id=id_or_prefix, count=len(matches), ids=shown + more))


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
    extra = _("({topics} topics, {glossary} glossary entries)").format(topics=data["topics"],
                                                                      glossary=data["glossary"])
    typer.echo(f"{'total':<22} {data['questions']:>9} {data['with_reference']:>8}  {extra}")


def _summary(question: Question) -> dict[str, Any]:
    return {"id": question.id, "topic": question.topic, "difficulty": question.difficulty,
            "language": question.language, "has_reference": question.reference is not None,
            "key_points": len(question.key_points), "text": question.text}


@app.command("list")
def list_questions(
    topic: Annotated[str | None, typer.Option(
        "--topic", "-t", help="Only this topic (its slug or its name, as the app shows it).")] = None,
    bank_dir: BankOption = None,
    as_json: JsonOption = False,
) -> None:
    """List questions (id, difficulty, reference yes/no, text), optionally of one topic."""
    bank = _load(bank_dir)
    if topic is not None:
        try:
            questions = bank.by_topic(topic_slug(bank, topic))
        except LookupError as err:
            fail(one_line(str(err.args[0])))
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
    question_id: Annotated[str, typer.Argument(
        help="Question id or a unique start of one, e.g. `peft-1a2b3c4d` or `peft-1a2` (see `bank list`).")],
    bank_dir: BankOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one question: text, reference answer, key points and sources."""
    bank = _load(bank_dir)
    try:
        question = find_question(bank, question_id)
    except LookupError as err:
        fail(one_line(str(err.args[0])))
    if as_json:
        print_json(question.model_dump(mode="json"))
        return
    topic = bank.topic(question.topic)
    difficulty = _("difficulty {n}").format(n=question.difficulty)
    typer.echo(f"{question.id}  [{one_line(topic.name)}]  {difficulty}  {question.language}")
    typer.echo(_("Q: {text}").format(text=one_line(question.text)))
    if question.tags:
        typer.echo(_("tags: {tags}").format(tags=one_line(", ".join(question.tags))))
    sources = one_line(", ".join(f"{s.file}:{s.line}" for s in question.sources))
    typer.echo(_("sources: {sources}").format(sources=sources))
    typer.echo("")
    no_answer = _("(no reference answer in the source)")
    typer.echo(strip_controls(question.reference) if question.reference is not None else no_answer)
    if question.key_points:
        typer.echo("\n" + _("key points:"))
        for point in question.key_points:
            typer.echo(f"  {point.id}. {one_line(point.text)}")
    if question.alternates:
        alternates = _("({n} alternate reference(s) from merged duplicates)").format(
            n=len(question.alternates))
        typer.echo("\n" + alternates)


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
                    raise BankError(path, 1, _("no bank files (*.yaml) in this directory"))
            else:
                files = [path]
            bank = build_bank([load_file(f, strict=True) for f in files], root=path)
            total_files += len(files)
            total_questions += len(bank.questions)
    except BankError as err:
        fail(one_line(str(err)))
    typer.echo("ok: " + _("{files} file(s), {questions} question(s)").format(files=total_files,
                                                                           questions=total_questions))


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
        fail(_("{path}: cannot write: {reason}").format(path=out, reason=err.strerror or err))
    counts: dict[str, int] = {}
    for row in result.report:
        counts[str(row["status"])] = counts.get(str(row["status"]), 0) + 1
    with_ref = sum(1 for q in result.questions if q.reference is not None)
    typer.echo(_("{headings} headings: {imported} imported, {merged} merged, {skipped} skipped").format(
        headings=len(result.report), imported=counts.get("imported", 0), merged=counts.get("merged", 0),
        skipped=counts.get("skipped", 0)))
    stale = sorted(p.name for p in out.glob("*.yaml") if p not in written)
    if stale:
        # Left by an earlier import (e.g. a renamed topic): load_bank would still read them.
        typer.echo("warning: " + _("{path} also holds {files}, not written by this import").format(
            path=out, files=", ".join(stale)), err=True)
    typer.echo(_("{questions} questions ({with_ref} with reference) in {topics} topics, {glossary} glossary "
                 "entries; wrote {files} files to {path}").format(
        questions=len(result.questions), with_ref=with_ref, topics=len(result.topics),
        glossary=len(result.glossary), files=len(written), path=out))


# Registered after the commands above, so `bank --help` lists them first.
from interviewer.cli import bank_curation as _curation  # noqa: E402,F401  (registers lint/diff/draft/accept)
