"""The engine's clock with a fake clock: per-question limits, auto-submit, session budget, warnings."""

from __future__ import annotations

import asyncio

import pytest

from interviewer.history import SessionMode
from interviewer.services.engine.api import AnswerStatus, Phase, SessionConfig
from tests.fakes.engine import rig


def timed(**overrides) -> SessionConfig:
    values = {"mode": SessionMode.TIMED, "n_questions": 2, "per_question_s": 60.0, "seed": 7,
              "max_follow_ups": 0, "auto_advance": True}
    return SessionConfig(**{**values, **overrides})


async def test_draft_is_auto_submitted_at_the_question_limit():
    r = rig()
    await r.engine.start(timed())
    first = r.engine.state.current
    r.engine.save_draft("cover=k1 我写到一半的答案")
    r.clock.advance(59.0)
    await r.engine.tick()
    assert r.engine.state.phase is Phase.ANSWERING
    r.clock.advance(2.0)
    await r.engine.tick()
    auto = r.of("auto_submitted")
    assert len(auto) == 1 and auto[0].reason == "question_time"
    assert auto[0].text == "cover=k1 我写到一半的答案"
    stored = r.store.turns[first.turn_id]
    assert stored.answer == "cover=k1 我写到一半的答案"
    assert stored.time_spent_s == pytest.approx(60.0)  # charged the limit, never more
    done = r.engine.state.turns[0]
    assert done.status is AnswerStatus.AUTO_SUBMITTED
    assert done.grade is not None and done.grade.covered == ("k1",)
    assert r.engine.state.number == 2  # the next question is on


async def test_empty_draft_auto_submitted_scores_zero_without_the_grader():
    r = rig()
    await r.engine.start(timed())
    r.clock.advance(61)
    await r.engine.tick()
    graded = r.of("answer_graded")[0].grade
    assert graded.score == 0 and "empty_answer" in graded.flags
    assert r.grader.calls == []


async def test_warning_fires_once_in_the_last_fifth():
    r = rig()
    await r.engine.start(timed())
    r.clock.advance(47)
    await r.engine.tick()
    assert r.of("time_warning") == []
    r.clock.advance(2)  # 11 s of 60 left
    await r.engine.tick()
    await r.engine.tick()
    warnings = [w for w in r.of("time_warning") if w.scope == "question"]
    assert len(warnings) == 1 and warnings[0].remaining_s == pytest.approx(11)


async def test_grading_time_is_not_charged_to_the_candidate():
    r = rig()
    r.grader.takes_s = 30  # the grader moves the fake clock while it works
    await r.engine.start(timed(n_questions=2))
    r.clock.advance(10)
    await r.engine.submit("cover=k1,k2 第一题的答案内容")
    left = r.engine.remaining_time()
    assert left.question_s == pytest.approx(60)  # a fresh question
    assert left.session_s == pytest.approx(120 - 10)


async def test_session_budget_auto_submits_and_finishes():
    r = rig()
    await r.engine.start(timed(n_questions=3, per_question_s=60, session_budget_s=90))
    r.clock.advance(50)
    await r.engine.submit("cover=k1,k2,k3 完整的答案内容")
    r.engine.save_draft("cover=k1 第二题草稿内容")
    r.clock.advance(39)
    await r.engine.tick()
    assert r.engine.state.phase is Phase.ANSWERING
    assert [w.scope for w in r.of("time_warning")] == ["session"]  # 1 s of the session left, question ok
    r.clock.advance(1.5)
    await r.engine.tick()
    assert r.of("auto_submitted")[0].reason == "session_budget"
    finished = r.of("session_finished")
    assert len(finished) == 1 and finished[0].summary.reason == "time_up"
    assert len(finished[0].summary.turns) == 2
    assert r.engine.state.phase is Phase.FINISHED


async def test_practice_mode_has_no_clock():
    r = rig()
    await r.engine.start(SessionConfig(mode=SessionMode.PRACTICE, per_question_s=5, n_questions=1, seed=1))
    r.clock.advance(10_000)
    await r.engine.tick()
    assert r.engine.state.phase is Phase.ANSWERING
    left = r.engine.remaining_time()
    assert left.question_s is None and left.session_s is None


async def test_run_clock_auto_submits_when_time_passes():
    r = rig()
    await r.engine.start(timed(n_questions=1))
    ticking = asyncio.create_task(r.engine.run_clock(interval_s=1.0))
    for _ in range(2000):  # fake seconds pass while the engine's storage calls take real time
        if ticking.done():
            break
        r.clock.advance(1.0)
        await asyncio.sleep(0.001)
    await asyncio.wait_for(ticking, 1)
    assert r.engine.state.phase is Phase.FINISHED
    assert r.of("auto_submitted")[0].reason == "question_time"


async def test_clarification_time_counts():
    r = rig()
    await r.engine.start(timed(n_questions=1))
    r.clock.advance(5)
    assert await r.engine.submit("你是说训练阶段还是推理阶段？")
    assert r.engine.state.phase is Phase.ANSWERING
    assert r.of("clarification_answered")
    r.clock.advance(5)
    assert r.engine.remaining_time().question_s == pytest.approx(50)


async def test_a_clarification_still_streaming_at_the_time_limit_is_dropped():
    from tests.fakes.engine import ScriptedStream

    r = rig(clarifier=ScriptedStream(pieces=("按单卡", "推理场景", "回答即可。"), stall_s=0.1), stall_s=5)
    await r.engine.start(timed(n_questions=2))
    asking = asyncio.create_task(r.engine.ask_clarification("是指推理阶段吗？"))
    await asyncio.sleep(0.02)  # the reply has started streaming
    r.clock.advance(61)
    await r.engine.tick()
    assert await asking
    assert r.of("auto_submitted") and r.of("clarification_started")
    assert r.of("clarification_answered") == []  # the next question is on: the late reply is not shown
    assert r.engine.state.number == 2
