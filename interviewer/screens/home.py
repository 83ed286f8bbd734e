"""Home: start a timed interview / practice / drill, open review, progress and settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from interviewer.screens.host import host

if TYPE_CHECKING:  # the services load in a worker after the first paint (see `load`)
    from interviewer.services.engine.api import ResumableSession, SessionConfig, SessionMode
    from interviewer.services.ui.models import LlmStatus, TopicView


MENU = {  # option id: label with its key, aligned
    action: f"{name:<18} {key}"
    for action, name, key in (
        ("timed", "Timed interview", "i"),
        ("practice", "Practice", "p"),
        ("drill", "Drill weak topics", "d"),
        ("review", "Review sessions", "r"),
        ("progress", "Progress", "g"),
        ("settings", "Settings", "s"),
    )
}


@dataclass(frozen=True)
class HomeData:
    topics: list[TopicView]
    due: int
    resumable: list[ResumableSession]


class HomeScreen(Screen[None]):
    """The root screen; refreshes its figures whenever it becomes current again."""

    HELP_TITLE = "Home"
    AUTO_FOCUS = "#menu"
    BINDINGS = [
        Binding("i", "start('timed')", "Interview"),
        Binding("p", "start('practice')", "Practice"),
        Binding("d", "drill", "Drill"),
        Binding("r", "review", "Review"),
        Binding("g", "progress", "Progress"),
        Binding("s", "settings", "Settings"),
        Binding("q", "app.request_quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: HomeData | None = None
        self._offered_resume = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="llm-status", markup=False)
        with Horizontal(id="home-body"):
            with Vertical(id="home-topics"):
                yield Label("Topics (none selected = all)")
                yield SelectionList[str](id="topics")
            with Vertical(id="home-form"):
                with Horizontal(classes="field"):
                    yield Label("Questions", classes="field-label")
                    yield Input("3", type="integer", id="n-questions", max_length=3)
                with Horizontal(classes="field"):
                    yield Label("Min / question", classes="field-label")
                    yield Input("5", type="number", id="minutes", max_length=5)
                # One menu widget rather than six buttons: fewer widgets to style before the first paint.
                yield OptionList(*(Option(label, id=action) for action, label in MENU.items()), id="menu")
        yield Footer()

    def on_mount(self) -> None:
        # Start loading after the first paint: the loader thread's imports would otherwise delay it.
        self.call_after_refresh(self.load)

    def on_screen_resume(self) -> None:
        if self.data is not None:
            self.load()

    @work(thread=True, group="home-load", exclusive=True, exit_on_error=False)
    def load(self) -> None:
        """Read the bank and storage off the event loop so the first paint is not delayed."""
        try:
            services = host(self).services  # first use builds it: settings, pydantic, ...
            self.app.call_from_thread(self.show_settings)
            data = HomeData(services.topics(), services.due_count(), list(services.resumable_sessions()))
        except Exception as error:  # a broken bank or database: say so, keep the app usable
            self.app.call_from_thread(self.notify, str(error), title="Cannot load", severity="error",
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
        widget.update(status.label + f"  ·  profile: {host(self).services.settings.profile}")
        widget.set_class(status.offline or status.reachable is False, "-offline")

    def show_data(self, data: HomeData) -> None:
        first_load = self.data is None
        self.data = data
        topics = self.query_one("#topics", SelectionList)
        if first_load:
            topics.add_options([(f"{t.name} ({t.questions})", t.slug) for t in data.topics])
        menu = self.query_one("#menu", OptionList)
        menu.replace_option_prompt("drill", f"{MENU['drill']} · {data.due} due")
        if data.resumable and not self._offered_resume:
            self._offered_resume = True
            self.offer_resume(data.resumable[0])

    def offer_resume(self, session: ResumableSession) -> None:
        from interviewer.screens.confirm import ConfirmScreen

        started = session.started_at[:16].replace("T", " ")
        text = (f"An unfinished {session.mode.value} session from {started} "
                f"UTC ({session.answered}/{session.n_questions} answered). Resume it?")

        def decided(yes: bool | None) -> None:
            if yes:
                self.open_interview(None, resume_id=session.session_id)

        self.app.push_screen(ConfirmScreen(text, yes="Resume", no="Not now", title="Resume"), decided)

    # --- actions -------------------------------------------------------------------------------------

    def _int_field(self, widget_id: str, default: float, low: float, high: float) -> float:
        try:
            value = float(self.query_one(widget_id, Input).value)
        except ValueError:
            return default
        return min(high, max(low, value))

    def session_config(self, mode: SessionMode, topics: tuple[str, ...] | None = None) -> SessionConfig:
        from interviewer.services.engine.api import SessionConfig

        settings = host(self).services.settings
        chosen = tuple(self.query_one("#topics", SelectionList).selected) if topics is None else topics
        return SessionConfig(
            mode=mode,
            topics=chosen,
            n_questions=int(self._int_field("#n-questions", 3, 1, 50)),
            per_question_s=self._int_field("#minutes", 5, 0.5, 60) * 60,
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

        self.open_interview(self.session_config(SessionMode(mode)))

    def action_drill(self) -> None:
        from interviewer.screens.drill import DrillScreen
        from interviewer.services.engine.api import SessionMode

        self.app.push_screen(DrillScreen(self.session_config(SessionMode.DRILL, topics=())))

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
