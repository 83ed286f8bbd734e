"""Clocks for the engine: the real one, and a fake that tests (and the TUI's pilot tests) move by hand."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Monotonic seconds for time limits, wall time for records, and a sleep that follows the clock."""

    def now(self) -> float:
        """Monotonic seconds (only differences matter)."""
        ...

    def wall(self) -> datetime:
        """Timezone-aware UTC now, for stored timestamps."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class CandidateTimer:
    """Counts candidate time only: it runs while the candidate answers and stops while the machine works."""

    def __init__(self, clock: Clock, spent_s: float = 0.0) -> None:
        self._clock = clock
        self._spent = spent_s
        self._since: float | None = None

    @property
    def running(self) -> bool:
        return self._since is not None

    def start(self) -> None:
        if self._since is None:
            self._since = self._clock.now()

    def stop(self, now: float | None = None) -> float:
        """Stop counting (at `now`, default the clock's now); returns the total spent."""
        if self._since is not None:
            current = self._clock.now() if now is None else now
            self._spent += max(0.0, current - self._since)
            self._since = None
        return self._spent

    def set_spent(self, spent_s: float) -> None:
        """Overwrite the total (e.g. clamp to the limit on auto-submit); keeps running if it was."""
        if self._since is not None:
            self._since = self._clock.now()
        self._spent = spent_s

    def spent(self, now: float | None = None) -> float:
        """Seconds counted so far (up to `now`, default the clock's now)."""
        if self._since is None:
            return self._spent
        current = self._clock.now() if now is None else now
        return self._spent + max(0.0, current - self._since)
