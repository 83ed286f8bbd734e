"""Settings: LLM endpoint and model, language, persona, profile, theme; saved to the TOML config file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static

from interviewer.config import Settings
from interviewer.screens.host import host

LANGUAGES = [("中文 (zh)", "zh"), ("English (en)", "en")]
PERSONAS = [("friendly", "friendly"), ("standard", "standard"), ("strict", "strict")]


class SettingsScreen(Screen[None]):
    HELP_TITLE = "Settings"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),  # not priority: typed keys reach the inputs first
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        settings: Settings = host(self).services.settings
        themes = sorted(self.app.available_themes)
        yield Header()
        with VerticalScroll(id="settings-form"):
            yield Static("Empty endpoint = offline grader. Environment variables override this file.",
                         markup=False)
            yield from _field("LLM endpoint", Input(settings.llm.base_url or "", id="llm--base_url",
                                                    placeholder="http://127.0.0.1:8000/v1"))
            yield from _field("Model", Input(settings.llm.model, id="llm--model"))
            yield from _field("Language", Select(LANGUAGES, value=settings.language, allow_blank=False,
                                                 id="language"))
            yield from _field("Interviewer", Select(PERSONAS, value=settings.persona, allow_blank=False,
                                                    id="persona"))
            yield from _field("Profile", Input(settings.profile, id="profile"))
            theme = settings.theme if settings.theme in themes else "textual-dark"
            yield from _field("Theme", Select([(t, t) for t in themes], value=theme, allow_blank=False,
                                              id="theme"))
        yield Footer()

    def values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for widget in self.query("#settings-form Input, #settings-form Select"):
            assert isinstance(widget, Input | Select)
            value = widget.value
            values[str(widget.id).replace("--", ".")] = "" if value is Select.BLANK else str(value).strip()
        return values

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "theme" and isinstance(event.value, str):
            self.app.theme = event.value  # preview at once

    def action_save(self) -> None:
        try:
            settings = host(self).services.save_settings(self.values())
        except (ValueError, OSError) as error:
            self.notify(str(error), title="Not saved", severity="error")
            return
        self.app.theme = settings.theme if settings.theme in self.app.available_themes else self.app.theme
        self.notify("Settings saved.", timeout=3)
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.theme = host(self).services.settings.theme
        self.app.pop_screen()


def _field(label: str, widget: Input | Select[str]) -> ComposeResult:
    with Horizontal(classes="field"):
        yield Label(label, classes="field-label")
        yield widget
