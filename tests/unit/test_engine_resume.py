"""A crashed session resumes where it stopped: a new engine on the same storage picks it up."""

from __future__ import annotations

import pytest

from interviewer.history import SessionMode
from interviewer.services.engine.api import AnswerStatus, EngineError, Phase, SessionConfig
from tests.fakes.engine import ScriptedGrader, rig


class SimulatedCrash(BaseException):
    """Not an Exception: nothing in the engine catches it, like a process dying."""


def timed(**overrides) -> SessionConfig:
    values = {"mode": SessionMode.TIMED, "n_questions": 3, "per_question_s": 120.0, "seed": 9,
              "max_follow_ups": 1, "auto_advance": True, "topics": ("attention",)}
    return SessionConfig(**{**values, **overrides})


def restart(old):
    """A fresh engine on the same store and clock, as after a crash (the old engine is just dropped)."""
    return rig(old.bank, store=old.store, clock=old.clock)


async def test_resume_mid_answer_restores_draft_time_and_history():
    r = rig()
    session_id = await r.engine.start(timed())
    await r.engine.submit("cover=k1,k2,k3 完整正确的回答")
    second = r.engine.state.current
    r.clock.advance(30)
    r.engine.save_draft("cover=k1 写了一半的第二题答案")
    await r.engine.flush()  # the background autosave lands
    r.clock.advance(10)
    r.engine.save_draft("cover=k1 写了一半的第二题答案，还在写")  # too soon for another autosave
    # ... and the process dies here

    again = restart(r)
    assert [s.session_id for s in again.engine.resumable_sessions()] == [session_id]
    await again.engine.resume(session_id)
    asked = again.of("question_asked")
    assert len(asked) == 1 and asked[0].turn_id == second.turn_id
    assert asked[0].draft == "cover=k1 写了一半的第二题答案"
    state = again.engine.state
    assert state.phase is Phase.ANSWERING and state.number == 2 and state.draft == asked[0].draft
    assert [t.question.id for t in state.turns] == [r.engine.state.turns[0].question.id]
    assert state.turns[0].grade.score == 10
    assert again.engine.remaining_time().question_s == pytest.approx(90)  # 30 s typed before the autosave
    await again.engine.submit(state.draft)
    assert again.engine.state.phase is Phase.ANSWERING  # a follow-up on the missed points
    await again.engine.submit("cover=k2 补充")
    await again.engine.submit("cover=k1,k2,k3 第三题完整回答")
    summary = again.of("session_finished")[0].summary
    assert len(summary.turns) == 3 and summary.reason == "completed"
    asked_ids = [t.question.id for t in summary.turns]
    assert len(set(asked_ids)) == 3  # no question asked twice across the crash


async def test_same_seed_resume_continues_the_same_selection():
    straight = rig()
    await straight.engine.start(timed(max_follow_ups=0))
    for _ in range(3):
        await straight.engine.submit("score=6 普通的回答内容")
    expected = [e.question.id for e in straight.of("question_asked")]

    r = rig()
    session_id = await r.engine.start(timed(max_follow_ups=0))
    await r.engine.submit("score=6 普通的回答内容")
    again = restart(r)
    await again.engine.resume(session_id)
    for _ in range(2):
        await again.engine.submit("score=6 普通的回答内容")
    resumed = [t.question.id for t in again.of("session_finished")[0].summary.turns]
    assert resumed == expected


async def test_resume_after_a_crash_while_grading_grades_the_stored_answer():
    r = rig()
    r.grader.fail_with = SimulatedCrash()  # dies mid-grading, after the answer was committed
    session_id = await r.engine.start(timed(max_follow_ups=0))
    first = r.engine.state.current.turn_id
    with pytest.raises(SimulatedCrash):
        await r.engine.submit("cover=k1,k2 第一题的回答")
    assert r.store.turns[first].answer == "cover=k1,k2 第一题的回答"

    again = rig(r.bank, store=r.store, clock=r.clock, grader=ScriptedGrader())
    await again.engine.resume(session_id)
    graded = again.of("answer_graded")
    assert graded and graded[0].grade.covered == ("k1", "k2")
    assert again.engine.state.number == 2 and again.engine.state.phase is Phase.ANSWERING


async def test_resume_a_pending_follow_up():
    r = rig()
    session_id = await r.engine.start(timed(n_questions=1))
    await r.engine.submit("cover=k1 只答了一点")
    follow_up = r.of("follow_up_asked")[0]
    again = restart(r)
    await again.engine.resume(session_id)
    assert [e.turn_id for e in again.of("follow_up_asked")] == [follow_up.turn_id]
    assert again.engine.state.follow_up_index == 1
    await again.engine.submit("cover=k2 补充第二点")
    turn = again.of("session_finished")[0].summary.turns[0]
    assert turn.follow_ups[0].status is AnswerStatus.ANSWERED and turn.grade.covered == ("k1", "k2")


async def test_finished_and_unknown_sessions_do_not_resume():
    r = rig()
    session_id = await r.engine.start(timed(n_questions=1, max_follow_ups=0))
    await r.engine.submit("score=6 普通的回答内容")
    assert r.engine.state.phase is Phase.FINISHED
    with pytest.raises(EngineError, match="finished"):
        await restart(r).engine.resume(session_id)
    with pytest.raises(EngineError, match="no session"):
        await restart(r).engine.resume("nope")
    assert restart(r).engine.resumable_sessions() == []


async def test_close_keeps_the_session_resumable_with_its_draft():
    r = rig()
    session_id = await r.engine.start(timed())
    r.engine.save_draft("刚开始写")
    await r.engine.close()
    assert r.store.turns[r.engine.state.current.turn_id].draft == "刚开始写"
    again = restart(r)
    await again.engine.resume(session_id)
    assert again.engine.state.draft == "刚开始写"
