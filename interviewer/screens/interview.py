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

from interviewer.i18n import N_, _
from interviewer.screens.host import host
from interviewer.screens.interview_notices import fell_back_notice, graded_notice, time_used, time_warning
from interviewer.services.engine import api as engine_api
from interviewer.widgets.answer_editor import AnswerEditor
from interviewer.widgets.countdown import Countdown
from interviewer.widgets.transcript import Transcript

Action = Callable[[], Awaitable[object]]
CLOCK_INTERVAL_S = 0.25


class EngineMessage(Message):
    """One engine event, delivered to the screen's message queue in order."""

    def __init__(self, event: engine_api.EngineEvent) -> None:
        super().__init__()
        self.event = event


class InterviewScreen(Screen[None]):
    """Runs one session (new or resumed) until it finishes or the user leaves."""

    HELP_TITLE = N_("Interview")
    BINDINGS = [
        # Not priority bindings: the editor (TextArea binds none of these keys) must handle every key typed
        # before them first, or a fast typist's or a terminal paste's last characters would miss the answer.
        Binding("ctrl+s", "submit", "Submit / next"),
        Binding("ctrl+n", "skip", "Skip"),
        Binding("ctrl+g", "dont_know", "I don't know"),
        Binding("ctrl+r", "clarify", "Ask to clarify"),
        Binding("ctrl+f", "finish", "End interview"),
        # Esc says where it goes: the screen below this one (`check_action` keeps the one that applies).
        # Priority, so that the answer editor does not take the first Esc to move the focus away.
        Binding("escape", "leave('home')", "Back to Home", priority=True),
        Binding("escape", "leave('drill')", "Back to Drill", priority=True),
        Binding("escape", "leave('back')", "Back", priority=True),
        Binding("enter", "next", "Next question", show=False),
    ]

    def __init__(self, config: engine_api.SessionConfig | None = None, resume_id: str | None = None) -> None:
        super().__init__()
        self.config = config
        self.resume_id = resume_id
        self.engine: engine_api.EngineAPI | None = None
        self.session_id: str | None = resume_id
        self.summary: engine_api.SessionSummary | None = None
        self._actions: asyncio.Queue[Action] = asyncio.Queue()
        self._unsubscribe: Callable[[], None] | None = None
        self._closed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="clock-bar"):
            yield Static(_("Starting…"), id="progress-label", markup=False)
            yield Countdown(_("Question"), self._question_time, id="question-clock")
            yield Countdown(_("Session"), self._session_time, id="session-clock")
        yield Transcript(id="transcript")
        yield AnswerEditor(id="answer")
        yield Footer()

    # --- time sources for the countdowns (the engine owns the clock) ---------------------------------

    def _question_time(self) -> tuple[float | None, float | None]:
        if self.engine is None:
            return None, None
        left = self.engine.remaining_time()
        if self.engine.state.phase is not engine_api.Phase.ANSWERING:
            return None, left.question_limit_s  # paused: the interviewer's time is not charged
        return left.question_s, left.question_limit_s

    def _session_time(self) -> tuple[float | None, float | None]:
        if self.engine is None or self.engine.state.phase in (engine_api.Phase.IDLE,
                                                              engine_api.Phase.FINISHED):
            return None, None
        left = self.engine.remaining_time()
        return left.session_s, left.session_limit_s

    # --- lifecycle -----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.editor.read_only = True
        try:
            self.engine = host(self).services.new_engine()
        except Exception as error:  # broken bank or database: say so and go back
            self.notify(f"{type(error).__name__}: {error}", title=_("Cannot start"), severity="error")
            self._closed = True
            self.app.pop_screen()
            return
        def relay(event: engine_api.EngineEvent) -> None:
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
                await self.engine.start(self.config or engine_api.SessionConfig())
        except engine_api.EngineError as error:
            self.notify(str(error), title=_("Cannot start"), severity="error")
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
                self.notify(f"{type(error).__name__}: {error}", title=_("Engine error"), severity="error")

    @work(exclusive=True, group="interview-clock", exit_on_error=False)
    async def run_clock(self) -> None:
        """Let the engine check its limits a few times a second, in real time whatever its clock is
        (a test's fake clock only moves when the test says so)."""
        engine = self.engine
        assert engine is not None
        while not self._closed and engine.state.phase is not engine_api.Phase.FINISHED:
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
    def phase(self) -> engine_api.Phase:
        return self.engine.state.phase if self.engine is not None else engine_api.Phase.IDLE

    def quit_guard(self) -> bool:
        """True while leaving would interrupt a session (the app then asks before quitting)."""
        return self.phase not in (engine_api.Phase.IDLE, engine_api.Phase.FINISHED) and not self._closed

    async def close_session(self) -> None:
        """Persist the draft and time spent; the session stays resumable."""
        if self.engine is None or self._closed:
            return
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
        editors = self.query(AnswerEditor)  # empty once the screen's children are gone
        if editors and self.phase is engine_api.Phase.ANSWERING:
            self.engine.save_draft(editors.first().text)
        await self.engine.close()

    async def on_unmount(self) -> None:
        await self.close_session()

    # --- user actions ----------------------------------------------------------------------------------

    def _answering(self) -> bool:
        if self.phase is engine_api.Phase.ANSWERING:
            return True
        if self.phase in (engine_api.Phase.GRADING, engine_api.Phase.ASKING):
            self.notify(_("The interviewer is busy; one moment."), timeout=2)
        return False

    async def _say(self, text: str) -> None:
        self.editor.read_only = True
        self.editor.clear()
        await self.transcript.add_answer(text)

    async def action_submit(self) -> None:
        if self.phase in (engine_api.Phase.BETWEEN, engine_api.Phase.FINISHED):
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
            await self._say(_("(skipped)"))
            self.enqueue(self.engine.skip)

    async def action_dont_know(self) -> None:
        if self._answering():
            assert self.engine is not None
            await self._say(_("I don't know."))
            self.enqueue(self.engine.dont_know)

    async def action_clarify(self) -> None:
        if not self._answering():
            return
        assert self.engine is not None
        text = self.editor.text.strip()
        if not text:
            self.notify(_("Type your clarifying question in the editor, then press Ctrl+R."), timeout=3)
            return
        await self.transcript.add_answer(text, label=_("You (clarify)"))
        self.editor.clear()
        engine = self.engine
        self.enqueue(lambda: engine.ask_clarification(text))

    async def action_next(self) -> None:
        if self.phase is engine_api.Phase.FINISHED and self.summary is not None:
            self.open_summary()
        elif self.phase is engine_api.Phase.FINISHED or self.engine is None:
            self.app.pop_screen()
        elif self.phase is engine_api.Phase.BETWEEN:
            assert self.engine is not None
            self.enqueue(self.engine.next_question)

    async def action_finish(self) -> None:
        if self.engine is not None and self.phase not in (engine_api.Phase.IDLE, engine_api.Phase.FINISHED):
            self.enqueue(self.engine.finish)

    def back_target(self) -> str:
        """Where Esc leads: `home`, `drill` or `back` (another screen), after the screen below this one."""
        stack = self.app.screen_stack
        below = stack[stack.index(self) - 1] if self in stack and stack.index(self) > 0 else None
        return {"HomeScreen": "home", "DrillScreen": "drill"}.get(type(below).__name__, "back")

    def back_label(self) -> str:
        """The footer's words for Esc, e.g. `Back to Drill`."""
        labels = {"home": _("Back to Home"), "drill": _("Back to Drill")}
        return labels.get(self.back_target(), _("Back"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave" and parameters:
            return parameters[0] == self.back_target()
        return True

    async def action_leave(self, target: str = "back") -> None:
        """Leave for the screen below (`target` is where the footer said Esc goes)."""
        if not self.quit_guard():
            self.app.pop_screen()
            return
        from interviewer.screens.confirm import ConfirmScreen

        async def decided(yes: bool | None) -> None:
            if yes:
                await self.close_session()
                self.app.pop_screen()

        await self.app.push_screen(
            ConfirmScreen(_("Leave the interview? Your answers are saved; you can resume it from Home."),
                          yes=_("Leave"), no=_("Stay")),
            decided,
        )

    @on(TextArea.Changed, "#answer")
    def autosave(self) -> None:
        if self.engine is not None and self.phase is engine_api.Phase.ANSWERING:
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

    async def _on_session_started(self, event: engine_api.SessionStarted) -> None:
        self.session_id = event.session_id
        self.config = event.config
        if event.resumed:
            await self.transcript.add_notice(_("Resumed where you stopped."))

    async def _on_question_asked(self, event: engine_api.QuestionAsked) -> None:
        topic = host(self).services.topic_name(event.question.topic)
        self._status(_("Q{n}/{total}").format(n=event.number, total=event.total) + f" · {topic}")
        await self.transcript.add_question(event.number, event.total, event.question, topic)
        self._ready_for_answer(event.draft)

    async def _on_follow_up_started(self, event: engine_api.FollowUpStarted) -> None:
        self._status(_("Follow-up {n} · the interviewer is writing…").format(n=event.index))
        await self.transcript.begin_follow_up(_("Interviewer"))

    async def _on_follow_up_token(self, event: engine_api.FollowUpToken) -> None:
        await self.transcript.stream_follow_up(event.text)

    async def _on_follow_up_asked(self, event: engine_api.FollowUpAsked) -> None:
        if not self.transcript.streaming:
            await self.transcript.begin_follow_up(_("Interviewer"))
        await self.transcript.end_follow_up(event.text)
        self._status(_("Follow-up {n}").format(n=event.index))
        self._ready_for_answer()

    async def _on_clarification_started(self, event: engine_api.ClarificationStarted) -> None:
        await self.transcript.begin_follow_up(_("Interviewer (clarification)"))

    async def _on_clarification_token(self, event: engine_api.ClarificationToken) -> None:
        await self.transcript.stream_follow_up(event.text)

    async def _on_clarification_answered(self, event: engine_api.ClarificationAnswered) -> None:
        if not self.transcript.streaming:
            await self.transcript.begin_follow_up(_("Interviewer (clarification)"))
        await self.transcript.end_follow_up(event.text)
        self._ready_for_answer()

    async def _on_grading_started(self, event: engine_api.GradingStarted) -> None:
        self.editor.read_only = True
        self._status(_("Grading…"))

    async def _on_answer_graded(self, event: engine_api.AnswerGraded) -> None:
        await self.transcript.add_notice(graded_notice(event))

    async def _on_turn_completed(self, event: engine_api.TurnCompleted) -> None:
        grade = event.turn.grade or event.turn.main_grade
        if grade is not None:
            await self.transcript.add_grade(event.turn.question, grade)
        else:
            await self.transcript.add_notice(_("Skipped: not graded."))
        await self.transcript.add_notice(
            _("Ctrl+S or Enter: next question · Esc: {where}").format(where=self.back_label()))
        self._status(_("Q{n} done").format(n=event.turn.number))
        self.editor.read_only = True
        self.transcript.focus()
        self._update_clocks()

    async def _on_time_warning(self, event: engine_api.TimeWarning) -> None:
        self.notify(time_warning(event), severity="warning", timeout=4)

    async def _on_auto_submitted(self, event: engine_api.AutoSubmitted) -> None:
        self.editor.read_only = True
        self.editor.clear()
        await self.transcript.add_answer(event.text.strip(), label=_("You (time up, submitted)"))

    async def _on_grader_fell_back(self, event: engine_api.GraderFellBack) -> None:
        # The grade card's note carries the full reason.
        await self.transcript.add_notice(_("LLM judge unavailable: offline grade used."))

    async def _on_fell_back(self, event: engine_api.FellBack) -> None:
        await self.transcript.add_notice(fell_back_notice(event))

    async def _on_session_finished(self, event: engine_api.SessionFinished) -> None:
        from interviewer.services.ui.summary import score_of_views

        summary = event.summary
        self._status(_("Finished"))
        self.editor.read_only = True
        self.editor.display = False  # nothing more to answer
        self.query_one("#question-clock", Countdown).display = False
        self._stop_session_clock(summary.time_spent_s)
        score = score_of_views(summary.turns).describe()
        await self.transcript.add_notice(
            _("Session finished. Session score: {score}. Enter: summary · Esc: {where}").format(
                score=score, where=self.back_label())
        )
        self.transcript.focus()
        self.summary = summary  # last: once set, the screen shows the finished session (tests wait on it)

    def _stop_session_clock(self, used_s: float) -> None:
        """The session clock now says how much time was used (not `untimed`, not a countdown)."""
        config = self.config or (self.engine.state.config if self.engine is not None else None)
        budget = config.effective_session_budget_s if config is not None else None
        self.query_one("#session-clock", Countdown).stop(time_used(used_s, budget))

    def open_summary(self) -> None:
        """Replace this screen with the session's summary (Esc there goes back to Home)."""
        from interviewer.screens.summary import SummaryScreen

        if self.session_id is None:
            self.app.pop_screen()
            return
        reason = self.summary.reason if self.summary is not None else None
        self.app.switch_screen(SummaryScreen(self.session_id, config=self.config, reason=reason))
