"""Two processes using one database at once: neither crashes, nothing is lost, the file stays intact."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from sqlalchemy import text

from interviewer.db import make_sql_engine, open_repository

CHILD = r"""
import sys, time
from pathlib import Path
from interviewer.db import open_repository
from interviewer.domain import Grade, Verdict

url, name, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.002)
repo = open_repository(url)  # both processes migrate the fresh database at the same moment
for round_ in range(15):
    session = repo.start_session("shared", "drill", {"writer": name})
    for question in range(3):
        turn = repo.add_turn(session.id, f"topic-q{question}-abcdef", "q")
        repo.save_draft(turn.id, "draft")
        repo.submit_answer(turn.id, f"{name} {round_} {question}")
        grade = Grade(score=float(question * 4), verdict=Verdict.WEAK, grader="offline-v1")
        repo.record_grade(turn.id, grade)
    repo.finish_session(session.id)
print("done", flush=True)
"""


def test_two_processes_write_the_same_database(db_url, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(CHILD, encoding="utf-8")
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), db_url, name, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for name in ("one", "two")
    ]
    time.sleep(0.5)  # let both import and wait at the start line
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=180)
        assert writer.returncode == 0, err[-3000:]
        assert out.strip() == "done"

    repo = open_repository(db_url)
    sessions = repo.list_sessions("shared")
    assert len(sessions) == 30
    answers = [t.answer for s in sessions for t in repo.turns_for_session(s.id)]
    assert len(answers) == 90 and all(answers)
    cards = repo.cards("shared")
    assert sorted(c.n_reviews for c in cards) == [30, 30, 30]  # every grade reached its card
    repo.close()
    if db_url.startswith("sqlite"):
        engine = make_sql_engine(db_url)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        engine.dispose()
