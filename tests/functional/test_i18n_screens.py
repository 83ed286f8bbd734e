"""The interface language (issue 14, item 1): every screen walked at zh and at en with the pilot.

At zh no English interface string of the catalogue may show untranslated; at en the English labels show.
The rest of the suite runs with the interface pinned to English (tests/conftest.py); these tests pin zh
or let the `language` setting decide, as the app does.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from textual.widgets import Select, SelectionList

from interviewer import i18n
from interviewer.app import make_app
from interviewer.config import Settings
from interviewer.services.engine import api as ea
from interviewer.services.ui.facade import UiServices
from interviewer.widgets.answer_editor import AnswerEditor
from tests.fakes.clock import FakeClock
from tests.fakes.ui import FIXED_NOW, ScriptedJudge, ScriptedLLM, grade, make_engine_factory, seed_history

LOCALE = Path(__file__).resolve().parents[2] / "interviewer" / "locale"
ZH_PO = LOCALE / "zh" / "LC_MESSAGES" / "interviewer.po"
SIZE = (180, 50)  # wide enough that no label of interest is cut off


def english_msgids() -> dict[str, str]:
    """Interface strings worth looking for in a rendered screen, with their zh translation: no placeholder
    (it would not show literally), longer than 3 characters, with letters, and translated differently."""
    with ZH_PO.open("rb") as file:
        catalog = read_po(file, locale="zh")
    found: dict[str, str] = {}
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or "{" in message.id:
            continue
        if len(message.id) > 3 and re.search(r"[A-Za-z]{3}", message.id) and message.string != message.id:
            found[message.id] = str(message.string)
    return found


def screen_text(app) -> str:
    """What the terminal shows now, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        await pilot.pause(0.02)


async def settle(pilot) -> None:
    await pilot.pause()
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "data", True) is not None)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)


def is_screen(app, name: str) -> bool:
    return type(app.screen).__name__ == name


def services_for(repo, bank, sqlite_url: str, language: str, grades=(), replies=()) -> UiServices:
    clock = FakeClock(wall=FIXED_NOW)
    return UiServices(
        Settings(database_url=sqlite_url, language=language), repository=repo, bank=bank,
        now=lambda: FIXED_NOW, seed=7,
        engine_factory=make_engine_factory(repo, bank, ScriptedJudge(list(grades)),
                                           ScriptedLLM(list(replies)), clock),
    )


async def walk(app) -> dict[str, str]:
    """Every screen once: Home, Help, Settings, Drill, Progress (3 tabs), Review list and transcript, an
    interview (question, follow-up graded, the quit dialog, finished), the summary. Returns their text."""
    shown: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown["home"] = screen_text(app)
        visits = (("question_mark", "help", "HelpScreen"), ("s", "settings", "SettingsScreen"),
                  ("d", "drill", "DrillScreen"))
        for key, name, loaded in visits:
            await pilot.press(key)
            await wait_for(pilot, lambda loaded=loaded: is_screen(app, loaded))
            await settle(pilot)
            shown[name] = screen_text(app)
            await pilot.press("escape")
            await wait_for(pilot, lambda: is_screen(app, "HomeScreen"))
        await pilot.press("g")
        await wait_for(pilot, lambda: is_screen(app, "ProgressScreen"))
        await settle(pilot)
        for tab in ("1", "2", "3"):
            await pilot.press(tab)
            await pilot.pause(0.1)
            shown[f"progress-{tab}"] = screen_text(app)
        await pilot.press("escape")
        await pilot.press("r")
        await wait_for(pilot, lambda: is_screen(app, "ReviewScreen"))
        await settle(pilot)
        shown["review-list"] = screen_text(app)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.screen.transcript is not None)
        await pilot.pause(0.1)
        shown["review-transcript"] = screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: is_screen(app, "HomeScreen"))

        app.screen.query_one("#topics", SelectionList).select("transformer")
        await pilot.press("i")
        await wait_for(pilot, lambda: getattr(app.screen, "phase", None) is ea.Phase.ANSWERING)
        screen = app.screen
        await pilot.pause(0.1)
        shown["interview-question"] = screen_text(app)
        screen.query_one(AnswerEditor).insert("方差会变大。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.ANSWERING
                       and screen.engine.state.follow_up_index)
        screen.query_one(AnswerEditor).insert("梯度变小。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.BETWEEN)
        await pilot.pause(0.1)
        shown["interview-graded"] = screen_text(app)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: is_screen(app, "ConfirmScreen"))
        await pilot.pause(0.1)
        shown["confirm-quit"] = screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.FINISHED and screen.summary is not None)
        await pilot.pause(0.1)
        shown["interview-finished"] = screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: is_screen(app, "SummaryScreen") and app.screen.data is not None)
        await pilot.pause(0.1)
        shown["summary"] = screen_text(app)
    return shown


async def resume_dialog(app) -> str:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: is_screen(app, "ResumeScreen"))
        await pilot.pause(0.1)
        return screen_text(app)


def start_unfinished_session(repo, bank) -> None:
    from interviewer.services.engine.api import SessionConfig

    engine = make_engine_factory(repo, bank, ScriptedJudge([]), ScriptedLLM(), FakeClock(wall=FIXED_NOW))()
    asyncio.run(engine.start(SessionConfig(topics=("rlhf",), n_questions=1, seed=1)))


