"""The engine on the real repository (SQLite and PostgreSQL), the shipped bank and the offline grader;
`interviewer ask`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.config import Settings
from interviewer.db.repository import open_repository
from interviewer.history import SessionMode, SessionState
from interviewer.services.engine.api import Phase, SessionConfig
from interviewer.services.engine.factory import make_engine
from question_bank import load_bank
from tests.fakes.clock import FakeClock

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def engine_for(db_url: str, bank, clock=None):
    settings = Settings(database_url=db_url, profile="alice")
    repository = open_repository(db_url)
    return make_engine(settings, bank=bank, repository=repository, clock=clock), repository


def good_answer(question) -> str:
    """Half of the reference: enough for a grade with missed key points (so follow-ups come)."""
    reference = question.reference or ""
    return reference[: max(40, len(reference) // 2)]


async def test_a_full_timed_session_with_follow_ups_is_stored(db_url, bank):
    clock = FakeClock()
    engine, repository = engine_for(db_url, bank, clock)
    events = []
    engine.add_listener(events.append)
    config = SessionConfig(mode=SessionMode.TIMED, topics=("fine-tuning", "llm-concepts"), n_questions=3,
                           per_question_s=300, seed=1, max_follow_ups=2, auto_advance=True)
    session_id = await engine.start(config)
    while engine.state.phase is Phase.ANSWERING:
        clock.advance(20)
        current = engine.state.current
        if engine.state.follow_up_index:
            await engine.submit("我再补充一点：这部分和训练稳定性有关，具体机制我记得不太清楚。")
        else:
            await engine.submit(good_answer(current.question))
    summary = events[-1].summary
    assert summary.reason == "completed" and len(summary.turns) == 3
    assert any(turn.follow_ups for turn in summary.turns), "no follow-up was asked"

    record = repository.get_session(session_id)
    assert record.state is SessionState.FINISHED and record.mode is SessionMode.TIMED
    assert record.settings["config"]["seed"] == 1
    stored = repository.turns_for_session(session_id)
    mains = [t for t in stored if t.parent_turn_id is None]
    follow_ups = [t for t in stored if t.parent_turn_id is not None]
    assert [t.question_id for t in mains] == [t.question.id for t in summary.turns]
    assert len(follow_ups) == sum(len(t.follow_ups) for t in summary.turns)
    assert all(t.submitted and t.grades for t in stored)
    for turn, view in zip(mains, summary.turns, strict=True):
        assert turn.answer == view.answer and turn.time_spent_s == pytest.approx(20)
        assert turn.effective_grade.grade.score == pytest.approx(view.grade.score)
        assert repository.card("alice", turn.question_id) is not None  # spaced repetition updated
    for turn in follow_ups:
        assert turn.prompt and (bank.get(turn.question_id).reference or "")[:20] not in turn.prompt


async def test_a_dropped_engine_resumes_from_the_database(db_url, bank):
    clock = FakeClock()
    first, _ = engine_for(db_url, bank, clock)
    config = SessionConfig(mode=SessionMode.PRACTICE, topics=("training",), n_questions=2, seed=5,
                           max_follow_ups=0, auto_advance=True)
    session_id = await first.start(config)
    await first.submit(good_answer(first.state.current.question))
    first.save_draft("草稿：检索增强生成先检索再生成")
    await first.close()  # or a crash after the autosave: the same rows are there
    del first

    second, repository = engine_for(db_url, bank, clock)
    assert [s.session_id for s in second.resumable_sessions()] == [session_id]
    await second.resume(session_id)
    assert second.state.number == 2 and second.state.draft == "草稿：检索增强生成先检索再生成"
    await second.submit(second.state.draft)
    assert second.state.phase is Phase.FINISHED
    assert repository.get_session(session_id).state is SessionState.FINISHED
    assert len([t for t in repository.turns_for_session(session_id) if t.submitted]) == 2


async def test_each_answer_status_is_stored_and_survives_a_resume(db_url, bank):
    """Skip, "I don't know", the time limit and a normal answer land in the turn's status column, and an
    engine rebuilt from the database reads them back from there."""
    clock = FakeClock()
    engine, repository = engine_for(db_url, bank, clock)
    config = SessionConfig(mode=SessionMode.TIMED, topics=("fine-tuning",), n_questions=5, per_question_s=60,
                           seed=3, max_follow_ups=0, auto_advance=True)
    session_id = await engine.start(config)
    await engine.skip()
    await engine.dont_know()
    engine.save_draft("写到一半")
    clock.advance(61)
    await engine.tick()
    await engine.submit(good_answer(engine.state.current.question))
    await engine.close()

    stored = [t for t in repository.turns_for_session(session_id) if t.parent_turn_id is None]
    assert [t.status.value for t in stored] == [
        "skipped", "dont_know", "auto_submitted", "answered", "pending"]
    assert not stored[0].grades, "a skip records no grade"
    assert stored[2].answer == "写到一半"

    second, _ = engine_for(db_url, bank, clock)
    await second.resume(session_id)
    parts = [(t.status.value, t.grade is None) for t in second.state.turns[:4]]
    assert parts == [("skipped", True), ("dont_know", False), ("auto_submitted", False), ("answered", False)]
    await second.close()


def test_ask_json_with_cli_runner(tmp_path: Path, bank):
    db = f"sqlite:///{tmp_path / 'ask.sqlite3'}"
    question = next(q for q in bank.by_topic("fine-tuning") if q.reference)
    result = CliRunner().invoke(app, ["--db", db, "--profile", "bob", "ask", "--id", question.id, "--json"],
                                input=good_answer(question))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question"]["id"] == question.id
    assert data["grade"]["grader"] == "offline-v2" and 0 <= data["grade"]["score"] <= 10
    repository = open_repository(db)
    turns = repository.turns_for_session(data["session_id"])
    assert turns[0].answer == good_answer(question)
    assert turns[0].effective_grade.grade.score == data["grade"]["score"]
    assert repository.get_session(data["session_id"]).state is SessionState.FINISHED


def test_ask_as_a_subprocess_and_its_errors(tmp_path: Path):
    env_db = f"sqlite:///{tmp_path / 'sub.sqlite3'}"
    command = [sys.executable, "-m", "interviewer", "--db", env_db, "ask", "--topic", "rag", "--seed", "2",
               "--json"]
    done = subprocess.run(command, input="不知道", capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["question"]["topic"] == "rag" and data["grade"]["score"] == 0
    assert data["question"]["text"].strip()[:10] in done.stderr  # the question went to stderr
    bad = subprocess.run([*command[:6], "--topic", "no-such-topic"], input="", capture_output=True,
                         text=True, timeout=120, cwd=REPO_ROOT, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("error: unknown topic 'no-such-topic'")
    assert "Traceback" not in bad.stderr
