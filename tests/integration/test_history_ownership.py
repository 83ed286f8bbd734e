"""Issue 14 (5): your history is yours. `ask --no-save` writes nothing; `review delete` removes a session and
spaced repetition forgets its answers (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

import question_bank
from interviewer import i18n, scheduling
from interviewer.cli.main import app
from interviewer.db import RecordNotFound, open_repository
from interviewer.domain import Grade, verdict_for

T0 = datetime.now(UTC) - timedelta(days=10)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """These tests read the English source strings, whatever the settings' language."""
    i18n.pin_language("en")
    yield
    i18n.reset()


def _grade(score: float) -> Grade:
    return Grade(score=score, verdict=verdict_for(score), grader="offline-v1", confidence=0.8)


def _answer(repo: Any, session_id: str, question_id: str, score: float, at: datetime,
            follow_up: bool = False) -> str:
    turn = repo.add_turn(session_id, question_id, "q")
    repo.submit_answer(turn.id, "an answer", 60.0, at)
    repo.record_grade(turn.id, _grade(score), at)
    if follow_up:
        child = repo.add_turn(session_id, question_id, "q", parent_turn_id=turn.id, prompt="and why?")
        repo.submit_answer(child.id, "because", 30.0, at)
        repo.record_grade(child.id, _grade(4.0), at)
    return turn.id


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: the whole database as data."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {name: sorted(map(tuple, connection.execute(text(f'SELECT * FROM "{name}"'))), key=repr)
                    for name in inspect(connection).get_table_names()}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def question():
    return next(q for q in question_bank.load_bank().questions if q.reference)


def test_ask_no_save_leaves_the_database_unchanged(tmp_path, question) -> None:
    db = f"sqlite:///{tmp_path / 'ask.sqlite3'}"
    repo = open_repository(db)
    session = repo.start_session("default", "practice", started_at=T0)
    _answer(repo, session.id, question.id, 7.0, T0)
    repo.finish_session(session.id, T0 + timedelta(minutes=5))
    repo.close()
    before = _dump(db)
    assert before["turn"] and before["grade"] and before["card"]

    runner = CliRunner()
    result = runner.invoke(app, ["--db", db, "ask", "--id", question.id, "--no-save", "--json"],
                           input="I don't know")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["saved"] is False and data["session_id"] is None and data["grade"]["score"] is not None
    assert _dump(db) == before

    plain = runner.invoke(app, ["--db", db, "ask", "--id", question.id, "--no-save"], input="no idea")
    assert plain.exit_code == 0, plain.output
    assert "not saved" in plain.output and "recorded in session" not in plain.output
    assert _dump(db) == before

    saved = runner.invoke(app, ["--db", db, "ask", "--id", question.id, "--json"], input="no idea")
    assert saved.exit_code == 0, saved.output
    after = _dump(db)  # the same command without --no-save does write: the comparison above can fail
    assert len(after["turn"]) == len(before["turn"]) + 1 and after["card"] != before["card"]


def _history(url: str, question_ids: list[str]) -> tuple[str, str]:
    """Two sessions on the same questions: a good one (kept) and a failed one (to delete)."""
    repo = open_repository(url)
    good = repo.start_session("alice", "timed", started_at=T0)
    for qid in question_ids:
        _answer(repo, good.id, qid, 9.0, T0)
    repo.finish_session(good.id, T0 + timedelta(minutes=20))
    bad_at = T0 + timedelta(days=5)
    bad = repo.start_session("alice", "practice", started_at=bad_at)
    for qid in question_ids:
        _answer(repo, bad.id, qid, 0.0, bad_at, follow_up=True)
    repo.finish_session(bad.id, bad_at + timedelta(minutes=20))
    repo.close()
    return good.id, bad.id


