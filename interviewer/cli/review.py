"""`interviewer review [SESSION] [--export md|json] [--out FILE]` and `interviewer bank flagged`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from interviewer.cli.common import fail, print_json
from interviewer.files import write_text
from interviewer.terminal_text import strip_controls

if TYPE_CHECKING:
    from interviewer.services.ui.facade import UiServices

ExportFormat = Literal["md", "json"]


def _services(ctx: typer.Context) -> UiServices:
    from interviewer.services.ui.facade import UiServices

    options = (ctx.find_root().obj or {}) if ctx else {}
    return UiServices.from_settings(db=options.get("db"), profile=options.get("profile"))


def review(
    ctx: typer.Context,
    session: Annotated[
        str | None, typer.Argument(help="Session id or a unique prefix of one; omit to list sessions.")
    ] = None,
    export: Annotated[
        str, typer.Option("--export", "-e", help="Transcript format: md or json.")
    ] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Print a past session's transcript (Markdown or JSON), or list sessions when no SESSION is given."""
    if export not in ("md", "json"):
        fail(f"unknown export format {export!r} (use md or json)")
    services = _services(ctx)
    try:
        if session is None:
            _list_sessions(services, export)
            return
        session_id = services.find_session(session)
        text = services.export(session_id, export)
    except LookupError as error:
        fail(str(error).strip("'\""))
    except Exception as error:  # database unreachable, broken bank, ...
        fail(_one_line(error))
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text(out, text)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    typer.echo(f"wrote {out}", err=True)


def _list_sessions(services: UiServices, fmt: str) -> None:
    items = services.list_sessions()
    if fmt == "json":
        print_json([{"id": s.id, "mode": s.mode, "started_at": s.started_at.isoformat(),
                     "finished": s.finished, "questions": s.questions, "mean_score": s.avg_score}
                    for s in items])
        return
    if not items:
        typer.echo("no sessions yet")
    for item in items:
        typer.echo(f"{item.id[:12]}  {item.label}")


def flagged(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List reference answers flagged as wrong (from Review), oldest first."""
    services = _services(ctx)
    try:
        flags = services.repository.flagged_references()
    except Exception as error:
        fail(_one_line(error))
    if as_json:
        print_json([{"question_id": f.question_id, "reason": f.reason, "profile": f.profile,
                     "created_at": f.created_at.isoformat()} for f in flags])
        return
    if not flags:
        typer.echo("no flagged reference answers")
    for flag in flags:
        who = f" ({flag.profile})" if flag.profile else ""
        typer.echo(f"{flag.created_at:%Y-%m-%d}  {flag.question_id}{who}: {strip_controls(flag.reason)}")


def _one_line(error: Exception) -> str:
    """The error as one line with any URL password hidden (imports storage only on this path)."""
    from interviewer.cli.errors import error_line
    from interviewer.db.engine import redact_text

    return error_line(error) or redact_text(f"{type(error).__name__}: {error}")
