"""Summary: what one finished session came to, then Review (its transcript) or a new session.

Scores per question and per topic, time used against the budget, the key points missed most and the topics
the next drill starts with. Everything comes from `UiServices.session_summary`, loaded in a thread.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from interviewer.domain import Verdict
from interviewer.i18n import N_, _, ngettext
from interviewer.screens.host import host
from interviewer.services.engine.api import SessionConfig
from interviewer.services.ui.models import QuestionScoreView, SummaryView
from interviewer.widgets.countdown import format_seconds
from interviewer.widgets.grade_card import VERDICT_STYLE
from interviewer.widgets.mastery_bars import new_topic_label
from interviewer.widgets.safe_text import strip_controls

REASONS = {
    "completed": N_("all questions answered"),
    "time_up": N_("time is up"),
    "stopped": N_("ended early"),
    "no_more_questions": N_("no more questions"),
}
STATUS_WORDS = {"skipped": N_("skipped"), "dont_know": N_("I don't know"), "pending": N_("not answered"),
                "auto_submitted": N_("time ran out")}


def score_cell(row: QuestionScoreView) -> Text:
    """`7.5` in the verdict's colour, else why there is no score."""
    if row.score is not None:
        return Text(f"{row.score:.1f}", style=VERDICT_STYLE.get(Verdict(row.verdict), "bold"))
    word = STATUS_WORDS.get(row.status.value)
    return Text(_(word) if word else _("ungraded"), style="dim")


def questions_table(view: SummaryView) -> Table:
    table = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
    table.add_column("#", no_wrap=True, justify="right")
    table.add_column(_("Question"), overflow="ellipsis", no_wrap=True, ratio=3)
    table.add_column(_("Topic"), overflow="fold", ratio=2)
    table.add_column(_("Time"), no_wrap=True, justify="right")
    table.add_column(_("Score"), no_wrap=True, justify="right")
    for row in view.questions:
        status = STATUS_WORDS.get(row.status.value) if row.score is not None else None
        note = f" ({_(status)})" if status else ""
        # The question's own words (its first line) say more than its id; Review has the whole text.
        first_line = (row.text.strip().splitlines() or [row.question_id])[0]
        table.add_row(str(row.number), Text(strip_controls(first_line) + note),
                      Text(strip_controls(row.topic)), format_seconds(row.time_spent_s), score_cell(row))
    return table


def topics_text(view: SummaryView) -> Text:
    text = Text()
    for topic in view.topics:
        score = "–" if topic.mean is None else f"{topic.mean:.1f}/10"
        text.append(f"{strip_controls(topic.name)}  ", style="bold")
        graded = _("{graded} of {questions} graded").format(graded=topic.graded, questions=topic.questions)
        text.append(f"{score} ({graded})\n")
    return text


def time_line(view: SummaryView) -> str:
    used = format_seconds(view.time_used_s)
    if view.budget_s is None:
        return _("Time used: {used} (untimed)").format(used=used)
    return _("Time used: {used} of {budget}").format(used=used, budget=format_seconds(view.budget_s))


def missed_text(view: SummaryView) -> Text:
    if not view.missed_most:
        return Text(_("No key point missed."), style="green")
    text = Text()
    for point, count in view.missed_most:
        times = f"  ×{count}" if count > 1 else ""
        text.append("✗ ", style="red")
        text.append(strip_controls(point) + times + "\n")
    return text


def drill_text(view: SummaryView) -> Text:
    if not view.drill_next:
        return Text(_("Nothing to drill yet."))
    text = Text()
    for topic in view.drill_next:
        text.append(f"{strip_controls(topic.name)}  ", style="bold")
        if topic.is_new:
            text.append(new_topic_label(topic) + "\n")
        elif topic.mastery is None:
            text.append(_("not practised yet") + "\n")
        else:
            line = _("mastery {mastery} · {due} due").format(mastery=f"{topic.mastery:.0%}", due=topic.due)
            text.append(line + "\n")
    return text


class SummaryScreen(Screen[None]):
    """Shown when a session ends (Enter after the last grade); Esc goes back to Home."""

    DEFAULT_CSS = """
    #summary-body { height: 1fr; padding: 0 1; }
    #summary-body > Static { height: auto; }
    #summary-score { text-style: bold; }
    #summary-questions { margin: 1 0; }
    #summary-buttons { height: auto; padding: 0 1; }
    #summary-buttons Button { margin-right: 2; }
    """
    HELP_TITLE = N_("Summary")
    BINDINGS = [
        Binding("r", "review", N_("Review")),
        Binding("n", "new_session", N_("New session")),
        Binding("escape", "home", N_("Back to Home")),
    ]

    def __init__(self, session_id: str, config: SessionConfig | None = None,
                 reason: str | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.config = config
        self.reason = reason
        self.data: SummaryView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary-body"):
            yield Static(_("Loading the summary…"), id="summary-title", markup=False)
            yield Static("", id="summary-score", markup=False)
            yield Static("", id="summary-time", markup=False)
            yield Static("", id="summary-questions")
            yield Static(_("By topic"), classes="section-title", markup=False)
            yield Static("", id="summary-topics")
            yield Static(_("Missed most"), classes="section-title", markup=False)
            yield Static("", id="summary-missed")
            yield Static(_("The next drill brings"), classes="section-title", markup=False)
            yield Static("", id="summary-drill")
        with Horizontal(id="summary-buttons"):
            yield Button(_("Review"), id="summary-review", variant="primary")
            yield Button(_("New session"), id="summary-new")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="summary-load", exit_on_error=False)
    def load(self) -> None:
        try:
            view = host(self).services.session_summary(self.session_id)
        except Exception as error:  # storage went away: say so; Review and Home still work
            self.app.call_from_thread(self.notify, str(error), title=_("Cannot load"), severity="error")
            return
        self.app.call_from_thread(self.show, view)

    def show(self, view: SummaryView) -> None:
        self.data = view
        reason = REASONS.get(self.reason or "")
        count = len(view.questions)
        title = ngettext("Session finished: {mode}, {n} question", "Session finished: {mode}, {n} questions",
                         count).format(mode=_(view.session.mode), n=count)
        self.query_one("#summary-title", Static).update(f"{title} · {_(reason)}" if reason else title)
        score = _("Session score: {score}").format(score=view.session.score.describe())
        self.query_one("#summary-score", Static).update(score)
        self.query_one("#summary-time", Static).update(time_line(view))
        self.query_one("#summary-questions", Static).update(questions_table(view))
        self.query_one("#summary-topics", Static).update(topics_text(view))
        self.query_one("#summary-missed", Static).update(missed_text(view))
        self.query_one("#summary-drill", Static).update(drill_text(view))
        self.query_one("#summary-review", Button).focus()

    @on(Button.Pressed, "#summary-review")
    def review_pressed(self) -> None:
        self.action_review()

    @on(Button.Pressed, "#summary-new")
    def new_pressed(self) -> None:
        self.action_new_session()

    def action_review(self) -> None:
        from interviewer.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(session_id=self.session_id))

    def action_new_session(self) -> None:
        """The same kind of session again (same mode, topics and times); from Home when none is known."""
        if self.config is None:
            self.app.pop_screen()
            return
        from interviewer.screens.interview import InterviewScreen

        seed = host(self).services.seed  # None: a fresh draw of questions; tests fix it
        self.app.switch_screen(InterviewScreen(config=self.config.model_copy(update={"seed": seed})))

    def action_home(self) -> None:
        self.app.pop_screen()
