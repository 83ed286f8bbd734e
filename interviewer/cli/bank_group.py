"""What every `interviewer bank` subcommand shares: the command group, options, loading, JSON output."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from interviewer.cli.common import fail
from interviewer.terminal_text import one_line, terminal_json

if TYPE_CHECKING:
    from question_bank import Bank

app = typer.Typer(help="Import notes into the question bank; list, show, check and count its questions.",
                  no_args_is_help=True)

BankOption = Annotated[
    Path | None,
    typer.Option("--bank", help="Bank directory (or one bank file) to use instead of the shipped bank.",
                 file_okay=True, dir_okay=True, readable=False),  # the loader reports unreadable files
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _load(bank_dir: Path | None) -> Bank:
    from question_bank import BankError, load_bank

    try:
        return load_bank(bank_dir)
    except BankError as err:
        fail(one_line(str(err)))


def print_json(data: Any) -> None:
    """JSON of bank data; C1 controls and bidi overrides inside strings are written as `\\u` escapes."""
    typer.echo(terminal_json(data))
