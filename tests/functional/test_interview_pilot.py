"""A full timed interview in the TUI, driven with Pilot, on the real engine with a scripted LLM and judge."""

from __future__ import annotations

import asyncio

from textual import events
from textual.widgets import Collapsible, SelectionList

from interviewer.app import make_app
from interviewer.config import Settings
from interviewer.history import SessionState
from interviewer.screens.home import HomeScreen
from interviewer.screens.interview import InterviewScreen
from interviewer.services.engine import api as ea
from interviewer.services.ui.facade import UiServices
from interviewer.widgets.answer_editor import AnswerEditor
from interviewer.widgets.countdown import Countdown
from interviewer.widgets.grade_card import GradeCard
from tests.fakes.clock import FakeClock
from tests.fakes.ui import FIXED_NOW, ScriptedJudge, ScriptedLLM, grade, make_engine_factory
from tests.functional.pilot import home_ready, start_interview, wait_for

FOLLOW_UP = "那 softmax 饱和以后，梯度会怎样？为什么？"


def interview_services(repo, bank, sqlite_url, clock, judge, llm) -> UiServices:
    return UiServices(Settings(database_url=sqlite_url), repository=repo, bank=bank, now=lambda: FIXED_NOW,
                      engine_factory=make_engine_factory(repo, bank, judge, llm, clock))


async def test_timed_interview_two_questions_with_follow_up(repo, bank, sqlite_url):
    clock = FakeClock(wall=FIXED_NOW)
    judge = ScriptedJudge([
        grade(4.0, covered=("k1",), missed=("k2", "k3"), grader="llm:scripted"),  # Q1: weak -> follow-up
        grade(7.0, covered=("k2", "k3"), missed=(), grader="llm:scripted"),  # the follow-up answer
        grade(9.0, covered=("k1", "k2", "k3"), missed=(), grader="llm:scripted"),  # Q2: strong, no follow-up
    ])
    llm = ScriptedLLM([FOLLOW_UP])
    services = interview_services(repo, bank, sqlite_url, clock, judge, llm)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await home_ready(pilot)
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.query_one("#topics", SelectionList).select("transformer")
        await pilot.click("#n-questions")
        await pilot.press("end", "backspace", "2", "tab", "end", "backspace", "2", "tab")  # 2 q, 2 min each
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen))
        screen: InterviewScreen = app.screen
        await wait_for(pilot, lambda: screen.phase is ea.Phase.ANSWERING)
        assert screen.engine.state.config.n_questions == 2
        assert screen.engine.state.config.per_question_s == 120
        question1 = screen.engine.state.current.question
        assert question1.topic == "transformer"
        # The countdown shows the engine's time: nothing has passed on the fake clock.
        assert "2:00" in str(screen.query_one("#question-clock", Countdown).content)
        assert not screen.query(GradeCard) and not screen.query(Collapsible)  # no reference before grading

        editor = screen.query_one(AnswerEditor)
        editor.insert("点积的方差随维度增大，所以要缩放。")
        clock.advance(30)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.engine.state.follow_up_index == 1
                       and screen.phase is ea.Phase.ANSWERING)
        assert FOLLOW_UP in screen.transcript.query_one(".follow-up").source
        assert not screen.query(GradeCard)  # still no reference during the follow-up

        editor.insert("梯度会变得很小，训练变慢。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.BETWEEN)
        card = screen.query_one(GradeCard)
        assert card.question.id == question1.id and card.grade.grader == "llm:scripted"
        assert screen.query_one(Collapsible).title == "Reference answer"

        await pilot.press("enter")  # next question
        await wait_for(pilot, lambda: screen.phase is ea.Phase.ANSWERING and screen.engine.state.number == 2)
        question2 = screen.engine.state.current.question
        assert question2.id != question1.id
        # Type a draft, then let the time run out: the engine submits it.
        editor.insert("多个头关注不同子空间。")
        await pilot.pause()
        clock.advance(121)
        await wait_for(pilot, lambda: len(screen.query(GradeCard)) == 2)
        # The last question's grade ends the session by itself (no key: Ctrl+S would then mean "to Home").
        await wait_for(pilot, lambda: screen.summary is not None)
        assert screen.summary is not None and screen.summary.reason == "completed"
        assert not screen.quit_guard()
        session_id = screen.session_id
        await pilot.press("enter")  # the summary, then Esc: Home
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SummaryScreen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))

    assert judge.answers == [
        "点积的方差随维度增大，所以要缩放。", "梯度会变得很小，训练变慢。", "多个头关注不同子空间。"
    ]
    assert repo.get_session(session_id).state is SessionState.FINISHED
    turns = repo.turns_for_session(session_id)
    main = [t for t in turns if t.parent_turn_id is None]
    follow = [t for t in turns if t.parent_turn_id is not None]
    assert [t.answer for t in main] == ["点积的方差随维度增大，所以要缩放。", "多个头关注不同子空间。"]
    assert [t.prompt for t in follow] == [FOLLOW_UP] and follow[0].answer == "梯度会变得很小，训练变慢。"
    assert all(t.grades for t in turns)


