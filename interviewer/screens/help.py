"""The help overlay (`?` / F1): every key of the screen underneath and of the app."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

# Keys handled by widgets rather than bindings, worth knowing about.
WIDGET_KEYS: dict[str, list[tuple[str, str]]] = {
    "InterviewScreen": [
        ("arrows, Home/End", "move in the answer editor"),
        ("Ctrl+Z / Ctrl+Y", "undo / redo in the editor"),
        ("Tab", "insert an indent in the editor"),
    ],
    "ReviewScreen": [("↑/↓, Enter", "choose a session"), ("Enter", "expand/collapse a reference answer")],
    "DrillScreen": [("↑/↓, Space", "select topics")],
    "HomeScreen": [("Tab / Shift+Tab", "move between fields"), ("Space", "select topics in the list")],
}


def binding_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """(keys, description) for the screen's and the app's bindings; keys doing the same thing share a row."""
    rows: dict[str, list[str]] = {}
    for owner in (screen, screen.app):
        for binding in Binding.make_bindings(type(owner).BINDINGS):
            if not binding.description:
                continue
            key = binding.key_display or screen.app.get_key_display(binding)
            keys = rows.setdefault(binding.description, [])
            if key not in keys:
                keys.append(key)
    return [(" / ".join(keys), description) for description, keys in rows.items()]


class HelpScreen(ModalScreen[None]):
    """Lists every key; any of Escape, `?`, F1 or `q` closes it."""

    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss_help", "Close help", show=False),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under
        self.rows = binding_rows(under) + WIDGET_KEYS.get(type(under).__name__, [])

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False, expand=False)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what it does")
        for key, description in self.rows:
            table.add_row(key, description)
        with VerticalScroll(id="help-box") as box:
            box.border_title = f"Keys · {getattr(self.under, 'HELP_TITLE', type(self.under).__name__)}"
            box.border_subtitle = "Esc closes"
            yield Static(table)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
