"""Issue 16, `interviewer ask` with hostile input: a bad byte keeps the answer, bank and server text is
sanitised, the fallback note says it once, and a stalled endpoint falls back within the grade deadline."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import question_bank
from interviewer.cli.ask import fallback_note
from interviewer.cli.main import app
from interviewer.db import open_repository
from interviewer.history import SessionState
from tests.fakes.fake_openai_server import FakeOpenAIServer, Fault

REPO_ROOT = Path(__file__).resolve().parents[2]
ESCAPES = "\x1b[2J\x1b]52;c;cHduZWQ=\x07"


@pytest.fixture(scope="module")
def question():
    return next(q for q in question_bank.load_bank().questions if q.reference)


def test_a_bad_byte_keeps_the_answer(tmp_path: Path, question) -> None:
    db = f"sqlite:///{tmp_path / 'ask.sqlite3'}"
    command = [sys.executable, "-m", "interviewer", "--db", db, "ask", "--id", question.id, "--json"]
    done = subprocess.run(command, input=b"attention is a weighted caf\xe9 average\n", capture_output=True,
                          timeout=180, cwd=REPO_ROOT, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    data = json.loads(done.stdout)
    repo = open_repository(db)
    [turn] = repo.turns_for_session(data["session_id"])
    assert turn.answer == "attention is a weighted caf\ufffd average\n"  # kept, the bad byte replaced
    assert repo.get_session(data["session_id"]).state is SessionState.FINISHED
    repo.close()


def test_bank_text_is_sanitised(tmp_path: Path, question, monkeypatch) -> None:
    bank = question_bank.load_bank()
    hostile = question.model_copy(update={"text": f"{ESCAPES}What is it?"})
    patched = dataclasses.replace(bank, questions=tuple(hostile if q.id == question.id else q
                                                        for q in bank.questions))
    monkeypatch.setattr(question_bank, "load_bank", lambda *a, **k: patched)
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'a.sqlite3'}", "ask", "--id",
                                      question.id], input="no idea")
    assert result.exit_code == 0, result.output
    assert "What is it?" in result.output and "\x1b" not in result.output and "\x07" not in result.output


def test_the_fallback_note_says_it_once() -> None:
    judge_note = "LLM judge llm:m failed (server_error: HTTP 500 \x1b[2Jboom); this is the offline grade"
    note = fallback_note(judge_note)
    assert note.count("offline grade") == 1 and "\x1b" not in note
    assert fallback_note("timeout") == "Note: the LLM judge failed (timeout); this is the offline grade."


def test_a_stalled_endpoint_falls_back_within_the_deadline(
    tmp_path: Path, question, fake_openai_server: FakeOpenAIServer, monkeypatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", fake_openai_server.base_url)
    monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", fake_openai_server.api_key)
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", fake_openai_server.model)
    monkeypatch.setenv("INTERVIEWER_LLM__GRADE_DEADLINE_S", "2")
    fake_openai_server.script(*[Fault.stall(60)] * 4)
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 's.sqlite3'}", "ask", "--id",
                                      question.id, "--json"], input="attention weighs values")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["fell_back"] and "llm_fallback" in data["grade"]["flags"]
    assert elapsed < 40  # read timeout 60 s x 2 attempts before; now the 2 s deadline (+ offline grading)
