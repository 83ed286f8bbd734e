"""`python -m interviewer` is the same as the `interviewer` command."""

from interviewer.cli.main import run

run()