def test_review_delete_removes_the_session_and_what_it_taught_the_scheduler(db_url) -> None:
    bank = question_bank.load_bank()
    topic = bank.topics[0].slug
    qids = [q.id for q in bank.by_topic(topic)[:2]]
    good, bad = _history(db_url, qids)
    repo = open_repository(db_url)
    expected_cards = {qid: scheduling.replay([scheduling.review_for(9.0, T0)]) for qid in qids}
    weak_before = {m.topic: m for m in repo.weakest_topics("alice", 50, {q: topic for q in qids})}[topic]
    assert weak_before.n_graded == 4 and weak_before.recent_score < 9.0
    runner = CliRunner()
    base = ["--db", db_url, "--profile", "alice"]

    kept = runner.invoke(app, [*base, "review", "delete", bad[:8]], input="n\n")
    assert kept.exit_code == 1 and "nothing deleted" in kept.output
    assert repo.get_session(bad).id == bad

    done = runner.invoke(app, [*base, "review", "delete", bad[:8], "--yes"])
    assert done.exit_code == 0, done.output
    assert "4 turn(s), 4 grade(s); spaced repetition recomputed for 2 question(s)" in done.output
    with pytest.raises(RecordNotFound):
        repo.get_session(bad)
    assert [s.id for s in repo.list_sessions("alice")] == [good]
    for qid in qids:  # the cards are what the kept history alone gives
        card = repo.card("alice", qid)
        assert card is not None and expected_cards[qid] is not None
        assert (card.n_reviews, card.recent_score) == (1, 9.0)
        assert card.due == expected_cards[qid].due and card.stability == pytest.approx(
            expected_cards[qid].stability)
    weak = runner.invoke(app, [*base, "weak", "--json"])
    row = next(t for t in json.loads(weak.output)["topics"] if t["topic"] == topic)
    assert (row["n_graded"], row["recent_score"], row["status"]) == (2, 9.0, "rated")

    listed = runner.invoke(app, [*base, "review", "--export", "json"])
    assert [s["id"] for s in json.loads(listed.output)] == [good]
    assert runner.invoke(app, [*base, "review", good[:8]]).exit_code == 0  # `review ID` still prints

    gone = runner.invoke(app, [*base, "review", "delete", bad[:8], "--yes"])
    assert gone.exit_code == 1 and "no session" in gone.output
    missing = runner.invoke(app, [*base, "review", "delete"])
    assert missing.exit_code == 1 and "which session" in missing.output

    repo.delete_session(good)  # the last answers gone: no card is left over either
    assert repo.cards("alice") == [] and repo.weakest_topics("alice", 5, {q: topic for q in qids}) == []
    repo.close()


def test_a_failed_delete_changes_nothing(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    _good, bad = _history(url, ["attention-basics-a1b2c3"])
    before = _dump(url)
    repo = open_repository(url)

    def broken(*_args: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(repo._grades, "reschedule", broken)  # fails after the rows are deleted
    with pytest.raises(RuntimeError):
        repo.delete_session(bad)
    repo.close()
    assert _dump(url) == before  # one transaction: the session, its answers and the cards are all there


def test_ask_on_a_terminal_shows_the_question_before_reading_the_answer(tmp_path, question) -> None:
    """Under a pseudo-terminal the question and how to finish appear before anything is typed."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time
    from pathlib import Path

    db = f"sqlite:///{tmp_path / 'tty.sqlite3'}"
    leader, follower = pty.openpty()
    env = {**os.environ, "INTERVIEWER_LANGUAGE": "en"}
    child = subprocess.Popen([sys.executable, "-m", "interviewer", "--db", db, "ask", "--id", question.id,
                              "--no-save"], stdin=follower, stdout=follower, stderr=follower, env=env,
                             cwd=Path(__file__).resolve().parents[2])
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while b"Ctrl-D" not in seen and time.monotonic() < deadline and child.poll() is None:
            if select.select([leader], [], [], 0.5)[0]:
                seen += os.read(leader, 4096)
        text = seen.decode("utf-8", errors="replace")
        assert f"[{question.topic}]" in text and "Ctrl-D" in text, text  # asked, nothing typed yet
        os.write(leader, b"no idea\n\x04")
        while child.poll() is None and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                try:
                    seen += os.read(leader, 4096)
                except OSError:
                    break
        assert child.wait(timeout=60) == 0, seen.decode("utf-8", errors="replace")
    finally:
        if child.poll() is None:
            child.kill()
        os.close(leader)
    assert "not saved" in seen.decode("utf-8", errors="replace")
