"""The end of a session (issue 14, items 2 and 3): the summary screen and one session score everywhere."""

from __future__ import annotations

import io
import json

from textual.widgets import SelectionList, Static
from typer.testing import CliRunner

from interviewer.app import make_app
from interviewer.cli.main import app as cli
from interviewer.config import Settings
from interviewer.screens.home import HomeScreen
from interviewer.screens.interview import InterviewScreen
from interviewer.screens.review import ReviewScreen
from interviewer.screens.summary import SummaryScreen
from interviewer.services.engine import api as ea
from interviewer.services.ui.facade import UiServices
from interviewer.services.ui.transcript_export import to_dict, to_markdown
from interviewer.widgets.answer_editor import AnswerEditor
from interviewer.widgets.countdown import Countdown
from tests.fakes.clock import FakeClock
from tests.fakes.ui import FIXED_NOW, ScriptedJudge, ScriptedLLM, grade, make_engine_factory
from tests.functional.pilot import home_ready, wait_for


def static_text(screen, selector: str) -> str:
    """What a Static shows, as plain text (rich tables included)."""
    from rich.console import Console

    console = Console(width=120, record=True, file=io.StringIO())
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()


async def run_timed_session(pilot, clock) -> InterviewScreen:
    """Home → a timed session of 2 questions, 2 minutes each; the first answered, the second timed out."""
    app = pilot.app
    await home_ready(pilot)
    home = app.screen
    assert isinstance(home, HomeScreen)
    home.query_one("#topics", SelectionList).select("transformer")
    await pilot.click("#n-questions")
    await pilot.press("end", "backspace", "2", "tab", "end", "backspace", "2", "tab")
    await pilot.press("i")
    await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen)
                   and app.screen.phase is ea.Phase.ANSWERING)
    screen: InterviewScreen = app.screen
    screen.query_one(AnswerEditor).insert("点积的方差随维度增大。")
    clock.advance(30)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: screen.phase is ea.Phase.BETWEEN)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.phase is ea.Phase.ANSWERING and screen.engine.state.number == 2)
    screen.query_one(AnswerEditor).insert("多个头。")
    await pilot.pause()
    clock.advance(121)  # time runs out: the engine submits the draft and the session ends
    await wait_for(pilot, lambda: screen.summary is not None)
    return screen


async def test_timed_session_ends_on_the_summary(repo, bank, sqlite_url):
    clock = FakeClock(wall=FIXED_NOW)
    judge = ScriptedJudge([
        grade(4.0, covered=("k1",), missed=("k2", "k3"), grader="llm:scripted"),
        grade(9.0, covered=("k1", "k2", "k3"), missed=(), grader="llm:scripted"),
    ])
    services = UiServices(Settings(database_url=sqlite_url, max_follow_ups=0), repository=repo, bank=bank,
                          now=lambda: FIXED_NOW, seed=7,
                          engine_factory=make_engine_factory(repo, bank, judge, ScriptedLLM(), clock))
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await run_timed_session(pilot, clock)
        # The finished interview says so: no answer box, no "untimed" clock, the one session score.
        assert not screen.query_one(AnswerEditor).display
        session_clock = str(screen.query_one("#session-clock", Countdown).render())
        assert "untimed" not in session_clock and "2:30" in session_clock and "4:00" in session_clock
        notices = " ".join(str(n.render()) for n in screen.transcript.query(".notice"))
        assert "6.5/10 (2 of 2 graded)" in notices, notices
        session_id = screen.session_id

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.screen.data is not None)
        summary: SummaryScreen = app.screen
        view = summary.data
        assert view is not None and view.session.id == session_id
        assert [(q.number, q.score) for q in view.questions] == [(1, 4.0), (2, 9.0)]
        assert view.questions[1].status is ea.AnswerStatus.AUTO_SUBMITTED
        assert view.budget_s == 240 and round(view.time_used_s) == 150
        topics = [(t.name, t.questions, t.graded, t.mean) for t in view.topics]
        assert topics == [("Transformer 架构", 2, 2, 6.5)]
        assert [count for _point, count in view.missed_most] == [1, 1]
        assert view.drill_next  # what a drill would start with
        table = static_text(summary, "#summary-questions")
        assert "4.0" in table and "9.0" in table and view.questions[0].text[:8] in table
        assert "2:30 of 4:00" in static_text(summary, "#summary-time")
        assert "6.5/10 (2 of 2 graded)" in static_text(summary, "#summary-score")

        # Review opens this session's transcript; Esc comes back to the summary.
        await pilot.click("#summary-review")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen)
                       and app.screen.transcript is not None)
        review: ReviewScreen = app.screen
        assert review.transcript is not None and review.transcript.session.id == session_id
        assert "6.5/10 (2 of 2 graded)" in static_text(review, "#review-score")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is summary)

        # New session: the same kind of session starts at once.
        judge.grades.append(grade(5.0, grader="llm:scripted"))
        await pilot.click("#summary-new")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen)
                       and app.screen.phase is ea.Phase.ANSWERING)
        again: InterviewScreen = app.screen
        assert again.session_id != session_id
        assert again.engine.state.config.n_questions == 2 and again.engine.state.config.per_question_s == 120
        assert [type(s).__name__ for s in app.screen_stack] == ["Screen", "HomeScreen", "InterviewScreen"]


async def test_one_session_score_everywhere(repo, bank, sqlite_url, services):
    """Model grades make the session score; a self-grade is shown beside it and never changes it; an
    all-ungraded session has no score and says so."""
    from interviewer.domain import Verdict
    from tests.fakes.ui import seed_history

    first, _second = seed_history(repo)  # 6.5 and 3.0; 8.0 and 7.0
    turns = [t for t in repo.turns_for_session(first) if t.parent_turn_id is None]
    services.self_grade(turns[1].id, turns[1].question_id, score=10.0)
    item = next(s for s in services.list_sessions() if s.id == first)
    assert item.score.mean == 4.75 and item.score.self_mean == 10.0 and item.score.graded == 2
    assert item.label.endswith(" 4.8")  # 4.75 → 4.8, unchanged by the self-grade
    view = services.transcript(first)
    assert view.session.score == item.score
    markdown = to_markdown(view)
    assert "session score: 4.8/10 (2 of 2 graded) · self-grades 10.0/10" in markdown
    assert to_dict(view)["session"]["mean_score"] == 4.75
    assert to_dict(view)["session"]["score"]["self_mean"] == 10.0
    listed = CliRunner().invoke(cli, ["--db", sqlite_url, "review"])
    assert listed.exit_code == 0, listed.output
    assert next(line for line in listed.stdout.splitlines() if line.startswith(first[:12])).endswith(" 4.8")
    as_json = json.loads(CliRunner().invoke(cli, ["--db", sqlite_url, "review", "--export", "json"]).stdout)
    assert next(s for s in as_json if s["id"] == first)["score"]["mean"] == 4.75

    # A session with no model score at all: 0 of 2 graded, not "2/2 graded, mean –".
    record = repo.start_session("default", "practice", {"n_questions": 2}, FIXED_NOW)
    for question in bank.questions[:2]:
        turn = repo.add_turn(record.id, question.id, question.text)
        repo.submit_answer(turn.id, "不知道参考答案的题。", 10.0, FIXED_NOW)
        repo.record_grade(turn.id, grade(5.0).model_copy(update={"score": None, "verdict": Verdict.UNGRADED}),
                          FIXED_NOW)
    repo.finish_session(record.id, FIXED_NOW)
    ungraded = services.transcript(record.id).session.score
    assert ungraded.describe() == "– (0 of 2 graded · 2 ungraded)"
