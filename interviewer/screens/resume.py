"""The Resume dialog on Home: continue an unfinished session, discard it, or decide later.

Discard never loses an answer silently: a session with answered questions is marked abandoned (the answers
stay in Review and keep counting for spaced repetition until the session is deleted there); one with
nothing answered is deleted. The dialog says which of the two will happen before it is chosen.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from interviewer.i18n import _, ngettext

ResumeChoice = Literal["resume", "discard", "later"]


def resume_text(mode: str, started: str, answered: int, total: int) -> str:
    """What the dialog says: the session, and what Discard will do with its answers."""
    head = _("An unfinished {mode} session from {started} UTC ({answered}/{total} answered).").format(
        mode=_(mode), started=started, answered=answered, total=total)
    if answered:
        discard = ngettext(
            "Discard ends it: the {n} answered question stays in Review and counts for spaced repetition "
            "(delete the session there to remove it).",
            "Discard ends it: the {n} answered questions stay in Review and count for spaced repetition "
            "(delete the session there to remove them).", answered).format(n=answered)
    else:
        discard = _("Discard deletes it (nothing in it was answered).")
    return f"{head}\n{discard}"


class ResumeScreen(ModalScreen[str]):
    """Dismisses with `resume` (y), `discard` (d) or `later` (n / Escape)."""

    BINDINGS = [
        Binding("y", "choose('resume')", "Resume"),
        Binding("d", "choose('discard')", "Discard"),
        Binding("n,escape", "choose('later')", "Not now"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = _("Resume")
            yield Static(self.text, id="dialog-question", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Resume") + " \\[y]", id="resume", variant="primary")
                yield Button(_("Discard") + " \\[d]", id="discard", variant="warning")
                yield Button(_("Not now") + " \\[n]", id="later")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "later")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
