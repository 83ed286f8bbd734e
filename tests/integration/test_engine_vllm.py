"""End to end against the real CPU vLLM server: a timed session with LLM grading and streamed follow-ups.

The tiny random-weight model says nonsense; the point is the protocol: schema-constrained grades, streamed
follow-ups sharing the judge's prompt prefix, fallbacks when its output is unusable, and storage of it all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.db.repository import open_repository
from interviewer.history import SessionMode, SessionState
from interviewer.services.engine.api import Phase, SessionConfig
from interviewer.services.engine.factory import make_engine
from question_bank import load_bank
from tests.fakes.clock import FakeClock

pytestmark = pytest.mark.vllm


async def test_a_full_timed_session_with_follow_ups_against_vllm(vllm_server, tmp_path: Path):
    bank = load_bank()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'vllm.sqlite3'}", profile="e2e",
                        llm=vllm_server.llm_settings(max_tokens=128, judge_max_tokens=512))
    repository = open_repository(settings.database_url)
    clock = FakeClock()
    engine = make_engine(settings, bank=bank, repository=repository, clock=clock)
    events = []
    engine.add_listener(events.append)
    # Questions with many key points: a random judge is all but sure to miss some, so follow-ups come.
    rich = sorted((q for q in bank.questions if len(q.key_points) >= 4), key=lambda q: q.id)[:3]
    config = SessionConfig(mode=SessionMode.TIMED, question_ids=tuple(q.id for q in rich), per_question_s=600,
                           seed=1, max_follow_ups=1, auto_advance=True)
    session_id = await engine.start(config)
    while engine.state.phase is Phase.ANSWERING:
        clock.advance(30)
        question = engine.state.current.question
        await engine.submit((question.reference or "")[:120], clarify=False)
    await engine.close()

    kinds = [e.kind for e in events]
    assert kinds[-1] == "session_finished" and events[-1].summary.reason == "completed"
    assert kinds.count("turn_completed") == 3
    assert "follow_up_asked" in kinds, "no follow-up was asked"
    assert "follow_up_token" in kinds
    grades = [e.grade for e in events if e.kind == "answer_graded"]
    assert any(g.grader == f"llm:{vllm_server.model}" for g in grades)  # at least one real LLM grade
    assert all(e.text.strip() for e in events if e.kind == "follow_up_asked")

    record = repository.get_session(session_id)
    assert record.state is SessionState.FINISHED
    stored = repository.turns_for_session(session_id)
    assert len([t for t in stored if t.parent_turn_id is None]) == 3
    assert len([t for t in stored if t.parent_turn_id]) == kinds.count("follow_up_asked")
    assert all(t.submitted and t.grades for t in stored)
    for turn in stored:
        reference = bank.get(turn.question_id).reference or ""
        if turn.prompt:
            assert reference[:24] not in turn.prompt  # never the reference in a follow-up
