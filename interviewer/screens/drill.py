"""Drill: weak topics ranked with mastery bars and due counts; start a drill on the selected topics."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, SelectionList

from interviewer.i18n import N_, _
from interviewer.screens.host import host
from interviewer.services.engine.api import SessionConfig, SessionMode
from interviewer.services.ui.models import TopicMasteryView
from interviewer.widgets.mastery_bars import MasteryBars

PRESELECT = 3  # the weakest topics are ticked by default


class DrillScreen(Screen[None]):
    HELP_TITLE = N_("Drill")
    BINDINGS = [
        Binding("ctrl+s,d", "start", "Start drill", priority=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, config: SessionConfig | None = None) -> None:
        super().__init__()
        self.config = config or SessionConfig(mode=SessionMode.DRILL)
        self.ranked: list[TopicMasteryView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="drill-body"):
            yield Label(_("Weakest topics first (mastery, questions due)"), classes="section-title")
            yield MasteryBars(id="mastery")
            yield Label(_("Drill on (Space toggles, d or Ctrl+S starts):"), classes="section-title")
            yield SelectionList[str](id="drill-topics")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.ranked:
            self.load()

    @work(thread=True, exclusive=True, group="drill-load", exit_on_error=False)
    def load(self) -> None:
        try:
            ranked = host(self).services.weakest_topics()
        except Exception as error:  # a broken bank or database: say so, keep the app usable
            self.app.call_from_thread(self.notify, str(error), title=_("Cannot load"), severity="error")
            return
        self.app.call_from_thread(self.show, ranked)

    def show(self, ranked: list[TopicMasteryView]) -> None:
        first = not self.ranked
        self.ranked = ranked
        self.query_one(MasteryBars).show(ranked[:8])
        if first:
            topics = self.query_one("#drill-topics", SelectionList)
            line = _("{topic}  ·  due {n}")
            topics.add_options([(line.format(topic=t.name, n=t.due), t.slug, i < PRESELECT)
                                for i, t in enumerate(ranked)])
            topics.focus()

    def selected_topics(self) -> tuple[str, ...]:
        return tuple(self.query_one("#drill-topics", SelectionList).selected)

    def action_start(self) -> None:
        from interviewer.screens.interview import InterviewScreen

        config = self.config.model_copy(update={"mode": SessionMode.DRILL, "topics": self.selected_topics()})
        self.app.push_screen(InterviewScreen(config=config))

    def action_back(self) -> None:
        self.app.pop_screen()
