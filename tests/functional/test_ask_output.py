"""`interviewer ask` in a plain terminal (issue 14, item 11): clean, non-redundant output."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from interviewer.cli.ask import _print_human
from interviewer.cli.main import app

QUESTION = "hardware-bc85cae6"  # a bank question with a reference and several key points


def test_ask_prints_one_score_line_then_the_points(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ask.sqlite3'}"
    result = CliRunner().invoke(app, ["--db", db, "ask", "--id", QUESTION, "--lang", "en"],
                                input="I think the FFN has two linear layers with an activation between.")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Score: ") and lines[0].endswith("· graded by offline-v2"), lines[0]
    assert "ungraded" not in lines[0] and "grader offline" not in lines[0]
    marks = [line for line in lines if line.startswith(("  ✓ ", "  ✗ "))]
    assert marks and lines[1:1 + len(marks)] == marks  # the key points right under the score
    # The feedback does not list the points again under other words.
    assert "Missing:" not in result.stdout and "Covered:" not in result.stdout
    assert result.stdout.count("Score") == 1
    assert lines[-1].startswith("(recorded in session ")


def test_an_ungraded_answer_says_so_once(capsys) -> None:
    feedback = "这道题没有参考答案，离线评分无法给出分数。请对照你掌握的资料自评（0–10 分）。"
    _print_human({
        "grade": {"score": None, "verdict": "ungraded", "grader": "offline-v2", "feedback": feedback,
                  "flags": []},
        "fell_back": None, "covered_points": [], "missed_points": [], "reference": None,
        "session_id": "s1", "saved": True,
    })
    out = capsys.readouterr().out
    assert not out.startswith("\n")
    assert out.splitlines()[0] == "Not graded · offline-v2"
    assert out.count("ungraded") == 0 and out.count("没有参考答案") == 1
