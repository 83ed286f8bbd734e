"""A countdown label (m:ss) that turns to the warning colour in its last 20%.

It only displays time: the engine owns the clock and the limits (and auto-submits), so the label reads
`(remaining, limit)` from a callable and never decides anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Static

from interviewer.i18n import _

WARNING_FRACTION = 0.2
TimeSource = Callable[[], tuple[float | None, float | None]]


def format_seconds(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`), never negative; rounds up so 0:00 means really expired."""
    whole = max(0, int(seconds + 0.999))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def no_time() -> tuple[float | None, float | None]:
    """(remaining, limit): (None, None) = untimed; (None, limit) = paused."""
    return None, None


class Countdown(Static):
    """`label m:ss`, refreshed twice a second; class `-warning` in the last 20% of the limit."""

    def __init__(self, label: str, source: TimeSource = no_time, **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.label = label
        self.source = source
        self.final: str | None = None

    def on_mount(self) -> None:
        self.set_interval(0.5, self.tick)
        self.tick()

    def stop(self, text: str) -> None:
        """Show `text` from now on (the session is over: neither a countdown nor `untimed` is true)."""
        self.final = text
        self.tick()

    def tick(self) -> None:
        if self.final is not None:
            self.update(self.final)
            self.set_class(False, "-warning")
            return
        remaining, limit = self.source()
        if remaining is None or not limit:
            self.update(f"{self.label} {'–:––' if limit else _('untimed')}")
            self.set_class(False, "-warning")
            return
        self.update(f"{self.label} {format_seconds(remaining)}")
        self.set_class(remaining <= limit * WARNING_FRACTION, "-warning")
