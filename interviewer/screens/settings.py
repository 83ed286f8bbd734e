"""Settings: LLM endpoint and model, language, persona, profile, theme; saved to the TOML config file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static

from interviewer.config import Settings
from interviewer.i18n import N_, _
from interviewer.screens.host import host

LANGUAGES = [("中文 (zh)", "zh"), ("English (en)", "en")]  # each in its own language, whatever the interface
PERSONAS = [("friendly", N_("friendly")), ("standard", N_("standard")), ("strict", N_("strict"))]


class SettingsScreen(Screen[None]):
    HELP_TITLE = N_("Settings")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),  # not priority: typed keys reach the inputs first
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        settings: Settings = host(self).services.settings
        themes = sorted(self.app.available_themes)
        yield Header()
        with VerticalScroll(id="settings-form"):
            yield Static(_("Empty endpoint = offline grader. Environment variables override this file."),
                         markup=False)
            yield from _field(_("LLM endpoint"), Input(settings.llm.base_url or "", id="llm--base_url",
                                                    placeholder="http://127.0.0.1:8000/v1"))
            yield from _field(_("Model"), Input(settings.llm.model, id="llm--model"))
            yield from _field(_("Language"), Select(LANGUAGES, value=settings.language, allow_blank=False,
                                                 id="language"))
            personas = [(_(label), value) for value, label in PERSONAS]
            yield from _field(_("Interviewer"), Select(personas, value=settings.persona, allow_blank=False,
                                                    id="persona"))
            yield from _field(_("Profile"), Input(settings.profile, id="profile"))
            theme = settings.theme if settings.theme in themes else "textual-dark"
            yield from _field(_("Theme"), Select([(t, t) for t in themes], value=theme, allow_blank=False,
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
        before = host(self).services.settings.language
        try:
            settings = host(self).services.save_settings(self.values())
        except (ValueError, OSError) as error:
            self.notify(str(error), title=_("Not saved"), severity="error")
            return
        self.app.theme = settings.theme if settings.theme in self.app.available_themes else self.app.theme
        if settings.language != before:
            host(self).apply_language(settings.language)  # rebuilds Home in the new language
            self.notify(_("Settings saved."), timeout=3)  # after the switch, so it reads in the new language
            return
        self.notify(_("Settings saved."), timeout=3)
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.theme = host(self).services.settings.theme
        self.app.pop_screen()


def _field(label: str, widget: Input | Select[str]) -> ComposeResult:
    with Horizontal(classes="field"):
        yield Label(label, classes="field-label")
        yield widget