async def test_submit_typed_right_after_the_answer_keeps_every_character(repo, bank, sqlite_url):
    """Keys that reach the app in one burst (fast typing, a terminal paste) then Ctrl+S: the submitted answer
    is all of them: Ctrl+S must not overtake the keys still queued for the editor."""
    clock = FakeClock(wall=FIXED_NOW)
    judge = ScriptedJudge([grade(9.0, missed=(), grader="llm:scripted")])
    services = interview_services(repo, bank, sqlite_url, clock, judge, ScriptedLLM([]))
    app = make_app(services=services, animations=False)
    answer = "Sentence permutation 打乱句子顺序"
    async with app.run_test(size=(100, 30)) as pilot:
        await home_ready(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen)
                       and app.screen.phase is ea.Phase.ANSWERING)
        keys = [events.Key("space" if c == " " else c, c) for c in answer] + [events.Key("ctrl+s", None)]
        for key in keys:  # all queued before any is handled, as when the terminal delivers them at once
            key.set_sender(app)
            app._driver.send_message(key)
        await wait_for(pilot, lambda: judge.answers)
    assert judge.answers == [answer]


async def test_quit_mid_interview_asks_and_resume_is_offered(repo, bank, sqlite_url):
    clock = FakeClock(wall=FIXED_NOW)
    judge = ScriptedJudge([grade(9.0, missed=(), grader="llm:scripted")])
    services = interview_services(repo, bank, sqlite_url, clock, judge, ScriptedLLM())
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_interview(pilot)
        screen.query_one(AnswerEditor).insert("半截草稿")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("n")  # keep going
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running)
    session = repo.unfinished_session("default")
    assert session is not None
    turns = repo.turns_for_session(session.id)
    assert turns[0].draft == "半截草稿" and turns[0].answer is None

    # Reopening offers to resume; accepting restores the draft.
    app = make_app(services=interview_services(repo, bank, sqlite_url, clock, judge, ScriptedLLM()),
                   animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ResumeScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen)
                       and app.screen.phase is ea.Phase.ANSWERING)
        assert app.screen.query_one(AnswerEditor).text == "半截草稿"
        assert app.screen.session_id == session.id


async def test_keys_are_handled_while_a_follow_up_streams(repo, bank, sqlite_url):
    """A slow stream must not block the UI: help opens at once while tokens are still arriving."""
    clock = FakeClock(wall=FIXED_NOW)
    judge = ScriptedJudge([grade(3.0, missed=("k2", "k3"), grader="llm:scripted")])
    gate = asyncio.Event()

    class SlowLLM(ScriptedLLM):
        async def stream_chat(self, messages, **_):
            yield "请解释"
            await gate.wait()
            yield "一下为什么？"

    services = interview_services(repo, bank, sqlite_url, clock, judge, SlowLLM())
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_interview(pilot)
        screen.query_one(AnswerEditor).insert("不知道怎么说")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.ASKING)
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        gate.set()
        await wait_for(pilot, lambda: screen.phase is ea.Phase.ANSWERING)
        assert "请解释一下为什么？" in screen.transcript.query_one(".follow-up").source


