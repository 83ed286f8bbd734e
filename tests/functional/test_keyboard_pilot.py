"""Keyboard on Home and in an interview (issue 14 item 6), driven with Pilot on the real engine."""

from __future__ import annotations

from textual.widgets import Collapsible, Input
from textual.widgets._footer import FooterKey

from interviewer.app import make_app
from interviewer.config import Settings
from interviewer.screens.drill import DrillScreen
from interviewer.screens.home import HomeScreen
from interviewer.screens.interview import InterviewScreen
from interviewer.services.engine import api as ea
from interviewer.services.ui.facade import UiServices
from interviewer.widgets.answer_editor import AnswerEditor
from tests.fakes.clock import FakeClock
from tests.fakes.ui import FIXED_NOW, ScriptedJudge, ScriptedLLM, grade, make_engine_factory
from tests.functional.pilot import home_ready, start_interview, wait_for


def make_services(repo, bank, sqlite_url, judge=None) -> UiServices:
    clock = FakeClock(wall=FIXED_NOW)
    factory = make_engine_factory(repo, bank, judge or ScriptedJudge([]), ScriptedLLM(), clock)
    return UiServices(Settings(database_url=sqlite_url), repository=repo, bank=bank, now=lambda: FIXED_NOW,
                      engine_factory=factory)


def footer_keys(app) -> list[tuple[str, str]]:
    return [(key.key_display, key.description) for key in app.screen.query(FooterKey)]


async def test_menu_keys_work_with_focus_in_a_number_field(repo, bank, sqlite_url):
    app = make_app(services=make_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await home_ready(pilot)
        app.screen.query_one("#minutes", Input).focus()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen))
        assert app.screen.config is not None and app.screen.config.mode is ea.SessionMode.PRACTICE


async def test_enter_in_a_number_field_starts_the_interview(repo, bank, sqlite_url):
    app = make_app(services=make_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await home_ready(pilot)
        await pilot.click("#n-questions")
        await pilot.press("end", "backspace", "2", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen))
        assert app.screen.config is not None and app.screen.config.n_questions == 2
        assert app.screen.config.mode is ea.SessionMode.TIMED


async def test_fields_remember_the_last_values_across_launches(repo, bank, sqlite_url):
    app = make_app(services=make_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await home_ready(pilot)
        await pilot.click("#n-questions")
        await pilot.press("end", "backspace", "4", "tab", "end", "backspace", "2", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen))
    app = make_app(services=make_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: any(isinstance(s, HomeScreen) and s.data for s in app.screen_stack))
        home = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
        assert home.query_one("#n-questions", Input).value == "4"
        assert home.query_one("#minutes", Input).value == "2"


async def test_zero_questions_is_refused_with_a_message(repo, bank, sqlite_url):
    app = make_app(services=make_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await home_ready(pilot)
        await pilot.click("#n-questions")
        await pilot.press("end", "backspace", "0", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]
        assert any("1 to 50" in m for m in messages), messages
        assert app.screen.query_one("#n-questions", Input).value == "0"  # not silently changed


async def test_home_footer_shows_one_quit_key(repo, bank, sqlite_url):
    app = make_app(services=make_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await home_ready(pilot)
        await pilot.pause()
        quits = [key for key, what in footer_keys(app) if what == "Quit"]
        assert len(quits) == 1, footer_keys(app)


async def test_enter_on_the_reference_answer_opens_it(repo, bank, sqlite_url):
    judge = ScriptedJudge([grade(9.0, covered=("k1", "k2", "k3"), missed=(), grader="llm:scripted")] * 3)
    app = make_app(services=make_services(repo, bank, sqlite_url, judge), animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_interview(pilot)
        screen.query_one(AnswerEditor).insert("点积方差随维度增大，softmax 饱和，缩放后方差约为 1。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.BETWEEN)
        collapsible = screen.query_one(Collapsible)
        assert collapsible.collapsed
        collapsible.query_one("CollapsibleTitle").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not collapsible.collapsed
        assert screen.phase is ea.Phase.BETWEEN and screen.engine.state.number == 1


async def test_one_escape_in_the_editor_leaves_as_the_footer_says(repo, bank, sqlite_url):
    app = make_app(services=make_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await home_ready(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen)
                       and app.screen.phase is ea.Phase.ANSWERING)
        assert isinstance(app.focused, AnswerEditor)
        assert ("esc", "Back to Home") in footer_keys(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("y")
        # Home (it may offer to resume the session just left, on top of itself)
        await wait_for(pilot, lambda: not any(isinstance(s, InterviewScreen) for s in app.screen_stack))
        assert isinstance(app.screen_stack[1], HomeScreen)


async def test_escape_from_a_drill_interview_says_and_goes_back_to_drill(repo, bank, sqlite_url):
    app = make_app(services=make_services(repo, bank, sqlite_url), animations=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await home_ready(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DrillScreen) and bool(app.screen.ranked))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen)
                       and app.screen.phase is ea.Phase.ANSWERING)
        keys = footer_keys(app)
        assert ("esc", "Back to Drill") in keys, keys
        await pilot.press("f1")
        await pilot.pause()
        rows = dict((what, key) for key, what in app.screen.rows)
        assert rows.get("Back to Drill") == "esc" and "Back to Home" not in rows, rows
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, DrillScreen))
