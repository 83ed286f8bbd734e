"""Progress: score trend and model-vs-self grades as terminal charts (textual-plotext), mastery per topic as
text bars (they name every topic by its display name, CJK included, at any terminal size)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from interviewer.i18n import N_, _, ngettext
from interviewer.screens.host import host
from interviewer.services.ui.models import ProgressView
from interviewer.widgets.charts import AgreementChart, TrendChart
from interviewer.widgets.mastery_bars import MasteryBars


class ProgressScreen(Screen[None]):
    HELP_TITLE = N_("Progress")
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
            with TabPane(_("Score trend") + " \\[1]", id="trend"):
                yield TrendChart()
            with TabPane(_("Mastery") + " \\[2]", id="mastery"), VerticalScroll(id="progress-mastery-scroll"):
                yield MasteryBars(id="progress-mastery")
            with TabPane(_("Model vs self") + " \\[3]", id="agreement"):
                yield AgreementChart()
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="progress-load", exit_on_error=False)
    def load(self) -> None:
        try:
            view = host(self).services.progress()
        except Exception as error:  # a broken bank or database: say so, keep the app usable
            self.app.call_from_thread(self.notify, str(error), title=_("Cannot load"), severity="error")
            return
        self.app.call_from_thread(self.show, view)

    def show(self, view: ProgressView) -> None:
        self.query_one(TrendChart).show(view.trend)
        self.query_one("#progress-mastery", MasteryBars).show(view.mastery)
        self.query_one(AgreementChart).show(view.agreement)
        self.query_one("#progress-summary", Static).update(summary_line(view))

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_back(self) -> None:
        self.app.pop_screen()


def summary_line(view: ProgressView) -> str:
    """One line of figures above the charts (the charts are harder to read in a snapshot or a small term)."""
    if not view.trend:
        return _("No graded sessions yet: your score trend appears after the first interview.")
    last = view.trend[-1][1]
    sessions = ngettext("{n} session", "{n} sessions", len(view.trend)).format(n=len(view.trend))
    parts = [sessions, _("last mean {score}/10").format(score=f"{last:.1f}")]
    if view.agreement:
        gap = sum(own - model for model, own in view.agreement) / len(view.agreement)
        n = len(view.agreement)
        parts.append(ngettext("self-grades vs model: {gap} on average over {n} answer",
                              "self-grades vs model: {gap} on average over {n} answers", n)
                     .format(gap=f"{gap:+.1f}", n=n))
    return " · ".join(parts)
