"""The UI contract: events in order, persisted first, wrong-phase actions ignored, finish/close, fallbacks."""

from __future__ import annotations

import asyncio

from interviewer.history import SessionMode, SessionState
from interviewer.llm.errors import LLMTimeout
from interviewer.services.engine.api import EngineAPI, Phase, SessionConfig
from tests.fakes.engine import ScriptedGrader, rig


def config(**overrides) -> SessionConfig:
    values = {"mode": SessionMode.TIMED, "n_questions": 2, "per_question_s": 300.0, "seed": 4,
              "max_follow_ups": 0, "topics": ("rag",)}
    return SessionConfig(**{**values, **overrides})


async def test_engine_satisfies_the_ui_contract():
    assert isinstance(rig().engine, EngineAPI)


async def test_events_iterator_sees_every_event_and_ends_after_the_session():
    r = rig()
    stream = r.engine.events()
    received: list[str] = []

    async def consume():
        async for event in stream:
            received.append(event.kind)

    consumer = asyncio.create_task(consume())
    await r.engine.start(config())
    await r.engine.submit("score=7 第一题的回答内容")
    assert r.engine.state.phase is Phase.BETWEEN  # waits for next_question() without auto_advance
    assert await r.engine.next_question()
    await r.engine.submit("score=7 第二题的回答内容")
    await asyncio.wait_for(consumer, 1)
    assert received == r.kinds()
    assert received[0] == "session_started" and received[-1] == "session_finished"
    assert received.count("turn_completed") == 2


async def test_each_event_is_persisted_before_it_is_sent():
    r = rig()
    seen: list[tuple[str, list[str]]] = []
    r.engine.add_listener(lambda event: seen.append((event.kind, list(r.store.calls))))
    await r.engine.start(config(n_questions=1))
    await r.engine.submit("score=7 回答内容")
    by_kind = dict(seen)
    assert by_kind["question_asked"][-1] == "add_turn"
    assert by_kind["answer_graded"][-1] == "record_grade"
    assert by_kind["session_finished"][-1] == "finish_session"
    assert r.store.get_session(r.engine.state.session_id).state is SessionState.FINISHED


async def test_a_failing_listener_does_not_break_the_session():
    r = rig()

    def broken(event):
        raise RuntimeError("UI bug")

    r.engine.add_listener(broken)
    await r.engine.start(config(n_questions=1))
    await r.engine.submit("score=7 回答内容")
    assert r.engine.state.phase is Phase.FINISHED


async def test_actions_in_the_wrong_phase_are_ignored():
    r = rig()
    assert not await r.engine.submit("too early")
    await r.engine.start(config())
    results = await asyncio.gather(r.engine.submit("score=7 回答内容"), r.engine.submit("score=7 双击提交"))
    assert results == [True, False]  # a double key press submits once
    assert len(r.of("answer_graded")) == 1
    assert not await r.engine.skip()  # BETWEEN: nothing to skip
    assert not await r.engine.ask_clarification("是指什么？")


async def test_finish_early_keeps_answers_and_ends_the_session():
    r = rig()
    session_id = await r.engine.start(config(n_questions=3, auto_advance=True))
    await r.engine.submit("score=7 回答内容")
    r.engine.save_draft("没写完")
    summary = await r.engine.finish()
    assert summary is not None and summary.reason == "stopped" and len(summary.turns) == 1
    assert r.store.get_session(session_id).state is SessionState.FINISHED
    pending = [t for t in r.store.turns.values() if not t.submitted]
    assert pending and pending[0].draft == "没写完"
    assert await r.engine.finish() is None


async def test_grader_failure_falls_back_to_the_offline_grader_and_says_so():
    clock_rig = rig()
    offline = ScriptedGrader(name="offline")
    r = rig(clock=clock_rig.clock, grader=ScriptedGrader(fail_with=LLMTimeout("no reply in 60 s")),
            fallback_grader=offline, offline=False)
    await r.engine.start(config(n_questions=1))
    await r.engine.submit("cover=k1 回答内容")
    fell = r.of("grader_fell_back")
    assert len(fell) == 1 and fell[0].reason == "timeout"
    grade = r.of("answer_graded")[0].grade
    assert "llm_fallback" in grade.flags and grade.covered == ("k1",)
    assert offline.calls


async def test_state_snapshot_tracks_the_session():
    r = rig()
    await r.engine.start(config(n_questions=2, auto_advance=True))
    state = r.engine.state
    assert (state.phase, state.number, state.total, state.follow_up_index) == (Phase.ANSWERING, 1, 2, 0)
    assert state.current.question.topic == "rag" and state.remaining.question_s == 300
    r.engine.save_draft("草稿")
    assert r.engine.state.draft == "草稿"


async def test_follow_up_events_come_after_the_grade_they_follow():
    from tests.fakes.engine import ScriptedStream

    r = rig(follow_ups=ScriptedStream(pieces=("为什么", "这样", "设计？")))
    seen: list[tuple[str, list[str]]] = []
    r.engine.add_listener(lambda event: seen.append((event.kind, list(r.store.calls))))
    await r.engine.start(config(n_questions=1, max_follow_ups=1))
    await r.engine.submit("cover=k1 只答了一点")
    order = [kind for kind, _ in seen if kind != "follow_up_token"]
    assert order[order.index("answer_graded"):] == ["answer_graded", "follow_up_started", "follow_up_asked"]
    kinds = [kind for kind, _ in seen]
    assert kinds.index("follow_up_token") > kinds.index("follow_up_started")
    calls_at = dict(seen)
    assert calls_at["answer_graded"].count("record_grade") == 1  # stored before it was shown
    assert calls_at["follow_up_asked"][-1] == "add_turn"


async def test_finish_while_a_follow_up_is_being_written_completes_the_turn():
    from tests.fakes.engine import ScriptedStream

    r = rig(follow_ups=ScriptedStream(pieces=("为什么",), stall_s=0.2), stall_s=5)
    await r.engine.start(config(n_questions=3, max_follow_ups=1, auto_advance=True))
    submitting = asyncio.create_task(r.engine.submit("cover=k1 只答了一点"))
    while r.engine.state.phase is not Phase.ASKING:
        await asyncio.sleep(0.01)
    summary = await asyncio.wait_for(r.engine.finish(), 2)
    await submitting
    assert summary.reason == "stopped" and len(summary.turns) == 1
    assert summary.turns[0].grade.covered == ("k1",)
    assert r.engine.state.phase is Phase.FINISHED
    assert r.of("follow_up_asked") == [] and len(r.of("question_asked")) == 1


async def test_finish_while_answering_a_follow_up_counts_the_graded_main_answer():
    from tests.fakes.engine import ScriptedStream

    r = rig(follow_ups=ScriptedStream(pieces=("为什么？",)))
    await r.engine.start(config(n_questions=3, max_follow_ups=2))
    await r.engine.submit("score=4 cover=k1 只答了一点")
    assert r.engine.state.follow_up_index == 1 and r.engine.state.phase is Phase.ANSWERING
    summary = await r.engine.finish()
    assert summary is not None and len(summary.turns) == 1
    assert summary.turns[0].grade.covered == ("k1",) and summary.mean_score is not None
