"""Snapshot tests (pytest-textual-snapshot) of every screen at 80×24 and 120×40, with Chinese text.

Deterministic: a fixed bank and history, a fixed 'now', a fake engine clock, animations off.
Update after an intended UI change with `pytest tests/functional/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from interviewer.app import make_app
from interviewer.config import Settings
from interviewer.services.engine import api as ea
from interviewer.services.ui.facade import UiServices
from interviewer.widgets.answer_editor import AnswerEditor
from tests.fakes.clock import FakeClock
from tests.fakes.ui import FIXED_NOW, ScriptedJudge, ScriptedLLM, grade, make_engine_factory


def new_app(services):
    return make_app(services=services, animations=False)


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def settle(pilot) -> None:
    """Wait for the screen's loaders (Home starts its loader after the first paint)."""
    await pilot.pause()
    for _ in range(500):
        if getattr(pilot.app.screen, "data", True) is not None:
            break
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def visit(*keys: str):
    """run_before: wait for the home screen, press `keys`, then wait for the new screen's loaders."""

    async def run(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run


async def until(pilot, condition, limit: int = 400) -> None:
    for _ in range(limit):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app did not reach the expected state")


def interview_app(repo, bank, sqlite_url, judge_grades, replies=()):
    clock = FakeClock(wall=FIXED_NOW)
    services = UiServices(
        Settings(database_url=sqlite_url), repository=repo, bank=bank, now=lambda: FIXED_NOW, seed=7,
        engine_factory=make_engine_factory(repo, bank, ScriptedJudge(judge_grades),
                                           ScriptedLLM(list(replies)), clock),
    )
    return new_app(services)


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, services, size):
    assert snap_compare(new_app(services), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_home_light_theme(snap_compare, services, size):
    async def light(pilot):
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()

    assert snap_compare(new_app(services), terminal_size=size, run_before=light)


@pytest.mark.parametrize("size", SIZES)
def test_help_overlay(snap_compare, services, size):
    assert snap_compare(new_app(services), terminal_size=size,
                        run_before=visit("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_interview_question(snap_compare, repo, bank, sqlite_url, size):
    app = interview_app(repo, bank, sqlite_url, [])

    async def ask(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("#topics").select("transformer")
        await pilot.press("i")
        await until(pilot, lambda: getattr(pilot.app.screen, "phase", None) is ea.Phase.ANSWERING)
        pilot.app.screen.query_one(AnswerEditor).insert("缩放是为了让点积的方差不随维度 d_k 变大。")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ask)


@pytest.mark.parametrize("size", SIZES)
def test_interview_graded_with_follow_up(snap_compare, repo, bank, sqlite_url, size):
    grades = [grade(4.0, covered=("k1",), missed=("k2", "k3"), grader="llm:scripted",
                    feedback="缺少梯度的讨论。"),
              grade(7.5, covered=("k2", "k3"), missed=(), grader="llm:scripted")]
    app = interview_app(repo, bank, sqlite_url, grades, ["softmax 饱和之后，梯度会怎样？"])

    async def answer(pilot):
        await settle(pilot)
        await pilot.press("i")
        screen = pilot.app.screen
        await until(pilot, lambda: getattr(pilot.app.screen, "phase", None) is ea.Phase.ANSWERING)
        screen = pilot.app.screen
        screen.query_one(AnswerEditor).insert("方差会变大。")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.phase is ea.Phase.ANSWERING and screen.engine.state.follow_up_index)
        screen.query_one(AnswerEditor).insert("梯度变小，<b>训练</b> [red]变慢[/red]。")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.phase is ea.Phase.BETWEEN)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=answer)


@pytest.mark.parametrize("size", SIZES)
def test_confirm_quit(snap_compare, repo, bank, sqlite_url, size):
    app = interview_app(repo, bank, sqlite_url, [])

    async def quit_(pilot):
        await settle(pilot)
        await pilot.press("i")
        await until(pilot, lambda: getattr(pilot.app.screen, "phase", None) is ea.Phase.ANSWERING)
        await until(pilot, lambda: bool(pilot.app.screen.query(".question")))
        await pilot.pause(0.2)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmScreen")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=size, run_before=quit_)


@pytest.mark.parametrize("size", SIZES)
def test_review_transcript(snap_compare, seeded, size):
    services, _ = seeded

    async def open_older(pilot):
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)  # the transcript loads in a thread

    assert snap_compare(new_app(services), terminal_size=size, run_before=open_older)


@pytest.mark.parametrize("size", SIZES)
def test_drill(snap_compare, seeded, size):
    services, _ = seeded
    assert snap_compare(new_app(services), terminal_size=size, run_before=visit("d"))


@pytest.mark.parametrize("size", SIZES)
def test_progress(snap_compare, seeded, size):
    services, _ = seeded
    assert snap_compare(new_app(services), terminal_size=size, run_before=visit("g"))


@pytest.mark.parametrize("size", SIZES)
def test_progress_mastery(snap_compare, seeded, size):
    """The mastery tab: one text bar per topic, named as Home names it."""
    services, _ = seeded
    assert snap_compare(new_app(services), terminal_size=size, run_before=visit("g", "2"))


@pytest.mark.parametrize("size", SIZES)
def test_settings(snap_compare, services, size):
    assert snap_compare(new_app(services), terminal_size=size, run_before=visit("s"))


@pytest.mark.parametrize("size", SIZES)
def test_resume_prompt(snap_compare, repo, bank, sqlite_url, size):
    """An unfinished session (started at a fixed time) is offered for resuming on start-up."""
    import asyncio

    from interviewer.services.engine.api import SessionConfig

    clock = FakeClock(wall=FIXED_NOW)
    engine = make_engine_factory(repo, bank, ScriptedJudge([]), ScriptedLLM(), clock)()
    asyncio.run(engine.start(SessionConfig(topics=("rlhf",), n_questions=1, seed=1)))
    app = interview_app(repo, bank, sqlite_url, [])

    async def offered(pilot):
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "ResumeScreen")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=size, run_before=offered)
