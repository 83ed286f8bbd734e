"""`interviewer data export/import` and `interviewer weak` through the real CLI, on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.db import open_repository
from interviewer.domain import Grade, Verdict

BANK = {
    "attention.yaml": ("attention", "注意力机制", ["attention-basics-a1b2c3", "attention-scale-a1b2c4"]),
    "rlhf.yaml": ("rlhf", "RLHF", ["rlhf-ppo-d4e5f6"]),
}


@pytest.fixture
def bank_dir(tmp_path):
    root = tmp_path / "bank"
    root.mkdir()
    for file, (slug, name, ids) in BANK.items():
        questions = [
            {"id": qid, "text": f"问题 {qid}", "difficulty": 2, "sources": [{"file": "seed.md", "line": 1}]}
            for qid in ids
        ]
        (root / file).write_text(
            json.dumps({"topic": {"slug": slug, "name": name}, "questions": questions}, ensure_ascii=False),
            encoding="utf-8",
        )
    return root


def _grade_history(url: str, profile: str) -> None:
    repo = open_repository(url)
    session = repo.start_session(profile, "practice")
    now = datetime.now(UTC)
    for question_id, score in (
        ("attention-basics-a1b2c3", 9.0),
        ("attention-scale-a1b2c4", 8.0),
        ("rlhf-ppo-d4e5f6", 2.0),
        ("gone-from-bank-ffffff", 0.0),
    ):
        turn = repo.add_turn(session.id, question_id, "q")
        repo.submit_answer(turn.id, "a", submitted_at=now - timedelta(hours=1))
        repo.record_grade(turn.id, Grade(score=score, verdict=Verdict.WEAK, grader="offline-v1"))
    repo.close()


def test_weak_prints_weakest_topics_for_the_profile(db_url, bank_dir):
    _grade_history(db_url, "alice")
    runner = CliRunner()
    result = runner.invoke(
        app, ["--db", db_url, "--profile", "alice", "weak", "--json", "--bank", str(bank_dir)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["profile"] == "alice"
    assert [(t["topic"], t["name"]) for t in data["topics"]] == [
        ("rlhf", "RLHF"),
        ("attention", "注意力机制"),
    ]
    assert data["topics"][1]["n_questions"] == 2
    # One graded answer in rlhf: `new`, no mastery number (issue 14); two in attention: rated.
    assert [(t["status"], t["mastery"] is None) for t in data["topics"]] == [("new", True), ("rated", False)]

    table = runner.invoke(
        app, ["--db", db_url, "--profile", "alice", "weak", "-n", "1", "--bank", str(bank_dir)]
    )
    assert (
        table.exit_code == 0 and "rlhf" in table.output and "attention" not in table.output.split("\n", 2)[2]
    )
    assert " new " in table.output.splitlines()[2]


def test_weak_reads_database_and_profile_from_the_environment(db_url, bank_dir, monkeypatch):
    _grade_history(db_url, "carol")
    monkeypatch.setenv("INTERVIEWER_DATABASE_URL", db_url)
    monkeypatch.setenv("INTERVIEWER_PROFILE", "carol")
    result = CliRunner().invoke(app, ["weak", "--json", "--bank", str(bank_dir)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["topics"][0]["topic"] == "rlhf"
    empty = CliRunner().invoke(app, ["--profile", "dave", "weak", "--bank", str(bank_dir)])
    assert empty.exit_code == 0 and "No graded answers yet" in empty.output


def test_data_export_then_import_into_another_database(db_url, tmp_path):
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    _grade_history(source, "alice")
    export = tmp_path / "out.json"
    runner = CliRunner()
    result = runner.invoke(app, ["--db", source, "data", "export", str(export)])
    assert result.exit_code == 0, result.output
    assert "4 turns" in result.output

    result = runner.invoke(app, ["--db", db_url, "data", "import", str(export)])
    assert result.exit_code == 0, result.output
    repo = open_repository(db_url)
    assert len(repo.cards("alice")) == 4
    repo.close()


def test_data_errors_are_one_line_without_traceback(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(
        app, ["--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "data", "import", str(tmp_path / "nope.json")]
    )
    assert missing.exit_code == 1
    assert "cannot read export file" in missing.output and "Traceback" not in missing.output
    bad_url = runner.invoke(app, ["--db", "not-a-url", "data", "export", str(tmp_path / "o.json")])
    assert bad_url.exit_code == 1 and "not a database URL" in bad_url.output
    no_bank = runner.invoke(app, ["weak", "--bank", str(tmp_path / "none")])
    assert no_bank.exit_code == 1 and "cannot load the question bank" in no_bank.output
