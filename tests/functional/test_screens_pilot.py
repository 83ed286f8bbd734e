"""Pilot tests of each screen's main flow (except the interview: see test_interview_pilot.py)."""

from __future__ import annotations

import json

from textual.widgets import OptionList, SelectionList, Static

from interviewer.app import make_app
from interviewer.screens.drill import DrillScreen
from interviewer.screens.help import HelpScreen
from interviewer.screens.home import HomeScreen
from interviewer.screens.progress import ProgressScreen
from interviewer.screens.review import ReviewScreen, TurnBox
from interviewer.screens.settings import SettingsScreen
from interviewer.widgets.mastery_bars import MasteryBars


def text_of(widget: Static) -> str:
    """The plain text a Static was given (str, Rich Text or Content)."""
    content = widget.content
    return getattr(content, "plain", None) or str(content)


async def settle(pilot) -> None:
    """Wait for the screen's loaders (Home starts its loader after the first paint)."""
    await pilot.pause()
    for _ in range(500):
        if getattr(pilot.app.screen, "data", True) is not None:
            break
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_home_lists_topics_and_offline_status(services):
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        status = text_of(app.screen.query_one("#llm-status", Static))
        assert "Offline grader in use" in status
        topics = app.screen.query_one("#topics", SelectionList)
        assert topics.option_count == 3
        assert "Transformer 架构 (2)" in str(topics.get_option_at_index(0).prompt)


async def test_help_overlay_lists_screen_and_app_keys(services):
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict((what, keys) for keys, what in app.screen.rows)
        assert rows["Interview"] == "i" and rows["Review"] == "r" and rows["Theme"] == "^t"
        assert rows["Help"] == "f1 / ?"
        assert rows["Quit"] == "q / ^q"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_theme_toggle_switches_light_and_dark(services):
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        assert not app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark


async def test_review_self_grade_moves_due_date(seeded, repo):
    services, _ = seeded
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        sessions = app.screen.query_one("#session-list", OptionList)
        assert sessions.option_count == 2
        # Newest first: the second session; open the older one (PPO answer scored 3.0 -> Again, due soon).
        await pilot.press("down", "enter")
        await pilot.pause()
        boxes = list(app.screen.query(TurnBox))
        assert [b.view.question.id for b in boxes] == ["transformer-attn-a1b2c3", "rlhf-ppo-0a1b2c"]
        ppo = boxes[1].view
        assert len(ppo.exchanges) == 2 and ppo.exchanges[1].kind == "follow_up"
        due_before = repo.card("default", "rlhf-ppo-0a1b2c").due
        await pilot.press("n", "e")  # second question, self-grade Easy
        await pilot.pause()
        due_after = repo.card("default", "rlhf-ppo-0a1b2c").due
        assert due_after > due_before
        updated = list(app.screen.query(TurnBox))[1].view
        assert updated.self_grade == 9.5
        assert updated.due == due_after


async def test_review_flag_reference_and_export(seeded, repo, isolated_user_dirs):
    services, session_ids = seeded
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # newest session
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"参考答案漏了拼接投影")
        await pilot.press("enter")
        await pilot.pause()
        flags = repo.flagged_references()
        assert [(f.question_id, f.reason) for f in flags] == [
            ("transformer-mha-d4e5f6", "参考答案漏了拼接投影")
        ]
        await pilot.press("o")
        await pilot.pause()
    exported = isolated_user_dirs / "data" / "exports" / f"session-{session_ids[1][:8]}.json"
    data = json.loads(exported.read_text("utf-8"))
    assert data["session"]["id"] == session_ids[1]
    assert data["turns"][0]["reference_flagged"] is True
    assert data["turns"][1]["exchanges"][0]["answer"] == "It stores keys and values of past tokens."


async def test_drill_ranks_weak_topics_and_runs_a_drill(seeded, repo, bank):
    from interviewer.services.engine import api as ea
    from interviewer.services.ui.facade import UiServices
    from tests.fakes.clock import FakeClock
    from tests.fakes.ui import FIXED_NOW, ScriptedJudge, ScriptedLLM, grade, make_engine_factory

    seeded_services, _ = seeded
    judge = ScriptedJudge([grade(9.0, covered=("k1", "k2", "k3"), missed=(), grader="llm:scripted")])
    engines = make_engine_factory(repo, bank, judge, ScriptedLLM(), FakeClock(wall=FIXED_NOW))
    services = UiServices(seeded_services.settings, repository=repo, bank=bank, now=lambda: FIXED_NOW,
                          engine_factory=engines, seed=3)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        ranked = [m.slug for m in screen.ranked]
        assert ranked[0] == "rlhf"  # scored 3.0: the weakest graded topic
        assert ranked.index("rlhf") < ranked.index("transformer")
        assert "RLHF 与对齐" in text_of(screen.query_one(MasteryBars))
        topics = screen.query_one("#drill-topics", SelectionList)
        assert topics.selected[0] == "rlhf"  # the three weakest, preselected
        assert sorted(topics.selected) == ["inference", "rlhf", "transformer"]
        topics.deselect("transformer")
        topics.deselect("inference")
        await pilot.press("d")
        for _ in range(200):
            if getattr(app.screen, "phase", None) is ea.Phase.ANSWERING:
                break
            await pilot.pause(0.02)
        interview = app.screen
        assert interview.engine.state.config.mode.value == "drill"
        assert interview.engine.state.current.question.id == "rlhf-ppo-0a1b2c"
        interview.query_one("#answer").insert("KL 惩罚限制策略偏离参考模型，防止 reward hacking。")
        await pilot.press("ctrl+s")
        for _ in range(200):
            if interview.phase in (ea.Phase.BETWEEN, ea.Phase.FINISHED):
                break
            await pilot.pause(0.02)
        await pilot.press("ctrl+f")
        for _ in range(200):
            if interview.summary is not None:
                break
            await pilot.pause(0.02)
        session_id = interview.session_id
    record = repo.get_session(session_id)
    assert record.mode.value == "drill"
    assert repo.turns_for_session(session_id)[0].answer.startswith("KL 惩罚")


