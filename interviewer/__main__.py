"""`python -m interviewer` is the same as the `interviewer` command."""

from interviewer.cli.entry import run

if __name__ == "__main__":
    run()
