"""The help overlay (`?` / F1): every key of the screen underneath and of the app."""

from __future__ import annotations

from rich.table import Table
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from interviewer.i18n import N_, _

# Keys handled by widgets rather than bindings, worth knowing about.
# Marked with N_ (key names can be words too) and translated when the overlay opens.
WIDGET_KEYS: dict[str, list[tuple[str, str]]] = {
    "InterviewScreen": [
        (N_("arrows, Home/End"), N_("move in the answer editor")),
        ("Ctrl+Z / Ctrl+Y", N_("undo / redo in the editor")),
        ("Tab", N_("insert an indent in the editor")),
    ],
    "ReviewScreen": [
        ("↑/↓, Enter", N_("choose a session")), ("Enter", N_("expand/collapse a reference answer")),
    ],
    "DrillScreen": [(N_("↑/↓, Space"), N_("select topics"))],
    "HomeScreen": [
        ("Tab / Shift+Tab", N_("move between fields")), (N_("Space"), N_("select topics in the list")),
    ],
}


def binding_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, description) for the screen's and the app's bindings; keys doing the same thing share a row."""
    rows: dict[str, list[str]] = {}
    for owner in (screen, screen.app):
        for binding in Binding.make_bindings(type(owner).BINDINGS):
            if not binding.description or _disabled(owner, binding):
                continue
            key = binding.key_display or screen.app.get_key_display(binding)
            keys = rows.setdefault(_(binding.description), [])
            if key not in keys:
                keys.append(key)
    return [(" / ".join(keys), description) for description, keys in rows.items()]


def _disabled(owner: DOMNode, binding: Binding) -> bool:
    """True when `owner` turns the binding off now (e.g. the interview's Esc rows for other destinations)."""
    destination, name, parameters = parse(binding.action)
    return not destination and owner.check_action(name, parameters) is False


class HelpScreen(ModalScreen[None]):
    """Lists every key; any of Escape, `?`, F1 or `q` closes it."""

    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss_help", "Close help", show=False),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under
        widget_keys = [(_(keys), _(what)) for keys, what in WIDGET_KEYS.get(type(under).__name__, [])]
        self.rows = binding_rows(under) + widget_keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False, expand=False)
        table.add_column(_("key"), style="bold", no_wrap=True)
        table.add_column(_("what it does"))
        for key, description in self.rows:
            table.add_row(key, description)
        with VerticalScroll(id="help-box") as box:
            title = _(getattr(self.under, "HELP_TITLE", type(self.under).__name__))
            box.border_title = _("Keys · {screen}").format(screen=title)
            box.border_subtitle = _("Esc closes")
            yield Static(table)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