async def test_practice_skip_and_dont_know(repo, bank, sqlite_url):
    clock = FakeClock(wall=FIXED_NOW)
    judge = ScriptedJudge([])  # neither a skip nor "I don't know" reaches the judge
    services = interview_services(repo, bank, sqlite_url, clock, judge, ScriptedLLM())
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_ready(pilot)
        await pilot.click("#n-questions")
        await pilot.press("end", "backspace", "2")
        await pilot.press("tab", "tab")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen)
                       and app.screen.phase is ea.Phase.ANSWERING)
        screen = app.screen
        assert "untimed" in str(screen.query_one("#question-clock", Countdown).content)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.BETWEEN)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.ANSWERING and screen.engine.state.number == 2)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.summary is not None or screen.phase is ea.Phase.BETWEEN)
        if screen.phase is ea.Phase.BETWEEN:
            await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.summary is not None)
        session_id = screen.session_id
    assert judge.answers == []
    main = [t for t in repo.turns_for_session(session_id) if t.parent_turn_id is None]
    assert len(main) == 2
    dont_know = main[1].effective_grade.grade
    assert dont_know.score == 0


async def test_clarifying_question_is_answered_and_the_clock_keeps_running(repo, bank, sqlite_url):
    clock = FakeClock(wall=FIXED_NOW)
    services = interview_services(repo, bank, sqlite_url, clock, ScriptedJudge([]), ScriptedLLM())
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_interview(pilot)
        before = screen.engine.remaining_time().question_s
        screen.query_one(AnswerEditor).insert("是指训练阶段还是推理阶段？")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: bool(screen.transcript.query(".follow-up"))
                       and not screen.transcript.streaming)
        bubble = screen.transcript.query_one(".follow-up")
        assert bubble.source.startswith("**Interviewer (clarification):**")
        assert screen.phase is ea.Phase.ANSWERING and screen.engine.state.number == 1
        assert screen.query_one(AnswerEditor).text == ""
        clock.advance(10)
        assert screen.engine.remaining_time().question_s == before - 10


async def test_follow_up_answer_covering_its_point_turns_it_covered(repo, sqlite_url):
    """Offline, with an authored key point: the template asks the point's own follow-up, the follow-up answer
    is graded against that point only, the point turns ✓ and the question's score goes up."""
    from interviewer.domain import KeyPoint
    from interviewer.grading.offline import OfflineGrader
    from question_bank import Bank
    from tests.fakes.ui import QUESTIONS, TOPICS

    points = (
        KeyPoint(id="k1", claim="点积的方差随维度 d_k 线性增大", accept=("方差随维度增大", "方差变大", "variance grows"),
                 follow_up="除以 √d_k 之前，点积的数值分布有什么问题？"),
        KeyPoint(id="k2", claim="softmax 饱和，梯度变得很小", accept=("softmax 饱和", "梯度很小", "梯度消失"),
                 follow_up="如果不缩放，softmax 和它的梯度会怎样？"),
    )
    question = QUESTIONS[0].model_copy(update={"key_points": points, "status": "authored", "kind": "explain",
                                               "citations": ("Vaswani et al. 2017",)})
    bank = Bank(topics=TOPICS[:1], questions=(question,))
    clock = FakeClock(wall=FIXED_NOW)
    from interviewer.services.engine.interview import InterviewEngine

    services = UiServices(Settings(database_url=sqlite_url), repository=repo, bank=bank, now=lambda: FIXED_NOW,
                          engine_factory=lambda: InterviewEngine(bank=bank, store=repo, grader=OfflineGrader(),
                                                                 clock=clock))
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_interview(pilot)
        editor = screen.query_one(AnswerEditor)
        editor.insert("因为点积的方差会随着维度变大，所以要除以根号 d_k 把它缩回来。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.engine.state.follow_up_index == 1
                       and screen.phase is ea.Phase.ANSWERING)
        turn = screen.engine.state.current
        before = turn.grade  # the question's grade after the main answer
        assert before is not None and before.covered == ("k1",) and before.missed == ("k2",)
        asked = screen.transcript.query_one(".follow-up").source
        assert "softmax 和它的梯度会怎样" in asked  # the authored follow-up of the missed point
        editor.insert("不缩放的话数值太大，softmax 会饱和成接近 one-hot，反向传播时梯度很小，训练很慢。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(screen.query(GradeCard)) >= 1)
        after = screen.query(GradeCard).last().grade  # the card shows the question's merged grade
        assert after.covered == ("k1", "k2") and after.missed == ()
        assert after.score is not None and before.score is not None and after.score > before.score
        assert turn.question.id == question.id
