"""What screens use of the app beyond Textual's `App`: the services facade and the theme.

`interviewer.app.InterviewerApp` is the one implementation (mypy checks it in `app.py`). Screens sit below
the app in the layers, so they name this protocol instead of importing the app class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from interviewer.services.ui.facade import UiServices


class AppHost(Protocol):
    @property
    def services(self) -> UiServices:
        """The facade every screen calls."""
        ...

    def apply_theme(self, name: str) -> None:
        """Use the configured theme (unknown names keep the current one)."""
        ...

    def apply_language(self, language: str) -> None:
        """Switch the interface language now (Home is rebuilt in it)."""
        ...


def host(node: DOMNode) -> AppHost:
    """The app `node` runs in, as the screens see it."""
    return cast("AppHost", node.app)
