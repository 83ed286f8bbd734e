"""`interviewer review [SESSION] [--export md|json] [--out FILE]` and `interviewer bank flagged`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from interviewer.cli.common import fail, print_json
from interviewer.files import write_text
from interviewer.i18n import _
from interviewer.line_break import wrap_markdown
from interviewer.terminal_text import strip_controls

if TYPE_CHECKING:
    from interviewer.services.ui.facade import UiServices

ExportFormat = Literal["md", "json"]
DELETE = "delete"  # `review delete ID`: session ids are hex, so this word never names a session


def _terminal_columns() -> int | None:
    """The terminal's width when standard output is one; None for a pipe or file (which get the Markdown
    unwrapped: a renderer reflows paragraphs itself, and a line break inside Chinese text would show as a
    space there)."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _services(ctx: typer.Context) -> UiServices:
    from interviewer.services.ui.facade import UiServices

    options = (ctx.find_root().obj or {}) if ctx else {}
    return UiServices.from_settings(db=options.get("db"), profile=options.get("profile"))


def review(
    ctx: typer.Context,
    session: Annotated[
        str | None, typer.Argument(help="Session id or a unique prefix of one; omit to list sessions; "
                                        "`delete` deletes the session named next.")
    ] = None,
    target: Annotated[
        str | None, typer.Argument(help="After `delete`: the session id (or unique prefix) to delete.",
                                   show_default=False)
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With `delete`: do not ask for confirmation.")
    ] = False,
    export: Annotated[
        str, typer.Option("--export", "-e", help="Transcript format: md or json.")
    ] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Print a past session's transcript (Markdown or JSON), or list sessions when no SESSION is given.

    `interviewer review delete SESSION` deletes a session with its answers and grades (after asking), and
    rebuilds spaced repetition from the history left. Session ids are hexadecimal, so `delete` is never one.
    """
    if session == DELETE:
        _delete(_services(ctx), target, yes)
        return
    if target is not None:
        fail(_("unexpected argument {argument!r} (to delete a session: interviewer review delete SESSION)")
             .format(argument=target))
    if export not in ("md", "json"):
        fail(_("unknown export format {format!r} (use md or json)").format(format=export))
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
        columns = _terminal_columns()
        if export == "md" and columns:  # Chinese text wrapped by UAX #14, not cut anywhere by the terminal
            text = wrap_markdown(text, columns)
        typer.echo(text, nl=False)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text(out, text)
    except OSError as error:
        fail(_("cannot write {path}: {reason}").format(path=out, reason=error.strerror or error))
    typer.echo(_("wrote {path}").format(path=out), err=True)


def _delete(services: UiServices, prefix: str | None, yes: bool) -> None:
    from interviewer.i18n import _

    if prefix is None:
        fail(_("say which session to delete: interviewer review delete SESSION (`interviewer review` lists "
               "them)"))
    try:
        session_id = services.find_session(prefix)
        item = next((s for s in services.list_sessions(limit=1000) if s.id == session_id), None)
        what = f"{session_id[:12]} ({item.label.strip()})" if item else session_id[:12]
        question = _("Delete session {session} with its answers and grades? Spaced repetition is rebuilt "
                     "without them; this cannot be undone.").format(session=what)
        if not yes and not typer.confirm(question, default=False, err=True):
            typer.echo(_("nothing deleted"), err=True)
            raise typer.Exit(1)
        counts = services.delete_session(session_id)
    except LookupError as error:
        fail(str(error).strip("'\""))
    except (typer.Exit, typer.Abort):
        raise
    except Exception as error:  # database unreachable, ...
        fail(_one_line(error))
    typer.echo(_("deleted session {id}: {turns} turn(s), {grades} grade(s); spaced repetition recomputed for "
                 "{cards} question(s)").format(id=session_id, turns=counts["turns"], grades=counts["grades"],
                                               cards=counts["cards_updated"]))


def _list_sessions(services: UiServices, fmt: str) -> None:
    items = services.list_sessions()
    if fmt == "json":
        print_json([{"id": s.id, "mode": s.mode, "started_at": s.started_at.isoformat(),
                     "finished": s.finished, "questions": s.questions,
                     "mean_score": s.score.as_dict()["mean"], "score": s.score.as_dict()}
                    for s in items])
        return
    if not items:
        typer.echo(_("no sessions yet"))
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
        typer.echo(_("no flagged reference answers"))
    for flag in flags:
        who = f" ({flag.profile})" if flag.profile else ""
        typer.echo(f"{flag.created_at:%Y-%m-%d}  {flag.question_id}{who}: {strip_controls(flag.reason)}")


def _one_line(error: Exception) -> str:
    """The error as one line with any URL password hidden (imports storage only on this path)."""
    from interviewer.cli.errors import error_line
    from interviewer.db.engine import redact_text

    return error_line(error) or redact_text(f"{type(error).__name__}: {error}")
