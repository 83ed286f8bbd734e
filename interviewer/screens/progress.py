"""Progress: score trend, per-topic mastery and model-vs-self grades as terminal charts (textual-plotext)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from interviewer.screens.host import host
from interviewer.services.ui.models import ProgressView
from interviewer.widgets.charts import AgreementChart, MasteryChart, TrendChart


class ProgressScreen(Screen[None]):
    HELP_TITLE = "Progress"
    BINDINGS = [
        Binding("1", "tab('trend')", "Score trend"),
        Binding("2", "tab('mastery')", "Mastery"),
        Binding("3", "tab('agreement')", "Model vs self"),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="progress-summary", markup=False)
        with TabbedContent(id="charts"):
            with TabPane("Score trend \\[1]", id="trend"):
                yield TrendChart()
            with TabPane("Mastery \\[2]", id="mastery"):
                yield MasteryChart()
            with TabPane("Model vs self \\[3]", id="agreement"):
                yield AgreementChart()
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="progress-load", exit_on_error=False)
    def load(self) -> None:
        try:
            view = host(self).services.progress()
        except Exception as error:  # a broken bank or database: say so, keep the app usable
            self.app.call_from_thread(self.notify, str(error), title="Cannot load", severity="error")
            return
        self.app.call_from_thread(self.show, view)

    def show(self, view: ProgressView) -> None:
        self.query_one(TrendChart).show(view.trend)
        self.query_one(MasteryChart).show(view.mastery)
        self.query_one(AgreementChart).show(view.agreement)
        self.query_one("#progress-summary", Static).update(summary_line(view))

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_back(self) -> None:
        self.app.pop_screen()


def summary_line(view: ProgressView) -> str:
    """One line of figures above the charts (the charts are harder to read in a snapshot or a small term)."""
    if not view.trend:
        return "No graded sessions yet: your score trend appears after the first interview."
    last = view.trend[-1][1]
    parts = [f"{len(view.trend)} sessions", f"last mean {last:.1f}/10"]
    if view.agreement:
        gap = sum(own - model for model, own in view.agreement) / len(view.agreement)
        parts.append(f"self-grades vs model: {gap:+.1f} on average over {len(view.agreement)} answers")
    return " · ".join(parts)
