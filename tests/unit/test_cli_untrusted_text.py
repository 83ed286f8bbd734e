"""Plain-terminal commands never pass escape sequences from model or bank text through to the terminal."""

from __future__ import annotations

import pytest

from interviewer.cli.ask import _print_human
from interviewer.terminal_text import strip_controls

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m \u202eevil\u202c\x9b1m"


def test_strip_controls_removes_escapes_and_keeps_text() -> None:
    assert strip_controls(HOSTILE) == "red evil"
    assert strip_controls("中文\tanswer\r\nline") == "中文    answer\nline"


def test_ask_output_is_stripped(capsys: pytest.CaptureFixture[str]) -> None:
    result = {
        "grade": {"score": 4.0, "verdict": "weak", "grader": "llm:x", "flags": ["injection_attempt"],
                  "feedback": f"feedback {HOSTILE}"},
        "fell_back": None,
        "covered_points": [f"point {HOSTILE}"],
        "missed_points": [],
        "reference": f"reference {HOSTILE}",
        "session_id": "s1",
    }
    _print_human(result)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert "feedback red evil" in out and "✓ point red evil" in out and "reference red evil" in out
    assert "Flags: injection_attempt" in out
