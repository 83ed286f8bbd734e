"""The engine against a fault-injecting fake OpenAI server: the session always continues, events say why."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.config import LLMSettings, Settings
from interviewer.db.repository import open_repository
from interviewer.history import SessionMode, SessionState
from interviewer.services.engine.api import Phase, SessionConfig
from interviewer.services.engine.factory import make_engine
from question_bank import load_bank
from tests.fakes.clock import FakeClock
from tests.fakes.fake_openai_server import Fault

OK = Fault.slow(0.0)  # a normal reply: a placeholder to aim the next fault at a later request


@pytest.fixture(scope="module")
def bank():
    return load_bank()


async def run_session(server, bank, tmp_path: Path, *faults: Fault):
    """Two timed questions with one follow-up each; requests go judge, follow-up, judge, ... in order."""
    server.script(*faults)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'faults.sqlite3'}", profile="faults",
        llm=LLMSettings(base_url=server.base_url, api_key=server.api_key, model=server.model,
                        read_timeout_s=1.0, max_retries=0),
    )
    repository = open_repository(settings.database_url)
    clock = FakeClock()
    engine = make_engine(settings, bank=bank, repository=repository, clock=clock, stall_s=0.5)
    events = []
    engine.add_listener(events.append)
    config = SessionConfig(mode=SessionMode.TIMED, topics=("fine-tuning",), n_questions=2, per_question_s=300,
                           seed=3, max_follow_ups=1, auto_advance=True)
    session_id = await engine.start(config)
    while engine.state.phase is Phase.ANSWERING:
        clock.advance(15)
        await engine.submit("微调是在预训练模型的基础上，用特定任务的数据继续训练，调整参数以适应下游任务。")
    await engine.close()
    assert engine.state.phase is Phase.FINISHED
    record = repository.get_session(session_id)
    assert record.state is SessionState.FINISHED
    stored = repository.turns_for_session(session_id)
    assert len(stored) == 4 and all(t.submitted and t.grades for t in stored)
    return events


def kinds(events, kind):
    return [e for e in events if e.kind == kind]


@pytest.mark.parametrize(("fault", "reason"), [
    (Fault.http_error(500), "server_error"),
    (Fault.invalid_json(), "invalid_output"),
    (Fault.stall(3.0), "timeout"),
])
async def test_judge_failures_fall_back_to_the_offline_grader(fake_openai_server, bank, tmp_path, fault,
                                                              reason):
    events = await run_session(fake_openai_server, bank, tmp_path, fault, fault)  # the judge retries once
    fell = kinds(events, "grader_fell_back")
    assert len(fell) == 1 and reason in fell[0].reason
    first = kinds(events, "answer_graded")[0].grade
    assert first.grader == "offline-v2" and "llm_fallback" in first.flags  # the shipped key: keyed path
    later = kinds(events, "answer_graded")[1:]
    assert later and all(g.grade.grader.startswith("llm:") for g in later)  # the next calls use the model


async def test_a_follow_up_that_stalls_mid_stream_is_replaced_by_the_template(fake_openai_server, bank,
                                                                              tmp_path):
    events = await run_session(fake_openai_server, bank, tmp_path, OK,
                               Fault.stall_mid_stream(after_chunks=2, seconds=5))
    fell = kinds(events, "fell_back")
    assert len(fell) == 1 and fell[0].component == "follow_up" and fell[0].reason in ("stalled", "timeout")
    asked = kinds(events, "follow_up_asked")
    assert [a.source for a in asked] == ["template", "llm"]
    assert kinds(events, "follow_up_token")  # the first chunks had been streamed before the stall


async def test_a_follow_up_endpoint_error_falls_back(fake_openai_server, bank, tmp_path):
    events = await run_session(fake_openai_server, bank, tmp_path, OK, Fault.http_error(503))
    assert [(f.component, f.reason) for f in kinds(events, "fell_back")] == [("follow_up", "server_error")]


async def test_slow_tokens_still_stream_and_too_slow_ones_fall_back(fake_openai_server, bank, tmp_path):
    # judge, follow-up (slow), judge of its answer, judge of question 2, follow-up (too slow)
    events = await run_session(fake_openai_server, bank, tmp_path, OK, Fault.slow(0.05), OK, OK,
                               Fault.slow(0.8))
    asked = kinds(events, "follow_up_asked")
    assert [a.source for a in asked] == ["llm", "template"]
    assert asked[0].text == "这是 一个 追问： 为什么 需要 缩放？"
    assert [f.reason for f in kinds(events, "fell_back")] == ["stalled"]
    assert len(kinds(events, "follow_up_token")) > 3
