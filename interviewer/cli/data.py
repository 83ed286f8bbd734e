"""`interviewer data export|import FILE.json` and `interviewer weak`: the stored history from the shell."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from interviewer.cli.common import fail, print_json
from interviewer.i18n import N_, _
from interviewer.terminal_text import one_line

if TYPE_CHECKING:
    from interviewer.config import Settings
    from interviewer.db import Repository

app = typer.Typer(
    help="Back up, restore or move your history (sessions, answers, grades) as one JSON file.",
    no_args_is_help=True,
)


def _settings(ctx: typer.Context) -> Settings:
    from interviewer.config import load_settings

    root = ctx.find_root().obj or {}
    return load_settings(database_url=root.get("db"), profile=root.get("profile"))


@contextmanager
def _repository(ctx: typer.Context) -> Iterator[Repository]:
    """Open the configured database; storage problems become one error line (password hidden)."""
    from interviewer.cli.errors import error_line
    from interviewer.db import StorageError, open_repository

    settings = _settings(ctx)
    try:
        repo = open_repository(settings.resolved_database_url)
    except StorageError as exc:
        fail(str(exc))
    try:
        yield repo
    except Exception as exc:
        line = error_line(exc)
        if line is None:
            raise
        fail(line)
    finally:
        repo.close()


@app.command("export")
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSON file to write (replaced if it exists; `-` for standard "
                                              "output, a device or pipe is written through).")],
) -> None:
    """Write every profile, session, answer, grade and reference flag to FILE."""
    with _repository(ctx) as repo:
        try:
            counts = repo.export_json(file)
        except OSError as exc:
            fail(_("cannot write {path}: {reason}").format(path=file, reason=exc.strerror or exc))
    message = _("exported {counts} to {path}").format(counts=_describe(counts), path=file)
    typer.echo(message, err=str(file) == "-")  # keep stdout pure JSON


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by `interviewer data export`.")],
    max_mb: Annotated[
        int, typer.Option("--max-mb", min=1, help="Refuse files larger than this many MiB.")
    ] = 100,
) -> None:
    """Add the history in FILE to this database (records already present are skipped)."""
    with _repository(ctx) as repo:
        counts = repo.import_json(file, max_bytes=max_mb * 1024 * 1024)
    typer.echo(_("imported {counts} from {path}").format(counts=_describe(counts), path=file))


def weak(
    ctx: typer.Context,
    n: Annotated[int, typer.Option("-n", "--number", min=1, help="How many topics to show.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    bank_path: Annotated[
        Path | None, typer.Option("--bank", help="Bank directory or file (default: the shipped bank).")
    ] = None,
) -> None:
    """Print your weakest topics (low recent scores, answers you are likely to have forgotten)."""
    from interviewer.scheduling import MIN_GRADED_ANSWERS
    from question_bank import BankError, load_bank

    profile = _settings(ctx).profile
    try:
        bank = load_bank(bank_path)
    except BankError as exc:
        fail(_("cannot load the question bank: {reason}").format(reason=exc))
    # Graded questions that are no longer in the bank have no topic and drop out of the ranking.
    topic_of = {question.id: question.topic for question in bank.questions}
    with _repository(ctx) as repo:
        ranked = repo.weakest_topics(profile, n, topic_of)
    names = {t.slug: t.name for t in bank.topics}
    # `status` says whether `mastery` is a number yet (`new`: fewer graded answers than `min_graded`).
    rows = [{**m.model_dump(), "status": m.status, "min_graded": MIN_GRADED_ANSWERS,
             "name": names.get(m.topic, m.topic)} for m in ranked]
    if as_json:
        print_json({"profile": profile, "topics": rows})
    elif not rows:
        typer.echo(_("No graded answers yet for profile {profile!r}: answer some questions first.")
                   .format(profile=profile))
    else:
        _print_table(profile, rows)


def _print_table(profile: str, rows: list[dict[str, Any]]) -> None:
    from interviewer.scheduling import MEMORY_HORIZON_DAYS, MIN_GRADED_ANSWERS

    typer.echo(_("Weakest topics for profile {profile!r} (mastery = recent score / 10 x (0.5 + 0.5 x recall "
                 "in {days:g} days); `new` = fewer than {n} graded answers):").format(
        profile=profile, days=MEMORY_HORIZON_DAYS, n=MIN_GRADED_ANSWERS))
    width = max(len(r["topic"]) for r in rows)
    typer.echo(f"{'topic':<{width}}  mastery  recall@{MEMORY_HORIZON_DAYS:g}d  recent  graded  due  name")
    for r in rows:
        mastery = "    new" if r["mastery"] is None else f"{r['mastery']:7.2f}"
        typer.echo(
            f"{r['topic']:<{width}}  {mastery}  {r['recall_ahead']:9.2f}  "
            f"{r['recent_score']:6.1f}  {r['n_graded']:6d}  {r['due']:3d}  {one_line(r['name'])}"
        )


# What an export or import counts (the keys of its counts), in words.
COUNTED = {"profiles": N_("{n} profiles"), "sessions": N_("{n} sessions"), "turns": N_("{n} turns"),
           "grades": N_("{n} grades"), "reference_flags": N_("{n} reference flags")}


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(_(COUNTED[key]).format(n=value) if key in COUNTED else f"{value} {key.replace('_', ' ')}"
                     for key, value in counts.items())
