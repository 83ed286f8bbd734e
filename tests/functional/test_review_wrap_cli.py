"""`interviewer review SESSION` on a terminal: the Markdown transcript wrapped by UAX #14 at its width."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from interviewer.cli import review as review_cli
from interviewer.cli.main import app as cli

runner = CliRunner()
CLOSING = "，。、；：！？）」』】》”…"


def quoted(lines: list[str]) -> str:
    """The block-quoted text, without the quote marks and the spaces where lines were broken."""
    return "".join(line.removeprefix("> ") for line in lines if line.startswith("> ")).replace(" ", "")


def test_review_wraps_markdown_for_a_terminal(seeded, sqlite_url, monkeypatch: pytest.MonkeyPatch) -> None:
    _, ids = seeded
    piped = runner.invoke(cli, ["--db", sqlite_url, "review", ids[0]])  # not a terminal: unwrapped
    assert piped.exit_code == 0, piped.output
    plain = piped.output.splitlines()
    assert any(cell_len(line) > 40 for line in plain if not line.startswith(("#", "<")))

    monkeypatch.setattr(review_cli, "_terminal_columns", lambda: 40)
    shown = runner.invoke(cli, ["--db", sqlite_url, "review", ids[0]])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert len(lines) > len(plain)
    prose = [line for line in lines if not line.startswith(("#", "<"))]
    assert all(cell_len(line) <= 40 for line in prose), [line for line in prose if cell_len(line) > 40]
    for line in prose:
        body = line.removeprefix("> ").lstrip()
        assert not body or body[0] not in CLOSING, line
    assert quoted(lines) == quoted(plain)  # wrapped block quotes stay block quotes, with the same text
