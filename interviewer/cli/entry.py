"""Console-script entry point.

`interviewer` with no arguments opens the app without importing the command-line layer (typer, click and
every sub-command module), which is a measurable part of start-up; anything else goes to the CLI root.
"""

from __future__ import annotations

import sys


def run() -> None:
    if len(sys.argv) <= 1:
        from interviewer.cli.tui import open_app

        open_app()
        return
    from interviewer.cli.main import app

    app()
