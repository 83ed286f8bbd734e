"""Review: past sessions, then one transcript with grades, reference answers and self-grading."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.cells import cell_len, set_cell_size
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from interviewer.files import write_text
from interviewer.i18n import N_, _
from interviewer.screens.host import host
from interviewer.services.ui.models import ExchangeView, ReviewedTurn, SessionListItem, TranscriptView
from interviewer.services.ui.transcript_export import STATUS_WORDS
from interviewer.widgets.grade_card import GradeCard
from interviewer.widgets.safe_text import safe_text, trusted_markdown

RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}
HINT = N_("a/h/g/e Again/Hard/Good/Easy · s score 0–10 · f flag · m/o export md/json")  # fits 80 columns


def session_row(item: SessionListItem) -> str:
    """One line of the session list, at most 30 cells (the list's width in an 80-column terminal):
    `02-28 09:00 timed     2q  7.5` with `…` at the end for an unfinished session (see the list's legend)."""
    mark = "…" if not item.finished else " "
    mode = set_cell_size(_(item.mode), 8)  # padded by display width: a CJK character takes two cells
    count = _("{n}q").format(n=item.questions)
    count = " " * max(0, 4 - cell_len(count)) + count  # right-aligned in 4 cells: ` 12q`, `  2q`, ` 2题`
    return f"{item.started_at:%m-%d %H:%M} {mode}{count} {item.score.short:>4}{mark}"


def check_score(value: str) -> str | None:
    """Why a self-grade is refused, or None when it is a number from 0 to 10."""
    try:
        score = float(value)
    except ValueError:
        score = -1.0
    return None if 0 <= score <= 10 else _("A self-grade is a number from 0 to 10.")


class TurnBox(Vertical):
    """One question of the transcript: exchanges, grade card (reference inside), self-grade and due date."""

    def __init__(self, index: int, view: ReviewedTurn) -> None:
        super().__init__(classes="turn-box")
        self.view = view
        self.border_title = _("Q{n}").format(n=index) + f" · {view.topic_label}"

    def compose(self) -> ComposeResult:
        first, *follow_ups = self.view.exchanges
        yield Markdown(trusted_markdown(self.view.question.text))
        you = _("You: {answer}")
        yield from self.clarifications(first)
        yield Static(safe_text(you.format(answer=first.answer or _no_answer(first.status))), classes="answer")
        for exchange in follow_ups:
            yield Static(safe_text(_("Interviewer: {text}").format(text=exchange.prompt)))
            yield from self.clarifications(exchange)
            answer = exchange.answer or _no_answer(exchange.status)
            grade = exchange.grade
            score = "" if grade is None or grade.score is None else f"  [{grade.score:.1f}]"
            yield Static(safe_text(you.format(answer=answer) + score), classes="answer")
        if self.view.grade is not None:
            yield GradeCard(self.view.question, self.view.grade)
        yield Static(self.footer_text(), classes="due")

    @staticmethod
    def clarifications(exchange: ExchangeView) -> ComposeResult:
        """The clarifying questions asked before this answer (Ctrl+R in the interview), with the replies."""
        for clarification in exchange.clarifications:
            yield Static(safe_text(_("You (clarify): {text}").format(text=clarification.question)),
                         classes="answer")
            yield Static(safe_text(_("Interviewer (clarification): {text}").format(text=clarification.reply)))

    def footer_text(self) -> str:
        grade, due_date = self.view.self_grade, self.view.due
        own = _("not self-graded") if grade is None else _("self-grade {score}").format(score=f"{grade:.1f}")
        due = _("no card yet") if due_date is None else \
            _("next review {date}").format(date=f"{due_date:%Y-%m-%d}")
        flag = " · " + _("reference flagged") if self.view.flagged else ""
        return f"{own} · {due}{flag}"


class ReviewScreen(Screen[None]):
    HELP_TITLE = N_("Review")
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("n,j", "move(1)", "Next question"),
        Binding("p,k", "move(-1)", "Previous question"),
        Binding("a", "rate('again')", "Again", show=False),
        Binding("h", "rate('hard')", "Hard", show=False),
        Binding("g", "rate('good')", "Good", show=False),
        Binding("e", "rate('easy')", "Easy", show=False),
        Binding("s", "score", "Self-grade"),
        Binding("f", "flag", "Flag reference"),
        Binding("m", "export('md')", "Export md"),
        Binding("o", "export('json')", "Export json"),
        Binding("x,delete", "delete_session", "Delete session"),
    ]

    def __init__(self, session_id: str | None = None) -> None:
        """`session_id`: open this session's transcript once the list is loaded (from the summary)."""
        super().__init__()
        self.open_first = session_id
        self.sessions: list[SessionListItem] = []
        self.transcript: TranscriptView | None = None
        self.selected = 0
        self.wanted: str | None = None  # the session last asked for: a slower earlier load is not shown

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="session-list")
            with VerticalScroll(id="review-detail"):
                yield Static(_("Choose a session on the left (Enter)."), id="review-empty")
        yield Static(_(HINT), id="review-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load_sessions()

    @work(thread=True, exclusive=True, group="review-load", exit_on_error=False)
    def load_sessions(self) -> None:
        try:
            sessions = host(self).services.list_sessions()
        except Exception as error:  # a broken bank or database: say so, keep the app usable
            self.app.call_from_thread(self.notify, str(error), title=_("Cannot load"), severity="error")
            return
        self.app.call_from_thread(self.show_sessions, sessions)

    def show_sessions(self, sessions: list[SessionListItem]) -> None:
        self.sessions = sessions
        options = self.query_one("#session-list", OptionList)
        options.clear_options()
        options.add_options([Option(session_row(s), id=s.id) for s in sessions])
        # The legend of the rows' end mark, shown while a row has it.
        options.border_subtitle = _("… unfinished") if any(not s.finished for s in sessions) else ""
        if not sessions:
            empty = self.query_one("#review-empty", Static)
            empty.update(_("No sessions yet: start an interview from Home."))
        else:
            options.highlighted = 0
            options.focus()
        if self.open_first is not None:
            chosen, self.open_first = self.open_first, None
            ids = [s.id for s in sessions]
            if chosen in ids:
                options.highlighted = ids.index(chosen)
            self.show_transcript(chosen)

    @on(OptionList.OptionSelected, "#session-list")
    def open_session(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.show_transcript(event.option.id)

    # --- storage calls run in threads; their results come back to the event loop --------------------------

    @work(thread=True, group="review-io", exit_on_error=False)
    def in_thread(self, call: Callable[[], Any], done: Callable[[Any], Any], error_title: str) -> None:
        """Run a blocking facade `call` off the event loop, then `done(result)` on it (awaited if async);
        a failure is shown under `error_title` and `done` is not called."""
        try:
            result = call()
        except Exception as error:  # storage refused it, or the session was deleted meanwhile
            self.app.call_from_thread(self.notify, str(error), title=error_title, severity="error")
            return
        self.app.call_from_thread(done, result)

    def show_transcript(self, session_id: str, keep_selection: bool = False,
                        before: Callable[[], object] | None = None, saved: str = "") -> None:
        """Load and show a session's transcript; `before` (a storage write) runs first in the same thread,
        and `saved` is said once it has."""
        self.wanted = session_id

        services = host(self).services

        def call() -> TranscriptView:
            if before is not None:
                before()
            return services.transcript(session_id)

        async def done(loaded: TranscriptView) -> None:
            if saved:
                self.notify(saved, timeout=3)
            await self.render_transcript(loaded, keep_selection=keep_selection)

        self.in_thread(call, done, _("Cannot open the session") if before is None else _("Not saved"))

    async def render_transcript(self, transcript: TranscriptView,
                                keep_selection: bool = False) -> None:
        if transcript.session.id != self.wanted:
            return  # another session was chosen while this one loaded
        self.transcript = transcript
        if not keep_selection:
            self.selected = 0
        detail = self.query_one("#review-detail", VerticalScroll)
        await detail.remove_children()
        if not transcript.turns:
            await detail.mount(Static(_("This session has no answered questions.")))
            return
        score = _("Session score: {score}").format(score=transcript.session.score.describe())
        await detail.mount(Static(score, id="review-score", markup=False))
        await detail.mount_all(TurnBox(i, view) for i, view in enumerate(transcript.turns, 1))
        # A newly opened session starts at its top (score line, first question); scrolling to a box before
        # its Markdown has been laid out would land at a different place from run to run.
        self.highlight(scroll=keep_selection)

    def highlight(self, scroll: bool = True) -> None:
        boxes = list(self.query(TurnBox))
        if not boxes:
            return
        self.selected = max(0, min(self.selected, len(boxes) - 1))
        for i, box in enumerate(boxes):
            box.set_class(i == self.selected, "-selected")
        if scroll:
            boxes[self.selected].scroll_visible(animate=False)
        self.refresh_bindings()  # flagging depends on the question (see `check_action`)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No flag key for a question without a reference answer: there is nothing to flag."""
        if action == "flag" and self.transcript is not None and self.transcript.turns:
            turn = self.transcript.turns[max(0, min(self.selected, len(self.transcript.turns) - 1))]
            return turn.question.reference is not None
        return True

    @property
    def current_turn(self) -> ReviewedTurn | None:
        if self.transcript is None or not self.transcript.turns:
            self.notify(_("Open a session first (Enter on the list)."), timeout=2)
            return None
        return self.transcript.turns[self.selected]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_move(self, step: int) -> None:
        self.selected += step
        self.highlight()

    def _self_grade(self, score: float | None = None, rating: int | None = None) -> None:
        turn = self.current_turn
        if turn is None or self.transcript is None:
            return
        session_id = self.transcript.session.id
        services = host(self).services

        def call() -> tuple[object, TranscriptView]:
            due = services.self_grade(turn.turn_id, turn.question.id, score=score, rating=rating)
            return due, services.transcript(session_id)

        async def done(result: tuple[object, TranscriptView]) -> None:
            due, loaded = result
            if due:
                self.notify(_("Self-grade saved; next review {date}.").format(date=f"{due:%Y-%m-%d}"),
                            timeout=3)
            else:
                self.notify(_("Self-grade saved."), timeout=3)
            await self.render_transcript(loaded, keep_selection=True)

        self.in_thread(call, done, _("Self-grade not saved"))

    def action_rate(self, name: str) -> None:
        self._self_grade(rating=RATINGS[name])

    def action_score(self) -> None:
        from interviewer.screens.prompt import PromptScreen

        if self.current_turn is None:
            return

        def entered(value: str | None) -> None:
            if value is not None:  # the dialog only closes with a valid score (`check_score`)
                self._self_grade(score=float(value))

        prompt = PromptScreen(_("Your own grade for this answer (0–10):"), _("e.g. 7"), "number",
                              validate=check_score)
        self.app.push_screen(prompt, entered)

    def action_flag(self) -> None:
        from interviewer.screens.prompt import PromptScreen

        turn = self.current_turn
        if turn is None or self.transcript is None:
            return
        if turn.question.reference is None:  # the key is hidden then; a direct call still says why not
            self.notify(_("This question has no reference answer to flag."), timeout=3)
            return
        session_id = self.transcript.session.id
        services = host(self).services

        def entered(reason: str | None) -> None:
            if reason:
                self.show_transcript(session_id, keep_selection=True,
                                     before=lambda: services.flag_reference(turn.question.id, reason),
                                     saved=_("Reference flagged (see `interviewer bank flagged`)."))

        question = _("What is wrong with the reference answer?")
        self.app.push_screen(PromptScreen(question, _("reason")), entered)

    def action_export(self, fmt: str) -> None:
        from interviewer.locations import data_dir

        if self.transcript is None:
            self.notify(_("Open a session first (Enter on the list)."), timeout=2)
            return
        session_id = self.transcript.session.id
        services = host(self).services
        path = data_dir() / "exports" / f"session-{session_id[:8]}.{fmt}"

        def call() -> None:
            text = services.export(session_id, fmt)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_text(path, text)
            except OSError as error:
                reason = error.strerror or str(error)
                raise OSError(_("Cannot write {path}: {reason}").format(path=path, reason=reason)) from error

        def done(_result: None) -> None:
            self.notify(_("Exported to {path}").format(path=path), timeout=5)

        self.in_thread(call, done, _("Not exported"))


    def action_delete_session(self) -> None:
        """Delete the session highlighted in the list (or the one open), after a confirmation."""
        from interviewer.screens.confirm import ConfirmScreen

        options = self.query_one("#session-list", OptionList)
        highlighted = options.highlighted
        chosen = next((s for s in self.sessions if highlighted is not None
                       and s.id == options.get_option_at_index(highlighted).id), None)
        if chosen is None and self.transcript is not None:
            chosen = self.transcript.session
        if chosen is None:
            self.notify(_("No session to delete."), timeout=2)
            return
        item = chosen
        text = _("Delete the session of {label} with its answers and grades? Spaced repetition forgets them "
                 "(due dates and mastery are recomputed from the rest). This cannot be undone.").format(
            label=item.label.strip())

        services = host(self).services

        async def deleted(_counts: object) -> None:
            self.notify(_("Session deleted."), timeout=3)
            if self.transcript is not None and self.transcript.session.id == item.id:
                self.transcript = None
                detail = self.query_one("#review-detail", VerticalScroll)
                await detail.remove_children()
                await detail.mount(Static(_("Choose a session on the left (Enter)."), id="review-empty"))
            self.load_sessions()

        def decided(yes: bool | None) -> None:
            if yes:  # storage may refuse it: then nothing was deleted (one transaction)
                self.in_thread(lambda: services.delete_session(item.id), deleted, _("Not deleted"))

        self.app.push_screen(ConfirmScreen(text, yes=_("Delete"), no=_("Keep"), title=_("Delete session")),
                             decided)


def _no_answer(status: str) -> str:
    return f"({_(STATUS_WORDS.get(status, status))})"
