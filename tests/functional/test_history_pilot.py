"""Issue 14: mastery that means something and a history that is yours, in the TUI (Pilot).

Review deletes a session after a confirmation and Drill stops counting it; the Resume dialog on Home offers
Discard, says what happens to the answers, and never pops up over keys the user is already typing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import OptionList, Static

from interviewer import i18n
from interviewer.app import make_app
from interviewer.config import Settings
from interviewer.history import SessionState
from interviewer.screens.confirm import ConfirmScreen
from interviewer.screens.drill import DrillScreen
from interviewer.screens.home import HomeScreen
from interviewer.screens.resume import ResumeScreen
from interviewer.screens.review import ReviewScreen
from interviewer.services.engine.api import SessionConfig
from interviewer.services.ui.facade import UiServices
from interviewer.widgets.mastery_bars import MasteryBars
from tests.fakes.clock import FakeClock
from tests.fakes.ui import FIXED_NOW, ScriptedJudge, ScriptedLLM, grade, make_engine_factory


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """These tests read the English source strings, whatever the settings' language."""
    i18n.pin_language("en")
    yield
    i18n.reset()


def text_of(widget: Static) -> str:
    content = widget.content
    return getattr(content, "plain", None) or str(content)


async def until(pilot: Any, condition: Any, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        await pilot.pause(0.02)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await until(pilot, lambda: getattr(pilot.app.screen, "data", True) is not None)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_review_deletes_a_session_after_confirmation_and_drill_forgets_it(seeded, repo):
    services, ids = seeded
    older, newer = ids
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = {m.slug: m for m in services.weakest_topics()}
        assert before["rlhf"].answers == 1 and before["rlhf"].is_new  # one answer: `new`, no number
        assert before["transformer"].answers == 2 and before["transformer"].mastery is not None
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("down")  # the older session: transformer 6.5, rlhf 3.0 with a follow-up
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "cannot be undone" in text_of(app.screen.query_one("#dialog-question", Static))
        await pilot.press("n")  # keep it
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert len(repo.list_sessions("default")) == 2

        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen)
                    and app.screen.query_one("#session-list", OptionList).option_count == 1)
        assert [s.id for s in repo.list_sessions("default")] == [newer]
        assert repo.card("default", "rlhf-ppo-0a1b2c") is None  # its only answer is gone
        assert repo.card("default", "transformer-attn-a1b2c3") is None

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        after = {m.slug: m for m in app.screen.ranked}
        assert after["rlhf"].answers == 0 and after["rlhf"].mastery is None  # not practised any more
        assert after["transformer"].answers == 1 and after["transformer"].is_new
        assert "new · 1 answer" in text_of(app.screen.query_one(MasteryBars))
    assert older not in {s.id for s in repo.list_sessions("default")}


async def _unfinished(repo: Any, bank: Any, answered: bool) -> str:
    """An interrupted two-question session, its first question answered and graded or not."""
    engine = make_engine_factory(repo, bank, ScriptedJudge([grade(2.0)]), ScriptedLLM(),
                                 FakeClock(wall=FIXED_NOW))()
    session_id = await engine.start(SessionConfig(topics=("rlhf", "transformer"), n_questions=2,
                                                  max_follow_ups=0, seed=1))
    if answered:
        await engine.submit("KL 让策略不偏离参考模型。", clarify=False)
    return session_id


def _services(repo: Any, bank: Any, sqlite_url: str, cls: type[UiServices] = UiServices) -> UiServices:
    return cls(Settings(database_url=sqlite_url), repository=repo, bank=bank, now=lambda: FIXED_NOW,
               engine_factory=make_engine_factory(repo, bank, ScriptedJudge([]), ScriptedLLM(),
                                                  FakeClock(wall=FIXED_NOW)))


async def test_resume_discard_keeps_answered_questions_and_says_so(repo, bank, sqlite_url):
    session_id = await _unfinished(repo, bank, answered=True)
    app = make_app(services=_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeScreen))
        text = text_of(app.screen.query_one("#dialog-question", Static))
        assert "1/2 answered" in text and "stays in Review" in text
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(pilot)
        assert app.screen.data is not None and app.screen.data.resumable == []
    record = repo.get_session(session_id)
    assert record.state is SessionState.ABANDONED  # ended, not deleted: the answer is still there
    assert any(t.answer for t in repo.turns_for_session(session_id))
    assert repo.unfinished_session("default") is None


async def test_resume_discard_deletes_a_session_with_nothing_answered(repo, bank, sqlite_url):
    session_id = await _unfinished(repo, bank, answered=False)
    app = make_app(services=_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeScreen))
        assert "nothing in it was answered" in text_of(app.screen.query_one("#dialog-question", Static))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(pilot)
    assert session_id not in {s.id for s in repo.list_sessions("default")}


async def test_resume_dialog_does_not_take_keys_typed_before_it_appears(repo, bank, sqlite_url):
    session_id = await _unfinished(repo, bank, answered=True)
    gate = threading.Event()

    class SlowServices(UiServices):
        def resumable_sessions(self) -> Any:
            gate.wait(10)  # storage is slow today: the user starts typing before Home has its data
            return super().resumable_sessions()

    app = make_app(services=_services(repo, bank, sqlite_url, SlowServices), animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("down", "down")  # moving in the menu: these keys belong to Home
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # no dialog over what the user is doing
        assert app.screen.query_one("#menu", OptionList).highlighted == 2  # the keys took effect
        await pilot.press("y")  # would have resumed the session had the dialog popped up
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("u")  # the notification says how to get the dialog
        await until(pilot, lambda: isinstance(app.screen, ResumeScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
    assert repo.get_session(session_id).state is SessionState.ACTIVE  # nothing decided for the user


async def test_progress_says_new_for_a_topic_answered_once(seeded):
    from interviewer.screens.progress import ProgressScreen

    services, _ = seeded
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)
        await pilot.press("2")
        await pilot.pause()
        bars = text_of(app.screen.query_one("#progress-mastery", MasteryBars))
        rlhf = next(line for line in bars.splitlines() if "RLHF" in line)
        assert "new · 1 answer" in rlhf and "%" not in rlhf  # one answer (3.0/10): no number yet
        transformer = next(line for line in bars.splitlines() if "Transformer" in line)
        assert "%" in transformer
