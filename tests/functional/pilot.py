"""Steps the TUI pilot tests share: wait for a condition, wait for Home, start an interview."""

from __future__ import annotations

import asyncio

from interviewer.screens.home import HomeScreen
from interviewer.screens.interview import InterviewScreen
from interviewer.services.engine import api as engine_api


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    """Poll the app until `condition()` holds (no fixed sleeps)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {condition.__doc__ or condition}")
        await pilot.pause(0.02)


async def home_ready(pilot) -> None:
    """Home has loaded the bank and storage (its loader starts after the first paint)."""
    screen = pilot.app.screen
    await wait_for(pilot, lambda: isinstance(screen, HomeScreen) and screen.data is not None)
    await pilot.app.workers.wait_for_complete()


async def start_interview(pilot, key: str = "i", timeout: float = 10.0) -> InterviewScreen:
    """From a fresh app: wait for Home, press `key` (i: timed, p: practice), wait for the first question."""
    app = pilot.app
    await home_ready(pilot)
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen)
                   and app.screen.phase is engine_api.Phase.ANSWERING, timeout)
    screen = app.screen
    assert isinstance(screen, InterviewScreen)
    return screen
