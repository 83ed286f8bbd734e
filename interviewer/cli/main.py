"""Root of the CLI. Sub-command groups live in their own modules and register here.

Imports stay lazy inside commands so `interviewer --help` and TUI start-up stay fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from interviewer import __version__
from interviewer.cli.errors import ErrorLineGroup

app = typer.Typer(
    cls=ErrorLineGroup,
    name="interviewer",
    help="Terminal mock-interview coach for LLM / ML-engineering interviews. "
    "Run with no command to open the app.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"interviewer {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLAlchemy database URL (default: SQLite in the user data dir; "
                     "env INTERVIEWER_DATABASE_URL)."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Whose history to use (env INTERVIEWER_PROFILE).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Open the interview app when no command is given."""
    ctx.obj = {"db": db, "profile": profile}
    _interface_language(db, profile)
    if ctx.invoked_subcommand is None:
        from interviewer.cli.tui import open_app

        open_app(db=db, profile=profile)


def _interface_language(db: str | None, profile: str | None) -> None:
    """Messages in the `language` setting's language (see `tui.interface_language`)."""
    from interviewer.cli.tui import interface_language
    from interviewer.i18n import apply_setting

    apply_setting(interface_language(db, profile))


def _register() -> None:
    """Attach sub-command groups; each module owns its commands."""
    from interviewer.cli import bank

    app.add_typer(bank.app, name="bank")

    from interviewer.cli.eval import eval_command

    app.command("eval")(eval_command)

    from interviewer.cli import data

    app.add_typer(data.app, name="data")
    app.command("weak")(data.weak)

    from interviewer.cli import review

    app.command("review")(review.review)
    bank.app.command("flagged")(review.flagged)

    from interviewer.cli import doctor

    app.command("doctor")(doctor.doctor)

    from interviewer.cli import ask, bench

    app.command("ask")(ask.ask)
    app.command("bench")(bench.bench)

    from interviewer.cli import serve

    app.command("serve")(serve.serve)


_register()


def run() -> None:
    """Console-script entry point."""
    app()
