"""`interviewer bank ...`: import seed notes, inspect and check the question bank."""

from __future__ import annotations

import typer

app = typer.Typer(help="Import notes into the question bank; list, show, check and count its questions.",
                  no_args_is_help=True)