GRADES = [grade(4.0, covered=("k1",), missed=("k2", "k3"), grader="llm:scripted", feedback="缺少梯度。"),
          grade(7.5, covered=("k2", "k3"), missed=(), grader="llm:scripted")]
FOLLOW_UP = ["softmax 饱和之后，梯度会怎样？"]

# Labels each screen must show (English source; at zh their translation must show instead).
EXPECTED = {
    "home": ["Timed interview", "Drill weak topics", "Topics (none selected = all)", "Min / question",
             "Quit"],
    "help": ["select topics in the list", "Interview", "Esc closes"],
    "settings": ["LLM endpoint", "Language", "Profile", "Save"],
    "drill": ["Weakest topics first (mastery, questions due)", "Start drill"],
    "progress-1": ["Score trend", "Model vs self"],
    "review-list": ["Choose a session on the left (Enter).", "Self-grade", "Flag reference"],
    "review-transcript": ["Reference answer", "Interviewer"],
    "interview-question": ["Submit / next", "I don't know", "End interview", "Question", "Session"],
    "interview-graded": ["Reference answer", "Interviewer", "Grade"],
    "confirm-quit": ["Keep going"],
    "summary": ["New session", "Missed most"],
}


@pytest.fixture
def walked(repo, bank, sqlite_url):
    """Walk all screens at one language (the setting decides, as in real use) and return the texts."""

    def run(language: str) -> dict[str, str]:
        i18n.pin_language(None)
        seed_history(repo)
        app = make_app(services=services_for(repo, bank, sqlite_url, language, GRADES, FOLLOW_UP),
                       animations=False)
        shown = asyncio.run(walk(app))
        start_unfinished_session(repo, bank)
        resumed = make_app(services=services_for(repo, bank, sqlite_url, language), animations=False)
        shown["resume"] = asyncio.run(resume_dialog(resumed))
        return shown

    return run


def test_every_screen_in_chinese_shows_no_untranslated_label(walked):
    shown = walked("zh")
    assert i18n.current_language() == "zh"
    catalogue = english_msgids()
    for name, text in shown.items():
        leftovers = [msgid for msgid in catalogue
                     if re.search(rf"(?<![A-Za-z]){re.escape(msgid)}(?![A-Za-z])", text)]
        assert not leftovers, f"{name} shows English interface text {leftovers}:\n{text}"
    for name, labels in EXPECTED.items():
        for label in labels:
            assert catalogue[label] in shown[name], f"{name} lacks {catalogue[label]!r} ({label!r})"
    assert "退出" in shown["home"] and "帮助" in shown["home"]  # the footer keys
    assert "继续" in shown["resume"] and "放弃" in shown["resume"]


def test_every_screen_in_english_shows_the_english_labels(walked):
    shown = walked("en")
    assert i18n.current_language() == "en"
    for name, labels in EXPECTED.items():
        for label in labels:
            assert label in shown[name], f"{name} lacks {label!r}:\n{shown[name]}"
    assert "Resume" in shown["resume"] and "Discard" in shown["resume"]
    assert not re.search(r"退出|帮助|提交|参考答案", "\n".join(shown.values()))


async def test_settings_switch_the_interface_language_at_once(services):
    """Saving another language in Settings rebuilds Home in it (keys in the footer included)."""
    i18n.pin_language(None)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "计时面试" in screen_text(app)  # the services' settings say zh
        await pilot.press("s")
        await wait_for(pilot, lambda: is_screen(app, "SettingsScreen"))
        app.screen.query_one("#language", Select).value = "en"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: is_screen(app, "HomeScreen"))
        await settle(pilot)
        text = screen_text(app)
        assert i18n.current_language() == "en"
        assert "Timed interview" in text and "Quit" in text and "计时面试" not in text



async def test_command_palette_entries_are_translated(services):
    """Textual's own commands (theme, quit, keys, screenshot) in the palette speak the interface language."""
    i18n.pin_language("zh")
    app = make_app(services=services, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"主题", "退出", "按键", "截图"} <= titles
        assert "命令面板" in screen_text(app)  # the footer's ^p palette


# --- snapshots of the Chinese interface (the rest of test_snapshots.py runs in English) ------------------


def test_home_zh(snap_compare, services):
    from tests.functional.test_snapshots import new_app
    from tests.functional.test_snapshots import settle as settle_home

    i18n.pin_language("zh")
    assert snap_compare(new_app(services), terminal_size=(80, 24), run_before=settle_home)


def test_interview_question_zh(snap_compare, repo, bank, sqlite_url):
    from tests.functional.test_snapshots import interview_app, until
    from tests.functional.test_snapshots import settle as settle_home

    i18n.pin_language("zh")
    app = interview_app(repo, bank, sqlite_url, [])

    async def ask(pilot):
        await settle_home(pilot)
        pilot.app.screen.query_one("#topics").select("transformer")
        await pilot.press("i")
        await until(pilot, lambda: getattr(pilot.app.screen, "phase", None) is ea.Phase.ANSWERING)
        pilot.app.screen.query_one(AnswerEditor).insert("缩放是为了让点积的方差不随维度 d_k 变大。")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=ask)
