"""Interview: question, countdowns, answer editor, streamed follow-ups and grade cards.

The engine does the work (timing, grading, follow-ups, persistence). This screen queues the user's
actions for one worker that awaits the engine, and renders engine events, which arrive as messages, so
the event loop is never blocked and keys pressed while a reply streams are handled at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TextArea

from interviewer.screens.host import host
from interviewer.services.engine import api as ea
from interviewer.widgets.answer_editor import AnswerEditor
from interviewer.widgets.countdown import Countdown
from interviewer.widgets.grade_card import grade_summary
from interviewer.widgets.transcript import Transcript

Action = Callable[[], Awaitable[object]]
CLOCK_INTERVAL_S = 0.25


class EngineMessage(Message):
    """One engine event, delivered to the screen's message queue in order."""

    def __init__(self, event: ea.EngineEvent) -> None:
        super().__init__()
        self.event = event


class InterviewScreen(Screen[None]):
    """Runs one session (new or resumed) until it finishes or the user leaves."""

    HELP_TITLE = "Interview"
    BINDINGS = [
        # Not priority bindings: the editor (TextArea binds none of these keys) must handle every key typed
        # before them first, or a fast typist's or a terminal paste's last characters would miss the answer.
        Binding("ctrl+s", "submit", "Submit / next"),
        Binding("ctrl+n", "skip", "Skip"),
        Binding("ctrl+g", "dont_know", "I don't know"),
        Binding("ctrl+r", "clarify", "Ask to clarify"),
        Binding("ctrl+f", "finish", "End interview"),
        Binding("escape", "leave", "Back to Home"),
        Binding("enter", "next", "Next question", show=False),
    ]

    def __init__(self, config: ea.SessionConfig | None = None, resume_id: str | None = None) -> None:
        super().__init__()
        self.config = config
        self.resume_id = resume_id
        self.engine: ea.EngineAPI | None = None
        self.session_id: str | None = resume_id
        self.summary: ea.SessionSummary | None = None
        self._actions: asyncio.Queue[Action] = asyncio.Queue()
        self._unsubscribe: Callable[[], None] | None = None
        self._closed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="clock-bar"):
            yield Static("Starting…", id="progress-label", markup=False)
            yield Countdown("Question", self._question_time, id="question-clock")
            yield Countdown("Session", self._session_time, id="session-clock")
        yield Transcript(id="transcript")
        yield AnswerEditor(id="answer")
        yield Footer()

    # --- time sources for the countdowns (the engine owns the clock) ---------------------------------

    def _question_time(self) -> tuple[float | None, float | None]:
        if self.engine is None:
            return None, None
        left = self.engine.remaining_time()
        if self.engine.state.phase is not ea.Phase.ANSWERING:
            return None, left.question_limit_s  # paused: the interviewer's time is not charged
        return left.question_s, left.question_limit_s

    def _session_time(self) -> tuple[float | None, float | None]:
        if self.engine is None or self.engine.state.phase in (ea.Phase.IDLE, ea.Phase.FINISHED):
            return None, None
        left = self.engine.remaining_time()
        return left.session_s, left.session_limit_s

    # --- lifecycle -----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.editor.read_only = True
        try:
            self.engine = host(self).services.new_engine()
        except Exception as error:  # broken bank or database: say so and go back
            self.notify(f"{type(error).__name__}: {error}", title="Cannot start", severity="error")
            self._closed = True
            self.app.pop_screen()
            return
        def relay(event: ea.EngineEvent) -> None:
            self.post_message(EngineMessage(event))

        self._unsubscribe = self.engine.add_listener(relay)
        self.enqueue(self._start)
        self.run_actions()

    async def _start(self) -> None:
        assert self.engine is not None
        try:
            if self.resume_id:
                await self.engine.resume(self.resume_id)
            else:
                await self.engine.start(self.config or ea.SessionConfig())
        except ea.EngineError as error:
            self.notify(str(error), title="Cannot start", severity="error")
            self.app.pop_screen()
            return
        if self.engine.state.config and self.engine.state.config.timed:
            self.run_clock()

    @work(exclusive=True, group="interview-actions", exit_on_error=False)
    async def run_actions(self) -> None:
        """The single worker that awaits engine actions in the order the user asked for them."""
        while True:
            action = await self._actions.get()
            try:
                await action()
            except Exception as error:  # keep the interview alive; the engine has persisted its state
                self.notify(f"{type(error).__name__}: {error}", title="Engine error", severity="error")

    @work(exclusive=True, group="interview-clock", exit_on_error=False)
    async def run_clock(self) -> None:
        """Let the engine check its limits a few times a second, in real time whatever its clock is
        (a test's fake clock only moves when the test says so)."""
        engine = self.engine
        assert engine is not None
        while not self._closed and engine.state.phase is not ea.Phase.FINISHED:
            await engine.tick()
            await asyncio.sleep(CLOCK_INTERVAL_S)

    def enqueue(self, action: Action) -> None:
        self._actions.put_nowait(action)

    @property
    def editor(self) -> AnswerEditor:
        return self.query_one("#answer", AnswerEditor)

    @property
    def transcript(self) -> Transcript:
        return self.query_one("#transcript", Transcript)

    @property
    def phase(self) -> ea.Phase:
        return self.engine.state.phase if self.engine is not None else ea.Phase.IDLE

    def quit_guard(self) -> bool:
        """True while leaving would interrupt a session (the app then asks before quitting)."""
        return self.phase not in (ea.Phase.IDLE, ea.Phase.FINISHED) and not self._closed

    async def close_session(self) -> None:
        """Persist the draft and time spent; the session stays resumable."""
        if self.engine is None or self._closed:
            return
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
        editors = self.query(AnswerEditor)  # empty once the screen's children are gone
        if editors and self.phase is ea.Phase.ANSWERING:
            self.engine.save_draft(editors.first().text)
        await self.engine.close()

    async def on_unmount(self) -> None:
        await self.close_session()

    # --- user actions ----------------------------------------------------------------------------------

    def _answering(self) -> bool:
        if self.phase is ea.Phase.ANSWERING:
            return True
        if self.phase in (ea.Phase.GRADING, ea.Phase.ASKING):
            self.notify("The interviewer is busy; one moment.", timeout=2)
        return False

    async def _say(self, text: str) -> None:
        self.editor.read_only = True
        self.editor.clear()
        await self.transcript.add_answer(text)

    async def action_submit(self) -> None:
        if self.phase in (ea.Phase.BETWEEN, ea.Phase.FINISHED):
            await self.action_next()
            return
        if not self._answering():
            return
        assert self.engine is not None
        text = self.editor.text
        await self._say(text.strip())
        engine = self.engine
        self.enqueue(lambda: engine.submit(text))

    async def action_skip(self) -> None:
        if self._answering():
            assert self.engine is not None
            await self._say("(skipped)")
            self.enqueue(self.engine.skip)

    async def action_dont_know(self) -> None:
        if self._answering():
            assert self.engine is not None
            await self._say("I don't know.")
            self.enqueue(self.engine.dont_know)

    async def action_clarify(self) -> None:
        if not self._answering():
            return
        assert self.engine is not None
        text = self.editor.text.strip()
        if not text:
            self.notify("Type your clarifying question in the editor, then press Ctrl+R.", timeout=3)
            return
        await self.transcript.add_answer(text, label="You (clarify)")
        self.editor.clear()
        engine = self.engine
        self.enqueue(lambda: engine.ask_clarification(text))

    async def action_next(self) -> None:
        if self.phase is ea.Phase.FINISHED or self.engine is None:
            self.app.pop_screen()
        elif self.phase is ea.Phase.BETWEEN:
            assert self.engine is not None
            self.enqueue(self.engine.next_question)

    async def action_finish(self) -> None:
        if self.engine is not None and self.phase not in (ea.Phase.IDLE, ea.Phase.FINISHED):
            self.enqueue(self.engine.finish)

    async def action_leave(self) -> None:
        if not self.quit_guard():
            self.app.pop_screen()
            return
        from interviewer.screens.confirm import ConfirmScreen

        async def decided(yes: bool | None) -> None:
            if yes:
                await self.close_session()
                self.app.pop_screen()

        await self.app.push_screen(
            ConfirmScreen("Leave the interview? Your answers are saved; you can resume it from Home.",
                          yes="Leave", no="Stay"),
            decided,
        )

    @on(TextArea.Changed, "#answer")
    def autosave(self) -> None:
        if self.engine is not None and self.phase is ea.Phase.ANSWERING:
            self.engine.save_draft(self.editor.text)

    # --- engine events ---------------------------------------------------------------------------------

    def _ready_for_answer(self, draft: str = "") -> None:
        self.editor.read_only = False
        self.editor.load_text(draft)
        self.editor.focus()
        self._update_clocks()

    def _status(self, text: str) -> None:
        self.query_one("#progress-label", Static).update(text)

    def _update_clocks(self) -> None:
        for clock in self.query(Countdown):
            clock.tick()

    async def on_engine_message(self, message: EngineMessage) -> None:
        handler = getattr(self, f"_on_{message.event.kind}", None)
        if handler is not None:
            await handler(message.event)

    async def _on_session_started(self, event: ea.SessionStarted) -> None:
        self.session_id = event.session_id
        self.config = event.config
        if event.resumed:
            await self.transcript.add_notice("Resumed where you stopped.")

    async def _on_question_asked(self, event: ea.QuestionAsked) -> None:
        topic = host(self).services.topic_name(event.question.topic)
        self._status(f"Q{event.number}/{event.total} · {topic}")
        await self.transcript.add_question(event.number, event.total, event.question, topic)
        self._ready_for_answer(event.draft)

    async def _on_follow_up_started(self, event: ea.FollowUpStarted) -> None:
        self._status(f"Follow-up {event.index} · the interviewer is writing…")
        await self.transcript.begin_follow_up("Interviewer")

    async def _on_follow_up_token(self, event: ea.FollowUpToken) -> None:
        await self.transcript.stream_follow_up(event.text)

    async def _on_follow_up_asked(self, event: ea.FollowUpAsked) -> None:
        if not self.transcript.streaming:
            await self.transcript.begin_follow_up("Interviewer")
        await self.transcript.end_follow_up(event.text)
        self._status(f"Follow-up {event.index}")
        self._ready_for_answer()

    async def _on_clarification_started(self, event: ea.ClarificationStarted) -> None:
        await self.transcript.begin_follow_up("Interviewer (clarification)")

    async def _on_clarification_token(self, event: ea.ClarificationToken) -> None:
        await self.transcript.stream_follow_up(event.text)

    async def _on_clarification_answered(self, event: ea.ClarificationAnswered) -> None:
        if not self.transcript.streaming:
            await self.transcript.begin_follow_up("Interviewer (clarification)")
        await self.transcript.end_follow_up(event.text)
        self._ready_for_answer()

    async def _on_grading_started(self, event: ea.GradingStarted) -> None:
        self.editor.read_only = True
        self._status("Grading…")

    async def _on_answer_graded(self, event: ea.AnswerGraded) -> None:
        what = "Answer" if event.follow_up_index == 0 else f"Follow-up {event.follow_up_index}"
        await self.transcript.add_notice(f"{what} graded: {grade_summary(event.grade).plain}")

    async def _on_turn_completed(self, event: ea.TurnCompleted) -> None:
        grade = event.turn.grade or event.turn.main_grade
        if grade is not None:
            await self.transcript.add_grade(event.turn.question, grade)
        else:
            await self.transcript.add_notice("Skipped: not graded.")
        await self.transcript.add_notice("Ctrl+S or Enter: next question · Esc: back to Home")
        self._status(f"Q{event.turn.number} done")
        self.editor.read_only = True
        self.transcript.focus()
        self._update_clocks()

    async def _on_time_warning(self, event: ea.TimeWarning) -> None:
        self.notify(f"{int(event.remaining_s)} s left for the {event.scope}.", severity="warning", timeout=4)

    async def _on_auto_submitted(self, event: ea.AutoSubmitted) -> None:
        self.editor.read_only = True
        self.editor.clear()
        await self.transcript.add_answer(event.text.strip(), label="You (time up, submitted)")

    async def _on_grader_fell_back(self, event: ea.GraderFellBack) -> None:
        # The grade card's note carries the full reason.
        await self.transcript.add_notice("LLM judge unavailable: offline grade used.")

    async def _on_fell_back(self, event: ea.FellBack) -> None:
        await self.transcript.add_notice(
            f"LLM {event.component} unavailable ({event.reason}): template used."
        )

    async def _on_session_finished(self, event: ea.SessionFinished) -> None:
        summary = event.summary
        self.summary = summary
        score = "–" if summary.mean_score is None else f"{summary.mean_score:.1f}/10"
        graded = sum(1 for t in summary.turns if t.grade is not None)
        await self.transcript.add_notice(
            f"Session finished ({summary.reason}): {graded}/{len(summary.turns)} graded, mean {score}. "
            "Enter: back to Home."
        )
        self._status("Finished")
        self.editor.read_only = True
        self.transcript.focus()
        self._update_clocks()
