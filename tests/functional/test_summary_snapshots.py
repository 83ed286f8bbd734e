"""Snapshots of the summary screen (issue 14, item 2) at 80×24 and 120×40: a finished timed session of three
questions (one with a follow-up, one skipped) over the seeded history, at a fixed 'now'."""

from __future__ import annotations

from datetime import timedelta

import pytest

from interviewer.history import AnswerStatus
from interviewer.screens.summary import SummaryScreen
from interviewer.services.engine.api import SessionConfig
from tests.fakes.ui import FIXED_NOW, QUESTIONS, grade
from tests.functional.test_snapshots import SIZES, new_app, settle


def finished_timed_session(repo) -> str:
    config = SessionConfig(topics=("transformer", "rlhf"), n_questions=3, per_question_s=120, seed=1)
    started = FIXED_NOW - timedelta(minutes=10)
    record = repo.start_session("default", "timed", {"config": config.model_dump(mode="json")}, started)
    plan = [(QUESTIONS[0], 95.0, grade(6.5, covered=("k1", "k2"), missed=("k3",))),
            (QUESTIONS[2], 120.0, grade(3.0, covered=("k1",), missed=("k2", "k3"))),
            (QUESTIONS[1], 4.0, None)]
    for question, spent, given in plan:
        turn = repo.add_turn(record.id, question.id, question.text)
        status = AnswerStatus.SKIPPED if given is None else AnswerStatus.ANSWERED
        repo.submit_answer(turn.id, "" if given is None else "回答。", spent, started, status=status)
        if given is not None:
            repo.record_grade(turn.id, given, started)
    repo.finish_session(record.id, FIXED_NOW)
    return record.id


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare, seeded, repo, size):
    services, _ = seeded
    session_id = finished_timed_session(repo)

    async def open_summary(pilot):
        await settle(pilot)
        await pilot.app.push_screen(SummaryScreen(session_id, reason="completed"))
        await settle(pilot)

    assert snap_compare(new_app(services), terminal_size=size, run_before=open_summary)
