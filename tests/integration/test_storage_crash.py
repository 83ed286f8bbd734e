"""Never lose an answer: a process killed by SIGKILL mid-answer keeps all it submitted or autosaved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from interviewer.db import open_repository

CHILD = r"""
import sys, time
from interviewer.db import open_repository
from interviewer.domain import Grade, Verdict

repo = open_repository(sys.argv[1])
session = repo.start_session("alice", "timed", {"minutes": 30})
for index in range(2):
    turn = repo.add_turn(session.id, f"topic-q{index}-abcdef", f"question {index}")
    repo.save_draft(turn.id, f"draft of answer {index}")
    repo.submit_answer(turn.id, f"final answer {index}", time_spent_s=5.0)
    repo.record_grade(turn.id, Grade(score=6.0, verdict=Verdict.ADEQUATE, grader="offline-v1"))
    print(f"submitted {index}", flush=True)
turn = repo.add_turn(session.id, "topic-q2-abcdef", "question 2")
version = 0
while True:  # the user keeps typing; the UI autosaves; we get killed somewhere in here
    version += 1
    repo.save_draft(turn.id, f"typing... version {version}")
    print(f"draft {version}", flush=True)
    time.sleep(0.005)
"""


def test_sigkill_mid_answer_keeps_submitted_answers_and_last_draft(db_url, tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(script), db_url], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    acknowledged = 0
    deadline = time.monotonic() + 60
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("draft "):
            acknowledged = int(line.split()[1])
        if acknowledged >= 25 or time.monotonic() > deadline:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert acknowledged >= 25, "the child did not get far enough to test anything"

    repo = open_repository(db_url)  # "restart": a fresh process-level view of the same database
    resumable = repo.unfinished_session("alice")
    assert resumable is not None and resumable.settings == {"minutes": 30}
    turns = repo.turns_for_session(resumable.id)
    assert [t.answer for t in turns] == ["final answer 0", "final answer 1", None]
    assert all(t.grades for t in turns[:2])
    last = turns[2]
    assert last.draft is not None and last.draft_saved_at is not None
    saved_version = int(last.draft.rsplit(" ", 1)[1])
    assert saved_version >= acknowledged  # every autosave that returned is durable (one more may have landed)
    repo.close()