async def test_progress_shows_trend_and_agreement(seeded, repo):
    services, _ = seeded
    turn = next(t for t in repo.turns_for_session(seeded[1][0]) if t.parent_turn_id is None)
    repo.record_self_grade(turn.id, score=9.0)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)
        summary = text_of(app.screen.query_one("#progress-summary", Static))
        assert "2 sessions" in summary and "last mean 7.5/10" in summary
        assert "+2.5 on average over 1 answer" in summary
        await pilot.press("3")
        await pilot.pause()


async def test_settings_saved_to_config_file(services, isolated_user_dirs):
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.click("#llm--base_url")
        await pilot.press(*"http://127.0.0.1:9/v1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    text = (isolated_user_dirs / "config" / "config.toml").read_text("utf-8")
    assert 'base_url = "http://127.0.0.1:9/v1"' in text
    assert services.settings.llm.base_url == "http://127.0.0.1:9/v1"


async def test_home_reports_unreachable_llm(repo, bank, sqlite_url):
    from interviewer.config import LLMSettings, Settings
    from interviewer.services.ui.facade import UiServices

    settings = Settings(database_url=sqlite_url,
                        llm=LLMSettings(base_url="http://127.0.0.1:9/v1", model="qwen"))
    app = make_app(services=UiServices(settings, repository=repo, bank=bank), animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#llm-status", Static)
        assert "LLM qwen unreachable" in text_of(status) and "offline grader in use" in text_of(status)
        assert status.has_class("-offline")


async def test_home_reports_reachable_llm(repo, bank, sqlite_url):
    from interviewer.config import LLMSettings, Settings
    from interviewer.services.ui.facade import UiServices
    from interviewer.services.ui.models import LlmStatus

    async def probe(settings):
        return LlmStatus(offline=False, reachable=True, model=settings.llm.model)

    settings = Settings(database_url=sqlite_url,
                        llm=LLMSettings(base_url="http://127.0.0.1:9/v1", model="qwen"))
    services = UiServices(settings, repository=repo, bank=bank, llm_probe=probe)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#llm-status", Static)
        assert text_of(status).startswith("LLM qwen reachable")
        assert not status.has_class("-offline")


async def test_home_menu_works_with_arrows_and_enter(services):
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "menu"  # keyboard first: the menu has focus
        await pilot.press("down", "down", "down", "enter")  # Timed, Practice, Drill, Review
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


def test_answers_to_retired_questions_still_show_in_review(repo, sqlite_url):
    """A seed question merged into another during curation: its stored answers stay in the transcript (with
    the question text as asked) and count for the kept question's topic; a removed one shows without one."""
    from interviewer.config import Settings
    from interviewer.domain import RetiredQuestion
    from interviewer.services.ui.facade import UiServices
    from question_bank import Bank
    from tests.fakes.ui import FIXED_NOW, QUESTIONS, TOPICS, seed_history

    ids = seed_history(repo)
    kept = [q for q in QUESTIONS if q.id != "rlhf-ppo-0a1b2c"]
    merged = Bank(topics=TOPICS, questions=tuple(kept), retired=(
        RetiredQuestion(id="rlhf-ppo-0a1b2c", into="transformer-attn-a1b2c3", reason="合并"),))
    services = UiServices(Settings(database_url=sqlite_url), repository=repo, bank=merged,
                          now=lambda: FIXED_NOW)
    turns = services.transcript(ids[0]).turns
    asked = {t.question.id: t for t in turns}
    assert "transformer-attn-a1b2c3" in asked and len(turns) == 2  # the PPO answer resolved to the kept id
    assert any("PPO" in t.question.text for t in turns)  # shown as it was asked
    assert any(t.question.reference for t in turns)
    removed = Bank(topics=TOPICS, questions=tuple(kept), retired=(
        RetiredQuestion(id="rlhf-ppo-0a1b2c", reason="不是问题"),))
    services = UiServices(Settings(database_url=sqlite_url), repository=repo, bank=removed,
                          now=lambda: FIXED_NOW)
    shown = services.transcript(ids[0]).turns
    assert len(shown) == 2 and any(t.question.reference is None for t in shown)
