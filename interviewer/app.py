"""The Textual App: wiring and screen switching only (screens talk to `UiServices`)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, overload

from textual.app import App, ScreenType, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from interviewer import __version__
from interviewer.i18n import _, apply_setting
from interviewer.widgets.line_wrap import install_line_breaking
from interviewer.widgets.localized import localize_bindings

if TYPE_CHECKING:  # imported on first use: pydantic & co. load after the first paint
    from interviewer.services.ui.facade import UiServices

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class InterviewerApp(App[None]):
    """Mock-interview coach. Home is the root screen; other screens are pushed on top of it."""

    TITLE = "interviewer"
    SUB_TITLE = f"v{__version__}"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "request_quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme"),
    ]

    def __init__(
        self,
        db: str | None = None,
        profile: str | None = None,
        services: UiServices | None = None,
        animations: bool = True,
        language: str | None = None,
    ) -> None:
        super().__init__()
        install_line_breaking()  # UAX #14 wrapping for mixed Chinese/Latin text in every widget
        if language is not None:
            apply_setting(language)
        localize_bindings(self)
        self.db_url = db
        self.profile = profile
        self._services = services
        self._services_lock = threading.Lock()
        if not animations:
            self.animation_level = "none"

    @property
    def services(self) -> UiServices:
        """The facade every screen calls; built from settings on first use (not at import time)."""
        with self._services_lock:  # the Home loader thread and a quick key press may race here
            if self._services is None:
                from interviewer.services.ui.facade import UiServices

                self._services = UiServices.from_settings(db=self.db_url, profile=self.profile)
        return self._services

    def on_mount(self) -> None:
        from interviewer.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    @overload
    def get_screen(self, screen: ScreenType) -> ScreenType: ...

    @overload
    def get_screen(self, screen: str) -> Screen[Any]: ...

    @overload
    def get_screen(self, screen: str, screen_class: type[ScreenType] | None = None) -> ScreenType: ...

    @overload
    def get_screen(self, screen: ScreenType, screen_class: type[ScreenType] | None = None) -> ScreenType: ...

    def get_screen(
        self, screen: Screen[Any] | str, screen_class: type[Screen[Any]] | None = None
    ) -> Screen[Any]:
        """Every screen pushed or switched to passes here: translate its key descriptions before it shows."""
        found = super().get_screen(screen, screen_class)
        if not found.is_running:
            localize_bindings(found)
        return found

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's command palette entries, in the interface language."""
        for command in super().get_system_commands(screen):
            yield SystemCommand(_(command.title), _(command.help), command.callback, command.discover)

    def apply_language(self, language: str) -> None:
        """Switch the interface language now: keys are translated again and Home is rebuilt (the screens
        above it are closed; only Settings can switch, and it sits right above Home)."""
        from interviewer.screens.home import HomeScreen

        apply_setting(language)
        localize_bindings(self)
        while len(self.screen_stack) > 2:  # the default screen, then Home
            self.pop_screen()
        home = HomeScreen()
        home._offered_resume = True  # it was offered (or not needed) when the app started
        self.switch_screen(home)

    def apply_theme(self, name: str) -> None:
        """Use the configured theme (unknown names keep the current one)."""
        if name in self.available_themes:
            self.theme = name

    def action_help(self) -> None:
        from interviewer.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    async def action_request_quit(self) -> None:
        """Quit; mid-interview, ask first (everything answered so far is already stored)."""
        from interviewer.screens.confirm import ConfirmScreen

        guard = getattr(self.screen, "quit_guard", None)
        if guard is None or not guard():
            await self._shutdown_screens()
            self.exit()
            return

        async def decided(yes: bool | None) -> None:
            if yes:
                await self._shutdown_screens()
                self.exit()

        await self.push_screen(
            ConfirmScreen(_("Quit the interview? Your answers are saved and you can resume it later."),
                          yes=_("Quit"), no=_("Keep going")),
            decided,
        )

    async def _shutdown_screens(self) -> None:
        # Let an interview persist its draft and time spent before the app goes away.
        for screen in reversed(self.screen_stack):
            close = getattr(screen, "close_session", None)
            if close is not None:
                await close()


def make_app(
    db: str | None = None,
    profile: str | None = None,
    services: UiServices | None = None,
    animations: bool = True,
    language: str | None = None,
) -> InterviewerApp:
    """Factory used by the CLI and by tests (`services` injects fakes, `animations=False` for snapshots).

    The interface language, set before the first paint: `language` (the CLI reads the setting), else the
    `language` of the injected services' settings, else whatever is set already."""
    if language is None and services is not None:
        language = services.settings.language
    return InterviewerApp(db=db, profile=profile, services=services, animations=animations, language=language)


if TYPE_CHECKING:  # the app is what screens see as their host
    from interviewer.screens.host import AppHost

    def _is_host(app: InterviewerApp) -> AppHost:
        return app
