"""Smoke test: the INSTALLED `interviewer` command in a real terminal under tmux, on the offline grader.

Starts an interview, answers one question, sees a grade, quits (confirming), then checks the database.
A missing tmux skips locally but fails in CI (env CI set).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.ci import skip_or_fail

ANSWER = "KV cache 保存每一层历史 token 的 key 和 value，decoding 时不用重复计算。"


def _installed_command() -> Path:
    path = Path(sys.executable).parent / "interviewer"
    if not path.exists():
        pytest.fail(f"the installed entry point is missing: {path} (pip install -e .)")
    return path


class Tmux:
    """A private tmux server (own socket) running one command in a fixed-size window."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=check, timeout=20)

    def screen(self) -> str:
        result = self.run("capture-pane", "-p", "-t", "smoke", check=False)
        return result.stdout if result.returncode == 0 else ""

    def alive(self) -> bool:
        return self.run("has-session", "-t", "smoke", check=False).returncode == 0

    def wait_for(self, what: str | Callable[[str], bool], timeout: float = 30.0) -> str:
        """Poll capture-pane until `what` is on screen (or the predicate holds); fail with the screen."""
        check = what if callable(what) else (lambda text: what in text)
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what!r}; screen was:\n{text}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "smoke", *(["-l"] if literal else []), *keys)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        skip_or_fail("tmux is not installed (scripts/test.sh installs it); CI must run this test")
    session = Tmux(f"interviewer-test-{os.getpid()}")
    yield session
    session.run("kill-server", check=False)


@pytest.mark.tmux
def test_installed_command_interview_under_tmux(tmux: Tmux, tmp_path: Path) -> None:
    command = _installed_command()
    db_path = tmp_path / "smoke.sqlite3"
    env = {
        "INTERVIEWER_DATA_DIR": str(tmp_path / "data"),
        "INTERVIEWER_CONFIG_DIR": str(tmp_path / "config"),
        "INTERVIEWER_DATABASE_URL": f"sqlite:///{db_path}",
        "INTERVIEWER_LANGUAGE": "en",  # the English interface (and feedback) this test reads
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    shell = f"env {assignments} {shlex.quote(str(command))}; echo EXITED $?; sleep 3"
    tmux.run("new-session", "-d", "-s", "smoke", "-x", "100", "-y", "30", shell)

    tmux.wait_for("Offline grader in use", timeout=60)  # a cold start compiles bytecode
    tmux.wait_for(lambda text: "Timed interview" in text and "due" in text)
    tmux.keys("i")
    tmux.wait_for(lambda text: "Q1/" in text and "Ctrl+S submits" in text)
    tmux.keys(ANSWER, literal=True)
    tmux.wait_for("decoding 时不用重复计算")
    tmux.keys("C-s")
    screen = tmux.wait_for("Answer graded:")
    assert "offline grader" in screen
    tmux.keys("C-q")
    tmux.wait_for("Quit the interview?")
    tmux.keys("y")
    assert "EXITED 0" in tmux.wait_for("EXITED"), "the app did not exit cleanly after confirming quit"

    from interviewer.db.repository import open_repository

    repo = open_repository(f"sqlite:///{db_path}")
    try:
        sessions = repo.list_sessions("default")
        assert len(sessions) == 1
        turns = repo.turns_for_session(sessions[0].id)
        main = [t for t in turns if t.parent_turn_id is None]
        assert main[0].answer == ANSWER
        assert main[0].grades and main[0].grades[0].grade.grader == "offline-v2"  # the authored key points
        assert repo.unfinished_session("default") is not None  # quitting keeps it resumable
    finally:
        repo.close()


@pytest.mark.tmux
def test_installed_command_whole_timed_session_in_chinese_to_the_summary(tmux: Tmux, tmp_path: Path) -> None:
    """INTERVIEWER_LANGUAGE=zh: a timed interview of three questions answered to its end, then the summary
    screen (Enter) in Chinese with the first question's opening words, the session score and the time used
    against the budget; Review opens from there and Esc comes back."""
    import re

    command = _installed_command()
    db_path = tmp_path / "smoke.sqlite3"
    env = {
        "INTERVIEWER_DATA_DIR": str(tmp_path / "data"),
        "INTERVIEWER_CONFIG_DIR": str(tmp_path / "config"),
        "INTERVIEWER_DATABASE_URL": f"sqlite:///{db_path}",
        "INTERVIEWER_LANGUAGE": "zh",
        "INTERVIEWER_MAX_FOLLOW_UPS": "0",  # one answer, one grade: no follow-up to wait for
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    shell = f"env {assignments} {shlex.quote(str(command))}; echo EXITED $?; sleep 3"
    tmux.run("new-session", "-d", "-s", "smoke", "-x", "100", "-y", "30", shell)

    from question_bank import load_bank

    first_topic = load_bank().topics[0].name  # Home lists the bank's topics once it has loaded
    tmux.wait_for(first_topic, timeout=60)
    tmux.keys("i")
    clocks = re.compile(r"\d+:\d\d.*\d+:\d\d")  # the question and session countdowns
    marker = "decoding 时不用重复计算"
    for number in (1, 2, 3):  # the default three questions, answered one by one to the end
        tmux.wait_for(lambda text, n=number: f"第 {n}/3 题" in text and bool(clocks.search(text)))
        typed_before = tmux.screen().count(marker)
        tmux.keys(ANSWER, literal=True)
        tmux.wait_for(lambda text, seen=typed_before: text.count(marker) > seen)
        tmux.keys("C-s")
        if number < 3:
            # Graded: the status line says so (a card with many key points pushes its score off the screen).
            tmux.wait_for(f"第 {number} 题完成")
            tmux.keys("Enter")  # the next question
    tmux.wait_for("会话结束")  # the last grade ends the session by itself

    from interviewer.db.repository import open_repository
    from interviewer.history import SessionState

    repo = open_repository(f"sqlite:///{db_path}")
    try:
        def finished() -> bool:
            sessions = repo.list_sessions("default")
            return bool(sessions) and sessions[0].state is SessionState.FINISHED

        deadline = time.monotonic() + 30
        while not finished() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert finished(), tmux.screen()
        session = repo.list_sessions("default")[0]
        main = [t for t in repo.turns_for_session(session.id) if t.parent_turn_id is None]
        scores = [t.grades[-1].grade.score for t in main]
        assert len(main) == 3 and all(t.answer == ANSWER for t in main) and None not in scores
        score = sum(scores) / len(scores)  # the session score: the mean of the model grades
    finally:
        repo.close()

    tmux.keys("Enter")  # the summary, in Chinese: score line, the question's own words, time used / budget
    used_of_budget = re.compile(r"用时：\d+:\d\d / \d+:\d\d")
    opening = "".join(main[0].question_text.split())[:4]  # spaces aside: tmux pads wide characters

    def on_summary(text: str) -> bool:
        return ("会话得分" in text and opening in "".join(text.split()) and bool(used_of_budget.search(text))
                and "新会话" in text)

    screen = tmux.wait_for(on_summary)
    assert f"{score:.1f}/10" in screen and "3 道题中已评分 3 道" in screen
    tmux.keys("r")  # Review, on this session's transcript (its footer offers self-grading)
    tmux.wait_for(lambda text: "自评" in text and f"{score:.1f}/10" in text and not on_summary(text))
    tmux.keys("Escape")
    tmux.wait_for(on_summary)  # back on the summary
    tmux.keys("Escape")
    tmux.wait_for(first_topic)  # Home
    tmux.keys("C-q")
    assert "EXITED 0" in tmux.wait_for("EXITED"), "the app did not exit cleanly"
