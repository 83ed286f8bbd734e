"""The Textual App: wiring and screen switching only."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from interviewer import __version__


class InterviewerApp(App[None]):
    """Placeholder home until the TUI issue lands: shows that the app starts offline."""

    TITLE = "interviewer"
    SUB_TITLE = f"v{__version__}"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, db: str | None = None, profile: str | None = None) -> None:
        super().__init__()
        self.db_url = db
        self.profile = profile

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Mock interviews for LLM / ML engineers. Offline grader in use.", id="home-intro")
        yield Footer()


def make_app(db: str | None = None, profile: str | None = None) -> InterviewerApp:
    """Factory used by the CLI and by tests."""
    return InterviewerApp(db=db, profile=profile)
