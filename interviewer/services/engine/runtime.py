"""`SessionRuntime`: what one engine's session runs on, apart from the interview itself.

The clock and the candidate's timers, the phase (and whether work is in flight), the event bus, the draft
and its autosave, and the storage executor that keeps every write off the event loop and in order. The
engine (`interview.InterviewEngine`) owns one and drives the turn flow through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from interviewer.services.engine.api import EngineEvent, Phase, Remaining, SessionConfig
from interviewer.services.engine.clock import CandidateTimer, Clock, SystemClock
from interviewer.services.engine.event_bus import EventBus
from interviewer.services.engine.ports import SessionStore

T = TypeVar("T")


class SessionRuntime:
    """Clock, timers, phase, events, draft autosave and storage executor of one engine."""

    def __init__(self, store: SessionStore, *, clock: Clock | None, autosave_s: float, threaded_io: bool,
                 closers: Sequence[Callable[[], Awaitable[None]]] = (),
                 warm_up: Callable[[], object] | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.bus = EventBus()
        self.autosave_s = autosave_s
        self._threaded_io = threaded_io
        self._executor: ThreadPoolExecutor | None = None
        self._closers = tuple(closers)
        self._warm_up = warm_up
        self._warming: asyncio.Future[object] | None = None
        self._draft_task: asyncio.Future[Any] | None = None
        self.reset()

    def reset(self) -> None:
        """A new session: idle, no draft, fresh timers."""
        self.phase = Phase.IDLE
        self.timer = self.new_timer()
        self.session_spent_before = 0.0
        self.part_started_spent = 0.0
        self.draft = ""
        self.draft_saved_at = self.clock.now()
        self.settled = asyncio.Event()
        self.settled.set()

    # ---- phase and events ----------------------------------------------------------------------------------

    def set_phase(self, phase: Phase) -> None:
        """Grading and asking are work in flight: `settled` is clear until the phase moves on."""
        self.phase = phase
        if phase in (Phase.GRADING, Phase.ASKING):
            self.settled.clear()
        else:
            self.settled.set()

    def emit(self, event: EngineEvent) -> None:
        self.bus.emit(event)

    def start_warm_up(self) -> None:
        """Run `warm_up` (e.g. the offline grader's tables) in a thread, once, while the candidate reads."""
        if self._warm_up is not None and self._warming is None:
            self._warming = asyncio.ensure_future(asyncio.to_thread(self._warm_up))
            self._warming.add_done_callback(lambda done: done.cancelled() or done.exception())

    # ---- time ----------------------------------------------------------------------------------------------

    def new_timer(self, spent_s: float = 0.0) -> CandidateTimer:
        return CandidateTimer(self.clock, spent_s)

    def remaining(self, config: SessionConfig | None, in_turn: bool, now: float | None = None) -> Remaining:
        """Time left on the question (when `in_turn`) and in the session, with the limits."""
        if config is None:
            return Remaining(None, None, None, None)
        q_limit, s_limit = config.per_question_s, config.effective_session_budget_s
        q_spent = self.timer.spent(now) if in_turn else 0.0
        s_spent = self.session_spent_before + q_spent
        return Remaining(
            question_s=max(0.0, q_limit - q_spent) if q_limit is not None else None,
            session_s=max(0.0, s_limit - s_spent) if s_limit is not None else None,
            question_limit_s=q_limit, session_limit_s=s_limit,
        )

    # ---- the draft -----------------------------------------------------------------------------------------

    def persist_draft(self, turn_id: str) -> None:
        """Write the draft now (quit, finish): synchronously, so nothing is left in flight."""
        self.store.save_draft(turn_id, self.draft, saved_at=self.clock.wall())
        self.draft_saved_at = self.clock.now()

    def autosave_draft(self, turn_id: str) -> None:
        """Write the draft in the background (the UI calls `save_draft` from its event loop)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            self.persist_draft(turn_id)
            return
        if self._draft_task is not None and not self._draft_task.done():
            return  # the next autosave (or the submit) writes the newer text
        self.draft_saved_at = self.clock.now()
        self._draft_task = asyncio.ensure_future(self.io(self.store.save_draft, turn_id, self.draft,
                                                         saved_at=self.clock.wall()))

    async def draft_written(self) -> None:
        """Wait for a background draft write, so it never lands after the answer."""
        task, self._draft_task = self._draft_task, None
        if task is not None:
            with contextlib.suppress(Exception):
                await task

    # ---- storage -------------------------------------------------------------------------------------------

    async def io(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A storage call; in a worker thread so a slow commit (or a lock held by another process) never
        blocks the event loop the UI runs on. Calls stay strictly sequential per engine."""
        if not self._threaded_io:
            return call(*args, **kwargs)
        if self._executor is None:
            # One thread per engine keeps its writes in order; the event loop never waits on a commit.
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="interviewer-storage")
        return await asyncio.get_running_loop().run_in_executor(self._executor,
                                                                 functools.partial(call, *args, **kwargs))

    async def close(self) -> None:
        """End event streams, run the closers (e.g. the LLM client's pool), stop the storage thread."""
        self.bus.end_streams()
        for closer in self._closers:
            await closer()
        self._closers = ()
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
