"""Review: past sessions, then one transcript with grades, reference answers and self-grading."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from interviewer.files import write_text
from interviewer.screens.host import host
from interviewer.services.ui.models import SessionListItem, TranscriptView, TurnView
from interviewer.services.ui.transcript_export import STATUS_WORDS
from interviewer.widgets.grade_card import GradeCard
from interviewer.widgets.safe_text import safe_text, trusted_markdown

RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}
HINT = "a/h/g/e Again/Hard/Good/Easy · s score 0–10 · f flag reference · m/o export md/json"


class TurnBox(Vertical):
    """One question of the transcript: exchanges, grade card (reference inside), self-grade and due date."""

    def __init__(self, index: int, view: TurnView) -> None:
        super().__init__(classes="turn-box")
        self.view = view
        self.border_title = f"Q{index} · {view.question.topic}"

    def compose(self) -> ComposeResult:
        first, *follow_ups = self.view.exchanges
        yield Markdown(trusted_markdown(self.view.question.text))
        yield Static(safe_text(f"You: {first.answer or _no_answer(first.status)}"), classes="answer")
        for exchange in follow_ups:
            yield Static(safe_text(f"Interviewer: {exchange.prompt}"))
            answer = exchange.answer or _no_answer(exchange.status)
            grade = exchange.grade
            score = "" if grade is None or grade.score is None else f"  [{grade.score:.1f}]"
            yield Static(safe_text(f"You: {answer}{score}"), classes="answer")
        if self.view.grade is not None:
            yield GradeCard(self.view.question, self.view.grade)
        yield Static(self.footer_text(), classes="due")

    def footer_text(self) -> str:
        own = "not self-graded" if self.view.self_grade is None else f"self-grade {self.view.self_grade:.1f}"
        due = "no card yet" if self.view.due is None else f"next review {self.view.due:%Y-%m-%d}"
        flag = " · reference flagged" if self.view.flagged else ""
        return f"{own} · {due}{flag}"


class ReviewScreen(Screen[None]):
    HELP_TITLE = "Review"
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
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[SessionListItem] = []
        self.transcript: TranscriptView | None = None
        self.selected = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="session-list")
            with VerticalScroll(id="review-detail"):
                yield Static("Choose a session on the left (Enter).", id="review-empty")
        yield Static(HINT, id="review-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load_sessions()

    @work(thread=True, exclusive=True, group="review-load", exit_on_error=False)
    def load_sessions(self) -> None:
        try:
            sessions = host(self).services.list_sessions()
        except Exception as error:  # a broken bank or database: say so, keep the app usable
            self.app.call_from_thread(self.notify, str(error), title="Cannot load", severity="error")
            return
        self.app.call_from_thread(self.show_sessions, sessions)

    def show_sessions(self, sessions: list[SessionListItem]) -> None:
        self.sessions = sessions
        options = self.query_one("#session-list", OptionList)
        options.clear_options()
        options.add_options([Option(s.label, id=s.id) for s in sessions])
        if not sessions:
            self.query_one("#review-empty", Static).update("No sessions yet: start an interview from Home.")
        else:
            options.highlighted = 0
            options.focus()

    @on(OptionList.OptionSelected, "#session-list")
    async def open_session(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            await self.show_transcript(event.option.id)

    async def show_transcript(self, session_id: str, keep_selection: bool = False) -> None:
        try:
            transcript = host(self).services.transcript(session_id)
        except Exception as error:  # e.g. the session was deleted by an import meanwhile
            self.notify(str(error), title="Cannot open the session", severity="error")
            return
        self.transcript = transcript
        if not keep_selection:
            self.selected = 0
        detail = self.query_one("#review-detail", VerticalScroll)
        await detail.remove_children()
        if not transcript.turns:
            await detail.mount(Static("This session has no answered questions."))
            return
        await detail.mount_all(TurnBox(i, view) for i, view in enumerate(transcript.turns, 1))
        self.highlight()

    def highlight(self) -> None:
        boxes = list(self.query(TurnBox))
        if not boxes:
            return
        self.selected = max(0, min(self.selected, len(boxes) - 1))
        for i, box in enumerate(boxes):
            box.set_class(i == self.selected, "-selected")
        boxes[self.selected].scroll_visible(animate=False)

    @property
    def current_turn(self) -> TurnView | None:
        if self.transcript is None or not self.transcript.turns:
            self.notify("Open a session first (Enter on the list).", timeout=2)
            return None
        return self.transcript.turns[self.selected]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_move(self, step: int) -> None:
        self.selected += step
        self.highlight()

    async def _self_grade(self, score: float | None = None, rating: int | None = None) -> None:
        turn = self.current_turn
        if turn is None or self.transcript is None:
            return
        try:
            due = host(self).services.self_grade(turn.turn_id, turn.question.id, score=score, rating=rating)
        except Exception as error:  # storage refused it (e.g. database locked for too long)
            self.notify(str(error), title="Self-grade not saved", severity="error")
            return
        when = f"; next review {due:%Y-%m-%d}" if due else ""
        self.notify(f"Self-grade saved{when}.", timeout=3)
        await self.show_transcript(self.transcript.session.id, keep_selection=True)

    async def action_rate(self, name: str) -> None:
        await self._self_grade(rating=RATINGS[name])

    def action_score(self) -> None:
        from interviewer.screens.prompt import PromptScreen

        if self.current_turn is None:
            return

        async def entered(value: str | None) -> None:
            if value is None:
                return
            try:
                score = float(value)
            except ValueError:
                score = -1.0
            if not 0 <= score <= 10:
                self.notify("A self-grade is a number from 0 to 10.", severity="error")
                return
            await self._self_grade(score=score)

        prompt = PromptScreen("Your own grade for this answer (0–10):", "e.g. 7", "number")
        self.app.push_screen(prompt, entered)

    def action_flag(self) -> None:
        from interviewer.screens.prompt import PromptScreen

        turn = self.current_turn
        if turn is None or self.transcript is None:
            return
        session_id = self.transcript.session.id

        async def entered(reason: str | None) -> None:
            if reason:
                try:
                    host(self).services.flag_reference(turn.question.id, reason)
                except Exception as error:
                    self.notify(str(error), title="Not flagged", severity="error")
                    return
                self.notify("Reference flagged (see `interviewer bank flagged`).", timeout=3)
                await self.show_transcript(session_id, keep_selection=True)

        self.app.push_screen(PromptScreen("What is wrong with the reference answer?", "reason"), entered)

    def action_export(self, fmt: str) -> None:
        from interviewer.locations import data_dir

        if self.transcript is None:
            self.notify("Open a session first (Enter on the list).", timeout=2)
            return
        session_id = self.transcript.session.id
        path = data_dir() / "exports" / f"session-{session_id[:8]}.{fmt}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, host(self).services.export(session_id, fmt))
        except OSError as error:
            self.notify(f"Cannot write {path}: {error.strerror or error}", severity="error")
            return
        self.notify(f"Exported to {path}", timeout=5)


def _no_answer(status: str) -> str:
    return f"({STATUS_WORDS.get(status, status)})"
