"""`interviewer bank lint | diff | draft | accept`: the answer key's checks and its curation workflow.

Registered on the `bank` command group (`interviewer.cli.bank_group.app`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interviewer.cli.bank_group import BankOption, JsonOption, _load, app, print_json
from interviewer.cli.common import fail
from interviewer.files import write_text
from interviewer.i18n import _
from interviewer.terminal_text import one_line

if TYPE_CHECKING:
    from interviewer.domain import Question


@app.command("lint")
def lint(
    paths: Annotated[list[Path] | None, typer.Argument(help="Bank files or directories (default: the shipped "
                                                             "bank).", readable=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
) -> None:
    """Check the answer key (question_bank/SCHEMA.md): one `FILE:LINE: severity: message` line per finding."""
    from question_bank.lint import lint_paths
    from question_bank.loader import DATA_DIR

    findings = lint_paths(paths or [DATA_DIR])
    for finding in findings:
        typer.echo(one_line(str(finding)))
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    summary = _("{errors} error(s), {warnings} warning(s)").format(errors=errors, warnings=warnings)
    typer.echo(summary, err=True)
    if errors or (strict and warnings):
        raise typer.Exit(1)


@app.command("diff")
def diff(
    bank_dir: BankOption = None,
    raw_dir: Annotated[Path | None, typer.Option("--raw", help="Raw layer (default: question_bank/raw, the "
                                                               "importer's output for the seeds).")] = None,
    update: Annotated[bool, typer.Option("--update", help="Record the current state in curation-lock.json.")
                      ] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also list items that need nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Raw (seed) items that are new, changed since curated, or still `seed`; merged and removed ids."""
    from question_bank import curation
    from question_bank.loader import DATA_DIR, RAW_DIR

    curated, raw = _load(bank_dir), _load(raw_dir or RAW_DIR)
    directory = Path(bank_dir) if bank_dir is not None and Path(bank_dir).is_dir() else DATA_DIR
    if update:
        path = curation.write_lock(directory, curation.lock_data(raw, curated))
        typer.echo(_("wrote {path} ({n} raw items)").format(path=path, n=len(raw.questions)))
        return
    rows = curation.diff(raw, curated, curation.read_lock(directory))
    pending = [r for r in rows if r.change in ("new", "changed", "uncurated")]
    shown = rows if show_all else pending
    if as_json:
        print_json([{"id": r.id, "change": r.change, "detail": r.detail} for r in shown])
    else:
        for row in shown:
            typer.echo(f"{row.change:<10} {row.id:<30} {one_line(row.detail)}")
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.change] = counts.get(row.change, 0) + 1
        typer.echo(", ".join(f"{n} {k}" for k, n in sorted(counts.items())), err=True)
    if pending:
        raise typer.Exit(1)


@app.command("draft")
def draft(
    out: Annotated[Path, typer.Option("--out", "-o", help="Drafts file to write (a topic file, status "
                                                          "draft).")],
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Draft this topic's questions that have "
                                                                    "no reviewed reference.")] = None,
    ids: Annotated[list[str] | None, typer.Option("--id", help="Draft these questions (repeat).")] = None,
    bank_dir: BankOption = None,
) -> None:
    """Ask the configured LLM to draft reference, key points, misconceptions and citations (status draft)."""
    from interviewer.config import load_settings
    from interviewer.llm import LLMError, make_llm_client
    from interviewer.services.drafting import draft_file_data, draft_question, pick
    from question_bank.importer.writer import dump_yaml

    bank = _load(bank_dir)
    if topic is not None and topic not in {t.slug for t in bank.topics}:
        fail(_("unknown topic {topic!r}").format(topic=topic))
    try:
        chosen = pick(bank.questions, ids or [], topic)
    except KeyError as err:
        fail(str(err.args[0]))
    if not chosen:
        fail(_("nothing to draft: every chosen question already has a reviewed reference"))
    topics = {q.topic for q in chosen}
    if len(topics) > 1:
        fail(_("a drafts file holds one topic; these questions span {topics}: use --topic")
             .format(topics=", ".join(sorted(topics))))
    client = make_llm_client(load_settings().llm)
    if client is None:
        fail(_("bank draft needs an LLM: set INTERVIEWER_LLM__BASE_URL (e.g. http://127.0.0.1:8000/v1)"))

    async def run() -> list[Question]:
        drafts: list[Question] = []
        try:
            for question in chosen:
                try:
                    drafts.append(await draft_question(client, question))
                    typer.echo(f"drafted  {question.id}")
                except LLMError as err:
                    typer.echo(f"failed   {question.id}: {err.reason}: {one_line(str(err))}", err=True)
        finally:
            await client.aclose()
        return drafts

    drafts = asyncio.run(run())
    if not drafts:
        fail(_("no draft was written: every request failed"))
    try:
        write_text(out, dump_yaml(draft_file_data(bank.topic(chosen[0].topic), drafts)))
    except OSError as err:
        fail(_("cannot write {path}: {reason}").format(path=out, reason=err.strerror or err))
    typer.echo(_("wrote {n} draft(s) to {path}: review every claim, then `interviewer bank accept ID "
                 "--draft {path} --bank DIR`").format(n=len(drafts), path=out))


@app.command("accept")
def accept(
    ids: Annotated[list[str], typer.Argument(help="Ids of reviewed drafts to accept.")],
    draft_file: Annotated[Path, typer.Option("--draft", help="The drafts file (from `bank draft`).",
                                             readable=False)],
    bank_dir: Annotated[Path, typer.Option("--bank", help="Bank directory that receives the questions.",
                                           file_okay=False)],
) -> None:
    """Promote reviewed drafts to `authored` in the bank (replacing the question with the same id)."""
    from question_bank import BankError
    from question_bank.curation import accept_drafts

    try:
        written = accept_drafts(ids, draft_file, bank_dir)
    except (BankError, KeyError, ValueError, OSError) as err:
        fail(one_line(str(err.args[0]) if isinstance(err, KeyError) else str(err)))
    typer.echo(_("accepted {n} question(s) into {path}").format(n=len(ids), path=written))
