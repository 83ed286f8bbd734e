"""The grade card agrees with itself (issue 14, item 7): one set of point states, the question's band after a
follow-up, the real grader's name."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App, ComposeResult
from textual.widgets import Static

from interviewer.app import make_app
from interviewer.domain import Grade, Verdict
from interviewer.grading.feedback import FeedbackFacts, write_feedback
from interviewer.services.engine import api as ea
from interviewer.widgets.answer_editor import AnswerEditor
from interviewer.widgets.grade_card import GradeCard
from tests.fakes.clock import FakeClock
from tests.fakes.ui import FIXED_NOW, QUESTIONS, ScriptedJudge, ScriptedLLM, grade
from tests.functional.pilot import start_interview, wait_for
from tests.functional.test_interview_pilot import interview_services


class CardApp(App[None]):
    def __init__(self, card: GradeCard) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        yield self.card


def shown(card: GradeCard) -> str:
    """The card's text as printed (its points table included)."""
    console = Console(width=100, record=True, file=io.StringIO())
    for static in card.query(Static):
        console.print(static.content)
    return console.export_text()


async def test_marks_and_missed_list_come_from_the_same_point_states():
    question = QUESTIONS[0]
    texts = [kp.text for kp in question.key_points]
    # The grade after a follow-up: every point covered, but the first answer's feedback listed 2 missed.
    stale = write_feedback(FeedbackFacts(language="zh", covered=(texts[0],), missed=tuple(texts[1:]),
                                         score=4))
    assert "遗漏" in stale
    merged = Grade(score=8.5, verdict=Verdict.STRONG, covered=("k1", "k2", "k3"), missed=(),
                   grader="offline-v2", feedback=stale, confidence=0.9,
                   note="merged with 1 follow-up answer(s)")
    async with CardApp(GradeCard(question, merged, show_reference=False)).run_test() as pilot:
        text = shown(pilot.app.card)
        assert text.count("✓") == 3 and "✗" not in text
        assert "遗漏" not in text and "Missed" not in text
        assert "建议" in text  # the rest of the feedback stays

    partial = grade(4.0, covered=("k1",), missed=("k3",), grader="offline-v2")  # k2 named nowhere: missed
    async with CardApp(GradeCard(question, partial, show_reference=False)).run_test() as pilot:
        text = shown(pilot.app.card)
        assert text.count("✓") == 1 and text.count("✗") == 2
        assert "Missed 2 of 3 key points." in text


async def test_a_follow_up_that_covers_its_point_shows_the_question_band(repo, bank, sqlite_url):
    clock = FakeClock(wall=FIXED_NOW)
    judge = ScriptedJudge([
        grade(4.0, covered=("k1",), missed=("k2", "k3"), grader="llm:scripted"),
        grade(4.0, covered=("k2",), missed=(), grader="llm:scripted"),  # the follow-up alone: WEAK
        grade(4.0, covered=("k3",), missed=(), grader="llm:scripted"),
    ])
    services = interview_services(repo, bank, sqlite_url, clock, judge, ScriptedLLM(["追问一？", "追问二？"]))
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_interview(pilot)
        screen.query_one(AnswerEditor).insert("第一次回答。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.engine.state.follow_up_index == 1
                       and screen.phase is ea.Phase.ANSWERING)
        screen.query_one(AnswerEditor).insert("追问的回答，覆盖了要点。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("Follow-up 1" in str(n.render())
                                          for n in screen.transcript.query(".notice")))
        notice = next(str(n.render()) for n in screen.transcript.query(".notice")
                      if "Follow-up 1" in str(n.render()))
        question_grade = screen.engine.state.current.grade
        assert question_grade is not None and question_grade.score == 6.25
        assert "✓" in notice and "6.2/10  ADEQUATE" in notice and "WEAK" not in notice


async def test_i_dont_know_is_graded_by_the_sessions_grader_not_engine(repo, bank, sqlite_url):
    clock = FakeClock(wall=FIXED_NOW)
    services = interview_services(repo, bank, sqlite_url, clock, ScriptedJudge([]), ScriptedLLM())
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_interview(pilot)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: bool(screen.query(GradeCard)))
        card = screen.query_one(GradeCard)
        assert card.grade.score == 0 and card.grade.grader == "llm:scripted"
        assert "LLM judge (scripted)" in shown(card) and "engine" not in shown(card)
        session_id = screen.session_id
    stored = [g.grade.grader for t in repo.turns_for_session(session_id) for g in t.grades]
    assert stored == ["llm:scripted"]
