"""The shipped bank's new topics in the TUI, offline (the default): a timed interview on one new topic and a
drill on another run end to end with the real engine, the offline grader and the authored key points."""

from __future__ import annotations

from textual.widgets import SelectionList

from interviewer.app import make_app
from interviewer.config import Settings
from interviewer.screens.drill import DrillScreen
from interviewer.screens.home import HomeScreen
from interviewer.screens.interview import InterviewScreen
from interviewer.screens.summary import SummaryScreen
from interviewer.services.engine import api as ea
from interviewer.services.ui.facade import UiServices
from interviewer.widgets.answer_editor import AnswerEditor
from interviewer.widgets.grade_card import GradeCard
from question_bank import load_bank
from tests.functional.pilot import home_ready, wait_for


async def _answer_and_finish(pilot, screen: InterviewScreen) -> None:
    """Answer the current question with its own reference (a complete answer), then end the session."""
    await wait_for(pilot, lambda: screen.phase is ea.Phase.ANSWERING, timeout=20)
    screen.query_one(AnswerEditor).insert(screen.engine.state.current.question.reference or "")
    await pilot.press("ctrl+s")
    # Graded: either the card shows, or a follow-up on a missed point is being asked.
    def graded() -> bool:
        asking = screen.engine.state.follow_up_index >= 1 and screen.phase is ea.Phase.ANSWERING
        return bool(screen.query(GradeCard)) or asking

    await wait_for(pilot, graded, timeout=30)
    await pilot.press("ctrl+f")
    await wait_for(pilot, lambda: screen.summary is not None, timeout=20)


async def test_timed_interview_on_serving_then_drill_on_agents(repo, sqlite_url):
    bank = load_bank()
    services = UiServices(Settings(database_url=sqlite_url), repository=repo, bank=bank)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await home_ready(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        topics = home.query_one("#topics", SelectionList)
        topics.deselect_all()
        topics.select("serving")
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen), timeout=20)
        interview = app.screen
        await wait_for(pilot, lambda: interview.phase is ea.Phase.ANSWERING, timeout=20)
        question = interview.engine.state.current.question
        assert question.topic == "serving" and question.status == "authored"
        await _answer_and_finish(pilot, interview)
        timed_session = interview.session_id
        await pilot.press("enter")  # the end line's Enter: the session summary, then Esc to Home
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), timeout=20)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), timeout=20)

        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DrillScreen) and app.screen.ranked, timeout=20)
        drill = app.screen
        chosen = drill.query_one("#drill-topics", SelectionList)
        chosen.deselect_all()
        chosen.select("agents")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen), timeout=20)
        drilled = app.screen
        await wait_for(pilot, lambda: drilled.phase is ea.Phase.ANSWERING, timeout=20)
        assert drilled.engine.state.config.mode.value == "drill"
        assert drilled.engine.state.current.question.topic == "agents"
        await _answer_and_finish(pilot, drilled)
        drill_session = drilled.session_id
    assert repo.get_session(timed_session).mode.value == "timed"
    assert repo.get_session(drill_session).mode.value == "drill"
    for session_id, topic in ((timed_session, "serving"), (drill_session, "agents")):
        [turn] = [t for t in repo.turns_for_session(session_id) if t.parent_turn_id is None]
        assert bank.get(turn.question_id).topic == topic
        grade = turn.grades[0].grade
        assert grade.grader == "offline-v2" and grade.score is not None and grade.score >= 8
