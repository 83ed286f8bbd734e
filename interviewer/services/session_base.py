"""Session plumbing of the engine: construction, start, resume, finish, close, state and time left.

The turn flow itself is in `engine.InterviewEngine`, which subclasses this.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from interviewer.domain import Language
from interviewer.history import SessionRecord, SessionState
from interviewer.services.clock import CandidateTimer, Clock, SystemClock
from interviewer.services.engine_api import (
    DRAFT_AUTOSAVE_S,
    AnswerStatus,
    EngineError,
    EngineEvent,
    EngineState,
    FollowUpAsked,
    Listener,
    Phase,
    QuestionAsked,
    Remaining,
    ResumableSession,
    SessionConfig,
    SessionFinished,
    SessionStarted,
    SessionSummary,
)
from interviewer.services.event_bus import EventBus
from interviewer.services.llm_calls import DEFAULT_GRADE_TIMEOUT_S, DEFAULT_REPLY_TIMEOUT_S, DEFAULT_STALL_S
from interviewer.services.plan import SessionPlan, make_plan, plan_from_settings, summarise
from interviewer.services.ports import Clarifier, FollowUpGenerator, GraderPort, QuestionSource, SessionStore
from interviewer.services.selection import START_DIFFICULTY, QuestionSelector, next_difficulty
from interviewer.services.turn_state import Turn, rebuild_turns

SETTINGS_VERSION = 1
T = TypeVar("T")



class SessionMixin:
    """State and lifecycle shared by the engine's methods."""

    def __init__(
        self,
        *,
        bank: QuestionSource,
        store: SessionStore,
        grader: GraderPort,
        fallback_grader: GraderPort | None = None,
        follow_ups: FollowUpGenerator | None = None,
        clarifier: Clarifier | None = None,
        clock: Clock | None = None,
        profile: str = "default",
        offline: bool | None = None,
        grade_timeout_s: float = DEFAULT_GRADE_TIMEOUT_S,
        stall_s: float = DEFAULT_STALL_S,
        reply_timeout_s: float = DEFAULT_REPLY_TIMEOUT_S,
        autosave_s: float = DRAFT_AUTOSAVE_S,
        closers: Sequence[Callable[[], Awaitable[None]]] = (),
        threaded_io: bool = True,
        warm_up: Callable[[], object] | None = None,
    ) -> None:
        """`offline` (default: no fallback grader given) makes selection prefer questions with a reference."""
        self._bank = bank
        self._store = store
        self._base_grader = grader
        self._grader = grader
        self._fallback_grader = fallback_grader
        self._follow_ups = follow_ups
        self._clarifier = clarifier
        self._clock: Clock = clock or SystemClock()
        self._profile = profile
        self._offline = fallback_grader is None if offline is None else offline
        self._grade_timeout_s = grade_timeout_s
        self._stall_s = stall_s
        self._reply_timeout_s = reply_timeout_s
        self._autosave_s = autosave_s
        self._closers = tuple(closers)
        self._threaded_io = threaded_io
        self._draft_task: asyncio.Future[Any] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._warm_up = warm_up
        self._warming: asyncio.Future[object] | None = None
        self._bus = EventBus()
        self._reset()

    def _reset(self) -> None:
        self._phase = Phase.IDLE
        self._session_id: str | None = None
        self._config: SessionConfig | None = None
        self._selector: QuestionSelector | None = None
        self._turns: list[Turn] = []
        self._turn: Turn | None = None
        self._timer = self._new_timer()
        self._session_spent_before = 0.0
        self._part_started_spent = 0.0
        self._difficulty = START_DIFFICULTY
        self._total = 0
        self._draft = ""
        self._draft_saved_at = self._clock.now()
        self._warned_question = False
        self._warned_session = False
        self._clarifications = 0
        self._clarifying = False
        self._stop_requested = False
        self._closed = False
        self._summary_cache: SessionSummary | None = None
        self._settled = asyncio.Event()
        self._settled.set()

    # ---- the contract's read side ------------------------------------------------------------------------

    @property
    def state(self) -> EngineState:
        turn = self._turn
        return EngineState(
            phase=self._phase, session_id=self._session_id, config=self._config,
            current=turn.view() if turn else None, follow_up_index=len(turn.follow_ups) if turn else 0,
            draft=self._draft, turns=tuple(t.view() for t in self._turns),
            number=turn.number if turn else len(self._turns), total=self._total,
            remaining=self._remaining(None),
        )

    @property
    def event_history(self) -> Sequence[EngineEvent]:
        """Every event sent so far (tests and the CLI use it)."""
        return self._bus.history

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        return self._bus.add_listener(listener)

    def events(self) -> AsyncIterator[EngineEvent]:
        return self._bus.subscribe()

    def remaining_time(self) -> Remaining:
        return self._remaining(None)

    def _remaining(self, now: float | None) -> Remaining:
        config = self._config
        if config is None:
            return Remaining(None, None, None, None)
        q_limit, s_limit = config.per_question_s, config.effective_session_budget_s
        q_spent = self._timer.spent(now) if self._turn is not None else 0.0
        s_spent = self._session_spent_before + q_spent
        return Remaining(
            question_s=max(0.0, q_limit - q_spent) if q_limit is not None else None,
            session_s=max(0.0, s_limit - s_spent) if s_limit is not None else None,
            question_limit_s=q_limit, session_limit_s=s_limit,
        )

    def _session_time_up(self) -> bool:
        remaining = self._remaining(None).session_s
        return remaining is not None and remaining <= 0

    # ---- start / resume ----------------------------------------------------------------------------------

    async def start(self, config: SessionConfig) -> str:
        self._require_idle()
        seed = config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
        plan = make_plan(config, self._bank.questions, self._store, self._profile, seed, self._clock.wall())
        settings: dict[str, Any] = {"version": SETTINGS_VERSION, "config": config.model_dump(mode="json"),
                                    "plan": plan.to_json()}
        record = await self._io(self._store.start_session, self._profile, config.mode, settings,
                                started_at=self._clock.wall())
        self._reset()
        self._install(record.id, config, plan)
        self._emit(SessionStarted(session_id=record.id, config=config, resumed=False))
        await self._ask_next()  # type: ignore[attr-defined]
        return record.id

    async def resume(self, session_id: str) -> None:
        self._require_idle()
        record = self._resumable_record(session_id)
        try:
            config = SessionConfig.model_validate(record.settings["config"])
            plan = plan_from_settings(record.settings["plan"], self._bank.questions)
        except (KeyError, ValueError) as err:
            raise EngineError(f"session {session_id} was not started by this engine ({err})") from None
        questions = {q.id: q for q in self._bank.questions}
        stored = await self._io(self._store.turns_for_session, session_id)
        turns = rebuild_turns(stored, questions, config.per_question_s)
        self._reset()
        self._install(session_id, config, plan)
        for done in turns[:-1]:
            self._complete_restored(done)
        last = turns[-1] if turns else None
        if last is not None:
            self._turn, self._timer = last, self._new_timer(last.spent_s)
            if not self._is_unfinished(last):
                self._complete_restored(last)
                last = None
        self._emit(SessionStarted(session_id=session_id, config=config, resumed=True))
        if last is None:
            await self._ask_next()  # type: ignore[attr-defined]
            return
        self._emit(QuestionAsked(turn_id=last.main.turn_id, number=last.number, total=self._total,
                                 question=last.question, time_limit_s=config.per_question_s,
                                 draft=last.main.draft))
        for index, part in enumerate(last.follow_ups, 1):
            self._emit(FollowUpAsked(turn_id=part.turn_id, parent_turn_id=last.main.turn_id, index=index,
                                     text=part.prompt, source=part.source))
        if last.current.status is AnswerStatus.PENDING:
            self._start_turn(last, last.spent_s)  # type: ignore[attr-defined]
        else:
            await self._advance(last)  # type: ignore[attr-defined]

    def _complete_restored(self, turn: Turn) -> None:
        self._turns.append(turn)
        self._turn = None
        self._session_spent_before += turn.spent_s
        main = turn.main
        self._difficulty = next_difficulty(self._difficulty,
                                           main.grade if main.status is not AnswerStatus.SKIPPED else None)

    def _is_unfinished(self, turn: Turn) -> bool:
        part = turn.current
        if part.status is AnswerStatus.PENDING or part.needs_grade:
            return True
        return self._follow_up_target(turn) is not None  # type: ignore[attr-defined]

    def _resumable_record(self, session_id: str) -> SessionRecord:
        try:
            record = self._store.get_session(session_id)
        except LookupError:
            raise EngineError(f"no session {session_id!r}") from None
        if record.state is not SessionState.ACTIVE:
            raise EngineError(f"session {session_id} is {record.state.value}; only active sessions resume")
        return record

    def resumable_sessions(self) -> Sequence[ResumableSession]:
        found = []
        for record in self._store.list_sessions(self._profile, limit=20):
            if record.state is not SessionState.ACTIVE or "config" not in record.settings:
                continue
            turns = self._store.turns_for_session(record.id)
            answered = sum(1 for t in turns if t.parent_turn_id is None and t.submitted)
            config = record.settings["config"]
            found.append(ResumableSession(
                session_id=record.id, mode=record.mode, started_at=record.started_at.isoformat(),
                answered=answered, n_questions=len(config.get("question_ids") or ()) or config["n_questions"],
            ))
        return found

    def _install(self, session_id: str, config: SessionConfig, plan: SessionPlan) -> None:
        if self._warm_up is not None and self._warming is None:
            # e.g. the offline grader's tables: loaded while the candidate reads the first question.
            self._warming = asyncio.ensure_future(asyncio.to_thread(self._warm_up))
            self._warming.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._session_id, self._config = session_id, config
        self._selector = QuestionSelector(plan.pool, seed=plan.seed, prefer_reference=self._offline,
                                          priority=plan.priority)
        self._total = plan.total
        # The LLM judge words its prompt prefix like the follow-ups of this session (shared prefix cache).
        for_session = getattr(self._base_grader, "for_session", None)
        self._grader = for_session(language=config.language, persona=config.persona) if for_session else \
            self._base_grader

    # ---- finish / close ----------------------------------------------------------------------------------

    async def finish(self) -> SessionSummary | None:
        if self._phase in (Phase.IDLE, Phase.FINISHED) or self._closed:
            return None
        self._stop_requested = True
        await self._settled.wait()  # let a grading or follow-up in flight land in storage first
        if self._phase is Phase.FINISHED:
            return self._summary_cache
        if self._phase is Phase.ANSWERING:
            self._persist_draft()
        return await self._finish("stopped")

    async def close(self) -> None:
        if self._phase is Phase.ANSWERING:
            self._timer.stop()
            self._persist_draft()
        self._closed = True
        self._bus.end_streams()
        for closer in self._closers:  # e.g. the LLM client's connection pool
            await closer()
        self._closers = ()
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None

    async def _finish(self, reason: str) -> SessionSummary:
        self._timer.stop()
        session_id = self._session_or_raise()
        await self._draft_written()
        await self._io(self._store.finish_session, session_id, ended_at=self._clock.wall())
        turns = list(self._turns)
        if self._turn is not None and self._turn.main.status is not AnswerStatus.PENDING:
            turns.append(self._turn)  # ended during a follow-up: the main answer was graded and counts
        summary = summarise(session_id, self._config_or_raise().mode, reason, [t.view() for t in turns])
        self._summary_cache = summary
        self._set_phase(Phase.FINISHED)
        self._emit(SessionFinished(summary=summary))
        return summary

    # ---- helpers -----------------------------------------------------------------------------------------

    def _require_idle(self) -> None:
        if self._phase not in (Phase.IDLE, Phase.FINISHED) or self._closed:
            raise EngineError("a session is already running in this engine")

    def _emit(self, event: EngineEvent) -> None:
        self._bus.emit(event)

    def _set_phase(self, phase: Phase) -> None:
        self._phase = phase
        if phase in (Phase.GRADING, Phase.ASKING):
            self._settled.clear()
        else:
            self._settled.set()

    def _persist_draft(self) -> None:
        """Write the draft now (quit, finish): synchronously, so nothing is left in flight."""
        if self._turn is None:
            return
        self._store.save_draft(self._turn.current.turn_id, self._draft, saved_at=self._clock.wall())
        self._draft_saved_at = self._clock.now()

    def _autosave_draft(self) -> None:
        """Write the draft in the background (the UI calls `save_draft` from its event loop)."""
        if self._turn is None:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            self._persist_draft()
            return
        if self._draft_task is not None and not self._draft_task.done():
            return  # the next autosave (or the submit) writes the newer text
        self._draft_saved_at = self._clock.now()
        self._draft_task = asyncio.ensure_future(self._io(self._store.save_draft, self._turn.current.turn_id,
                                                          self._draft, saved_at=self._clock.wall()))

    async def flush(self) -> None:
        """Wait until the background draft autosave (if any) is stored (tests, and before a risky step)."""
        await self._draft_written()

    async def _draft_written(self) -> None:
        """Wait for a background draft write, so it never lands after the answer."""
        task, self._draft_task = self._draft_task, None
        if task is not None:
            with contextlib.suppress(Exception):
                await task

    async def _io(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A storage call; in a worker thread so a slow commit (or a lock held by another process) never
        blocks the event loop the UI runs on. Calls stay strictly sequential per engine."""
        if not self._threaded_io:
            return call(*args, **kwargs)
        if self._executor is None:
            # One thread per engine keeps its writes in order; the event loop never waits on a commit.
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="interviewer-storage")
        return await asyncio.get_running_loop().run_in_executor(self._executor,
                                                                 functools.partial(call, *args, **kwargs))

    def _new_timer(self, spent_s: float = 0.0) -> CandidateTimer:
        return CandidateTimer(self._clock, spent_s)

    @property
    def _language(self) -> Language:
        return self._config_or_raise().language

    def _config_or_raise(self) -> SessionConfig:
        if self._config is None:
            raise EngineError("no session: call start() or resume() first")
        return self._config

    def _session_or_raise(self) -> str:
        if self._session_id is None:
            raise EngineError("no session: call start() or resume() first")
        return self._session_id

    def _selector_or_raise(self) -> QuestionSelector:
        if self._selector is None:
            raise EngineError("no session: call start() or resume() first")
        return self._selector
