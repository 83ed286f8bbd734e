"""Issue 16, hostile export files: every field checked before anything is written, import and card rebuild in
one transaction (a kill part-way leaves nothing), idempotent for every record kind, one error line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.db import StorageError, open_repository
from interviewer.domain import Grade, Verdict

REPO_ROOT = Path(__file__).resolve().parents[2]
QUESTION = "attention-basics-a1b2c3"


def _export(tmp_path: Path) -> dict[str, Any]:
    """A small real export: one profile, one session, one graded and self-graded turn, one flag."""
    repo = open_repository(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    session = repo.start_session("alice", "practice")
    turn = repo.add_turn(session.id, QUESTION, "What is attention?")
    repo.submit_answer(turn.id, "weights", time_spent_s=3.0)
    repo.record_grade(turn.id, Grade(score=6.0, verdict=Verdict.ADEQUATE, grader="offline-v1"))
    repo.record_self_grade(turn.id, rating=3)
    repo.flag_reference(QUESTION, "wrong formula", profile="alice")
    data = repo.export_data()
    repo.close()
    return data


def _with_self_grade(data: dict[str, Any], rating: Any) -> dict[str, Any]:
    hostile = deepcopy(data)
    copy = deepcopy(next(g for g in hostile["grades"] if g["rating"] is not None))
    copy.update(id="f" * 32, rating=rating)
    hostile["grades"].append(copy)
    return hostile


@pytest.mark.parametrize("rating", ["abc", 99, 0, True, 2.5, [3]])
def test_a_bad_rating_is_refused_before_anything_is_written(db_url, tmp_path, rating):
    data = _export(tmp_path)
    repo = open_repository(db_url)
    with pytest.raises(StorageError, match=r"grades\.2\.rating: must be 1-4"):
        repo.import_data(_with_self_grade(data, rating))
    assert repo.list_profiles() == []  # nothing committed
    assert repo.import_data(data)["grades"] == 2
    assert repo.card("alice", QUESTION) is not None  # the question still works afterwards
    repo.close()


def test_a_flag_listed_twice_or_without_timezone_is_added_once(db_url, tmp_path):
    data = _export(tmp_path)
    [flag] = data["reference_flags"]
    naive = dict(flag, created_at=flag["created_at"].replace("+00:00", "").removesuffix("Z"))
    data["reference_flags"] = [flag, dict(flag), naive]
    repo = open_repository(db_url)
    assert repo.import_data(data)["reference_flags"] == 1
    assert repo.import_data(data)["reference_flags"] == 0
    only_naive = dict(data, reference_flags=[naive])
    assert repo.import_data(only_naive)["reference_flags"] == 0
    assert len(repo.flagged_references()) == 1
    repo.close()


def test_every_record_kind_listed_twice_is_imported_once(db_url, tmp_path):
    data = _export(tmp_path)
    doubled = {key: (value * 2 if isinstance(value, list) else value) for key, value in data.items()}
    repo = open_repository(db_url)
    added = repo.import_data(doubled)
    assert added == {"profiles": 1, "sessions": 1, "turns": 1, "grades": 2, "reference_flags": 1}
    assert set(repo.import_data(doubled).values()) == {0}
    repo.close()


def test_a_bad_rating_already_stored_does_not_break_the_question(tmp_path):
    """Rows written by an older import without checks: the card is rebuilt, ignoring the bad rating."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    repo = open_repository(url)
    repo.import_data(_export(tmp_path))
    with repo.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE grade SET rating = 'abc' WHERE rating IS NOT NULL")
    assert repo.rebuild_cards("alice") == 1
    assert repo.card("alice", QUESTION) is not None
    repo.close()


def test_import_and_card_rebuild_are_one_transaction(tmp_path, monkeypatch):
    data = _export(tmp_path)
    repo = open_repository(f"sqlite:///{tmp_path / 'target.sqlite3'}")

    def crash(*_args: object) -> int:
        raise RuntimeError("killed during the card rebuild")

    from interviewer.db.grades import GradeRows

    monkeypatch.setattr(GradeRows, "reschedule", crash)
    with pytest.raises(RuntimeError):
        repo.import_data(data)
    monkeypatch.undo()
    assert repo.list_profiles() == [] and repo.cards("alice") == []
    assert repo.import_data(data)["grades"] == 2  # re-import redoes everything
    assert len(repo.cards("alice")) == 1
    repo.close()


def test_sigkill_during_the_card_rebuild_leaves_nothing_half_done(tmp_path):
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_export(tmp_path)), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    script = textwrap.dedent(f"""
        import os, signal
        from interviewer.db import open_repository
        from interviewer.db.grades import GradeRows
        GradeRows.reschedule = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        open_repository({url!r}).import_json({str(export)!r})
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, timeout=120, check=False)
    assert done.returncode == -9
    repo = open_repository(url)
    assert repo.list_profiles() == []
    assert repo.import_json(export)["grades"] == 2
    assert len(repo.cards("alice")) == 1
    repo.close()


def _cli_import(tmp_path: Path, payload: bytes | str, *extra: str) -> Any:
    file = tmp_path / "in.json"
    file.write_bytes(payload.encode() if isinstance(payload, str) else payload)
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    return CliRunner().invoke(app, ["--db", db, "data", "import", str(file), *extra])


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        (b'{"format": "caf\xe9"}', "not UTF-8"),
        ('{"format": "interviewer-export", "version": 1, "profiles": [{"name": "a", "created_at": NaN}]}',
         "NaN"),
        ('{"format": "interviewer-export", "version": 1, "sessions": ' + "[" * 60 + "]" * 60 + "}",
         "nested deeper"),
        ('{"format": "interviewer-export", "version": 1, "profiles": [{"name": "a\\u0000",'
         ' "created_at": "2026-01-01"}]}', "NUL"),
        ('{"format": "interviewer-export", "version": 1, "profiles": [{"name": "\\ud800",'
         ' "created_at": "2026-01-01"}]}', "surrogate"),
        ('{"format": "interviewer-export", "version": 1, "turns": [{"id": "t", "session_id": "s",'
         ' "question_id": "q", "question_text": "x", "ordinal": 99999999999999999999999,'
         ' "created_at": "2026-01-01"}]}', "out of range"),
        ('{"format": "interviewer-export", "version": 1, "profiles": [{"name": "a",'
         ' "created_at": "0001-01-01T00:00:00+05:00"}]}', "profiles.0.created_at: date out of range"),
        ('{"format": "interviewer-export", "version": 1, "reference_flags": [{"question_id": "q",'
         ' "reason": "r", "created_at": "9999-12-31T23:00:00-05:00"}]}', "date out of range"),
        ('{"format": "interviewer-export", "version": 1, "profiles": [{"name": "a",'
         ' "created_at": "2026-01-01", "x": 1e400}]}', "number out of range"),
        ('{"format": "interviewer-export", "version": 1, "turns": [{"id": "t", "session_id": "nope",'
         ' "question_id": "q", "question_text": "x", "ordinal": 0, "created_at": "2026-01-01"}]}',
         "unknown session"),
    ],
)
def test_hostile_files_give_one_error_line(tmp_path, payload, message):
    result = _cli_import(tmp_path, payload)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert str(tmp_path / "in.json") in result.output  # names the file


def test_an_import_file_over_the_size_cap_is_refused(tmp_path):
    result = _cli_import(tmp_path, " " * (2 * 1024 * 1024) + "{}", "--max-mb", "1")
    assert result.exit_code == 1 and "larger than 1 MiB" in result.output and "--max-mb" in result.output
