"""Home: start a timed interview / practice / drill, open review, progress and settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from interviewer.i18n import N_, _
from interviewer.screens.host import host
from interviewer.widgets.number_field import NumberField

if TYPE_CHECKING:  # the services load in a worker after the first paint (see `load`)
    from interviewer.services.engine.api import ResumableSession, SessionConfig, SessionMode
    from interviewer.services.ui.models import LlmStatus, TopicView
    from interviewer.services.ui.ui_state import SessionForm

QUESTIONS_RANGE = (1, 50)
MINUTES_RANGE = (0.5, 60.0)


MENU = {  # option id: (label, key); the label is translated and aligned when shown
    "timed": (N_("Timed interview"), "i"),
    "practice": (N_("Practice"), "p"),
    "drill": (N_("Drill weak topics"), "d"),
    "review": (N_("Review sessions"), "r"),
    "progress": (N_("Progress"), "g"),
    "settings": (N_("Settings"), "s"),
}


def menu_label(action: str) -> str:
    """The menu entry with its key, aligned by display width (a CJK character takes two cells)."""
    name, key = MENU[action]
    width = max(cell_len(_(label)) for label, _key in MENU.values()) + 1  # the keys line up in a column
    return f"{set_cell_size(_(name), width)} {key}"


@dataclass(frozen=True)
class HomeData:
    topics: list[TopicView]
    due: int
    resumable: list[ResumableSession]
    form: SessionForm | None = None  # the values last used to start a session


class HomeScreen(Screen[None]):
    """The root screen; refreshes its figures whenever it becomes current again."""

    HELP_TITLE = N_("Home")
    AUTO_FOCUS = "#menu"
    # Priority: the letters act even while a number field has focus (`NumberField` leaves them alone).
    # `q` is not shown in the footer, which already shows the app's Ctrl+Q Quit (help lists both keys).
    BINDINGS = [
        Binding("i", "start('timed')", "Interview", priority=True),
        Binding("p", "start('practice')", "Practice", priority=True),
        Binding("d", "drill", "Drill", priority=True),
        Binding("r", "review", "Review", priority=True),
        Binding("g", "progress", "Progress", priority=True),
        Binding("s", "settings", "Settings", priority=True),
        Binding("u", "offer_resume", "Unfinished session", show=False, priority=True),
        Binding("q", "app.request_quit", "Quit", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: HomeData | None = None
        self._offered_resume = False
        self._typed = False  # a key reached Home since it became current: the user is busy, do not pop up

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="llm-status", markup=False)
        with Horizontal(id="home-body"):
            with Vertical(id="home-topics"):
                yield Label(_("Topics (none selected = all)"))
                yield SelectionList[str](id="topics")
            with Vertical(id="home-form"):
                with Horizontal(classes="field"):
                    yield Label(_("Questions"), classes="field-label")
                    yield NumberField("3", type="integer", id="n-questions", max_length=3)
                with Horizontal(classes="field"):
                    yield Label(_("Min / question"), classes="field-label")
                    yield NumberField("5", type="number", id="minutes", max_length=5)
                # One menu widget rather than six buttons: fewer widgets to style before the first paint.
                yield OptionList(*(Option(menu_label(action), id=action) for action in MENU), id="menu")
        yield Footer()

    def on_mount(self) -> None:
        # Start loading after the first paint: the loader thread's imports would otherwise delay it.
        self.call_after_refresh(self.load)

    def on_screen_resume(self) -> None:
        self._typed = False
        if self.data is not None:
            self.load()

    def on_key(self, event: events.Key) -> None:
        self._typed = True  # noted only; the key goes on to its binding or widget as usual

    @work(thread=True, group="home-load", exclusive=True, exit_on_error=False)
    def load(self) -> None:
        """Read the bank and storage off the event loop so the first paint is not delayed."""
        try:
            services = host(self).services  # first use builds it: settings, pydantic, ...
            self.app.call_from_thread(self.show_settings)
            data = HomeData(services.topics(), services.due_count(), list(services.resumable_sessions()),
                            services.session_form())
        except Exception as error:  # a broken bank or database: say so, keep the app usable
            self.app.call_from_thread(self.notify, str(error), title=_("Cannot load"), severity="error",
                                      timeout=10)
            return
        self.app.call_from_thread(self.show_data, data)
        services.warm_up()  # the offline grader's first use would otherwise stall the first answer

    @work(group="llm-probe", exclusive=True, exit_on_error=False)
    async def probe_llm(self) -> None:
        status = await host(self).services.probe_llm()
        self.show_llm_status(status)

    def show_settings(self) -> None:
        services = host(self).services
        host(self).apply_theme(services.settings.theme)
        self.show_llm_status(services.llm_status())
        self.probe_llm()

    def show_llm_status(self, status: LlmStatus) -> None:
        widget = self.query_one("#llm-status", Static)
        profile = _("profile: {name}").format(name=host(self).services.settings.profile)
        widget.update(f"{status.label}  ·  {profile}")
        widget.set_class(status.offline or status.reachable is False, "-offline")

    def show_data(self, data: HomeData) -> None:
        first_load = self.data is None
        self.data = data
        topics = self.query_one("#topics", SelectionList)
        if first_load:
            self.restore_form(data.form)
            topics.add_options([(f"{t.name} ({t.questions})", t.slug) for t in data.topics])
        menu = self.query_one("#menu", OptionList)
        drill = _("{entry} · {n} due").format(entry=menu_label("drill"), n=data.due)
        menu.replace_option_prompt("drill", drill)
        if data.resumable and not self._offered_resume:
            self._offered_resume = True
            if self.is_current and not self._typed:
                self.offer_resume(data.resumable[0])
            else:  # a dialog popping up now would take keys meant for what the user is doing
                self.notify(_("An unfinished session is waiting: press u on Home to resume or discard it."),
                            timeout=8)

    def offer_resume(self, session: ResumableSession) -> None:
        """Resume, discard or keep for later an unfinished session (`screens/resume.py` says what Discard
        does with its answers)."""
        from interviewer.screens.resume import ResumeScreen, resume_text

        started = session.started_at[:16].replace("T", " ")
        text = resume_text(session.mode.value, started, session.answered, session.n_questions)

        def decided(choice: str | None) -> None:
            if choice == "resume":
                self.open_interview(None, resume_id=session.session_id)
            elif choice == "discard":
                self.discard(session.session_id)

        self.app.push_screen(ResumeScreen(text), decided)

    def action_offer_resume(self) -> None:
        if self.data is None or not self.data.resumable:
            self.notify(_("No unfinished session."), timeout=3)
            return
        self.offer_resume(self.data.resumable[0])

    def discard(self, session_id: str) -> None:
        try:
            outcome = host(self).services.discard_session(session_id)
        except Exception as error:  # storage refused it: the session stays as it was
            self.notify(str(error), title=_("Not discarded"), severity="error")
            return
        if outcome == "deleted":
            self.notify(_("Unfinished session deleted (nothing in it was answered)."), timeout=4)
        else:
            self.notify(_("Session ended; its answers stay in Review."), timeout=4)
        self.load()

    # --- actions -------------------------------------------------------------------------------------

    def restore_form(self, form: SessionForm | None) -> None:
        """Put the last used values in the form, unless the user has already typed there."""
        if form is None:
            return
        for widget_id, default, value in (("#n-questions", "3", form.n_questions),
                                          ("#minutes", "5", form.minutes)):
            field = self.query_one(widget_id, Input)
            if field.value == default:
                field.value = f"{value:g}"

    def _number(self, widget_id: str, low: float, high: float, message: str,
                whole: bool = False) -> float | None:
        """The field's value when it lies in [low, high]; else None, after saying what is wrong and putting
        the focus there (the value is never changed behind the user's back)."""
        field = self.query_one(widget_id, Input)
        try:
            value: float | None = float(field.value)
        except ValueError:
            value = None
        if value is None or not low <= value <= high or (whole and value != int(value)):
            self.notify(message, title=_("Cannot start"), severity="error", timeout=6)
            field.focus()
            return None
        return value

    def read_form(self) -> SessionForm | None:
        """The form's values, or None when one is out of range (the user has been told which)."""
        from interviewer.services.ui.ui_state import SessionForm

        fewest, most = QUESTIONS_RANGE
        n = self._number("#n-questions", fewest, most, whole=True, message=_(
            "Questions: enter a whole number from {low} to {high}.").format(low=fewest, high=most))
        if n is None:
            return None
        low, high = MINUTES_RANGE
        minutes = self._number("#minutes", low, high, message=_(
            "Minutes per question: enter a number from {low:g} to {high:g}.").format(low=low, high=high))
        if minutes is None:
            return None
        return SessionForm(int(n), minutes)

    def session_config(self, mode: SessionMode, topics: tuple[str, ...] | None = None,
                       form: SessionForm | None = None) -> SessionConfig:
        from interviewer.services.engine.api import SessionConfig
        from interviewer.services.ui.ui_state import SessionForm

        settings = host(self).services.settings
        chosen = tuple(self.query_one("#topics", SelectionList).selected) if topics is None else topics
        form = form or SessionForm()
        return SessionConfig(
            mode=mode,
            topics=chosen,
            n_questions=form.n_questions,
            per_question_s=form.minutes * 60,
            max_follow_ups=settings.max_follow_ups,
            persona=settings.persona,
            language=settings.language,
            seed=host(self).services.seed,
        )

    def open_interview(self, config: SessionConfig | None, resume_id: str | None = None) -> None:
        from interviewer.screens.interview import InterviewScreen

        self.app.push_screen(InterviewScreen(config=config, resume_id=resume_id))

    def action_start(self, mode: str) -> None:
        from interviewer.services.engine.api import SessionMode

        form = self.read_form()
        if form is None:
            return
        host(self).services.remember_session_form(form)
        self.open_interview(self.session_config(SessionMode(mode), form=form))

    def action_drill(self) -> None:
        from interviewer.screens.drill import DrillScreen
        from interviewer.services.engine.api import SessionMode

        form = self.read_form()
        if form is None:
            return
        host(self).services.remember_session_form(form)
        self.app.push_screen(DrillScreen(self.session_config(SessionMode.DRILL, topics=(), form=form)))

    @on(Input.Submitted, "#n-questions, #minutes")
    def field_submitted(self) -> None:
        """Enter in a number field starts a timed interview, as the menu's first entry does."""
        self.action_start("timed")

    def action_review(self) -> None:
        from interviewer.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_progress(self) -> None:
        from interviewer.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen())

    def action_settings(self) -> None:
        from interviewer.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    @on(OptionList.OptionSelected, "#menu")
    def menu_chosen(self, event: OptionList.OptionSelected) -> None:
        actions = {
            "timed": lambda: self.action_start("timed"),
            "practice": lambda: self.action_start("practice"),
            "drill": self.action_drill,
            "review": self.action_review,
            "progress": self.action_progress,
            "settings": self.action_settings,
        }
        if event.option.id in actions:
            actions[event.option.id]()
