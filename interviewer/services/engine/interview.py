"""The interview engine: sessions, the clock and the turn flow, with no UI code (contract in `api`).

Turn flow, decided by code (`_advance`): ask -> answer (the draft is auto-submitted at the time limit) ->
grade -> a follow-up if key points were missed AND enough time remains AND fewer than `max_follow_ups` were
asked -> the follow-up answer is graded and merged into the turn's grade (`grade_merge`) -> next question.
No follow-up after a skip, "I don't know", an auto-submit, or a junk/injection answer.

Every storage write completes before the event that reports it is sent, so whatever a UI has shown is
already stored; writes run in the engine's storage thread and overlap the model's work where the order of
events allows (the answer's commit with grading, the grade's commit with the follow-up request). CPU-bound
graders run in a worker thread too. The engine owns its `SessionRuntime` (clock, timers, phase, events,
draft autosave, storage executor) and a `ReplyRelay` (streamed follow-ups and clarifications); what is
stored about a session (settings, resumable sessions) is read and written by `stored_sessions`.
"""

from __future__ import annotations

import functools
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from interviewer.services.engine import stored_sessions
from interviewer.services.engine.answer_kind import is_dont_know, looks_like_clarification
from interviewer.services.engine.api import (
    DRAFT_AUTOSAVE_S,
    WARNING_FRACTION,
    AnswerStatus,
    ClarificationAnswered,
    ClarificationStarted,
    ClarificationToken,
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
    TimeWarning,
)
from interviewer.services.engine.clock import Clock
from interviewer.services.engine.model_calls import (
    DEFAULT_GRADE_TIMEOUT_S,
    DEFAULT_REPLY_TIMEOUT_S,
    DEFAULT_STALL_S,
)
from interviewer.services.engine.models import FinishReason
from interviewer.services.engine.plan import SessionPlan, make_plan, summarise
from interviewer.services.engine.ports import (
    ClarificationRequest,
    Clarifier,
    FollowUpGenerator,
    GraderPort,
    QuestionSource,
    SessionStore,
)
from interviewer.services.engine.progress import SessionProgress
from interviewer.services.engine.replies import ReplyRelay
from interviewer.services.engine.runtime import SessionRuntime
from interviewer.services.engine.selection import (
    QuestionSelector,
    next_difficulty,
)
from interviewer.services.engine.template_replies import template_clarification
from interviewer.services.engine.turn_flow import AutoReason, TurnFlow
from interviewer.services.engine.turns import Turn, rebuild_turns

MAX_CLARIFICATIONS = 2
"""Clarifying questions answered per bank question; later question-like submissions are graded as answers."""


class InterviewEngine:
    """Implements `api.EngineAPI`; build it with `factory.make_engine(settings)` or with ports."""

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
        self._follow_ups = follow_ups
        self._clarifier = clarifier
        self._profile = profile
        self._offline = fallback_grader is None if offline is None else offline
        self._rt = SessionRuntime(store, clock=clock, autosave_s=autosave_s, threaded_io=threaded_io,
                                  closers=closers, warm_up=warm_up)
        self._replies = ReplyRelay(stall_s=stall_s, total_s=reply_timeout_s)
        self._flow = TurnFlow(self._rt, store, grader=grader, fallback_grader=fallback_grader,
                              follow_ups=follow_ups, replies=self._replies, grade_timeout_s=grade_timeout_s,
                              finish=self._finish)
        self._emit = self._rt.emit
        self._reset()

    def _reset(self) -> None:
        self._rt.reset()
        self._s = self._flow.s = SessionProgress()
        self._closed = False

    # ---- the contract's read side ------------------------------------------------------------------------

    @property
    def state(self) -> EngineState:
        turn = self._s.turn
        return EngineState(
            phase=self._rt.phase, session_id=self._s.session_id, config=self._s.config,
            current=turn.view() if turn else None, follow_up_index=len(turn.follow_ups) if turn else 0,
            draft=self._rt.draft, turns=tuple(t.view() for t in self._s.turns),
            number=turn.number if turn else len(self._s.turns), total=self._s.total,
            remaining=self._flow.remaining(),
        )

    @property
    def event_history(self) -> Sequence[EngineEvent]:
        """Every event sent so far (tests and the CLI use it)."""
        return self._rt.bus.history

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        return self._rt.bus.add_listener(listener)

    def events(self) -> AsyncIterator[EngineEvent]:
        return self._rt.bus.subscribe()

    def remaining_time(self) -> Remaining:
        return self._flow.remaining()

    def _remaining(self, now: float | None = None) -> Remaining:
        return self._rt.remaining(self._s.config, self._s.turn is not None, now)

    def _session_time_up(self) -> bool:
        remaining = self._flow.remaining().session_s
        return remaining is not None and remaining <= 0

    # ---- start / resume ----------------------------------------------------------------------------------

    async def start(self, config: SessionConfig) -> str:
        self._require_idle()
        seed = config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
        plan = make_plan(config, self._bank.questions, self._store, self._profile, seed,
                         self._rt.clock.wall())
        record = await self._rt.io(self._store.start_session, self._profile, config.mode,
                                   stored_sessions.session_settings(config, plan),
                                   started_at=self._rt.clock.wall())
        self._reset()
        self._install(record.id, config, plan)
        self._emit(SessionStarted(session_id=record.id, config=config, resumed=False))
        await self._flow.ask_next()
        return record.id

    async def resume(self, session_id: str) -> None:
        self._require_idle()
        record = stored_sessions.resumable_record(self._store, session_id)
        config, plan = stored_sessions.restore(record, self._bank.questions)
        questions = {q.id: q for q in self._bank.questions}
        stored = await self._rt.io(self._store.turns_for_session, session_id)
        turns = rebuild_turns(stored, questions)
        self._reset()
        self._install(session_id, config, plan)
        for done in turns[:-1]:
            self._complete_restored(done)
        last = turns[-1] if turns else None
        if last is not None:
            self._s.turn, self._rt.timer = last, self._rt.new_timer(last.spent_s)
            if not self._is_unfinished(last):
                self._complete_restored(last)
                last = None
        self._emit(SessionStarted(session_id=session_id, config=config, resumed=True))
        if last is None:
            await self._flow.ask_next()
            return
        self._emit(QuestionAsked(turn_id=last.main.turn_id, number=last.number, total=self._s.total,
                                 question=last.question, time_limit_s=config.per_question_s,
                                 draft=last.main.draft))
        for index, part in enumerate(last.follow_ups, 1):
            self._emit(FollowUpAsked(turn_id=part.turn_id, parent_turn_id=last.main.turn_id, index=index,
                                     text=part.prompt, source=part.source))
        if last.current.status is AnswerStatus.PENDING:
            self._flow.start_turn(last, last.spent_s)
        else:
            await self._flow.advance(last)

    def _complete_restored(self, turn: Turn) -> None:
        self._s.turns.append(turn)
        self._s.turn = None
        self._rt.session_spent_before += turn.spent_s
        main = turn.main
        self._s.difficulty = next_difficulty(self._s.difficulty,
                                           main.grade if main.status is not AnswerStatus.SKIPPED else None)

    def _is_unfinished(self, turn: Turn) -> bool:
        part = turn.current
        if part.status is AnswerStatus.PENDING or part.needs_grade:
            return True
        return self._flow.follow_up_target(turn) is not None

    def resumable_sessions(self) -> Sequence[ResumableSession]:
        return stored_sessions.resumable_sessions(self._store, self._profile)

    def _install(self, session_id: str, config: SessionConfig, plan: SessionPlan) -> None:
        self._rt.start_warm_up()  # e.g. the offline grader's tables, while the candidate reads the question
        self._s.session_id, self._s.config = session_id, config
        self._s.selector = QuestionSelector(plan.pool, seed=plan.seed, prefer_reference=self._offline,
                                          priority=plan.priority)
        self._s.total = plan.total
        # The LLM judge words its prompt prefix like the follow-ups of this session (shared prefix cache).
        for_session = getattr(self._base_grader, "for_session", None)
        self._flow.grader = for_session(language=config.language, persona=config.persona) if for_session \
            else self._base_grader

    # ---- finish / close ----------------------------------------------------------------------------------

    async def finish(self) -> SessionSummary | None:
        if self._rt.phase in (Phase.IDLE, Phase.FINISHED) or self._closed:
            return None
        self._s.stop_requested = True
        await self._rt.settled.wait()  # let a grading or follow-up in flight land in storage first
        if self._rt.phase is Phase.FINISHED:
            return self._s.summary
        if self._rt.phase is Phase.ANSWERING:
            self._persist_draft()
        return await self._finish("stopped")

    async def close(self) -> None:
        if self._rt.phase is Phase.ANSWERING:
            self._rt.timer.stop()
            self._persist_draft()
        self._closed = True
        await self._rt.close()

    async def _finish(self, reason: FinishReason) -> SessionSummary:
        self._rt.timer.stop()
        session_id = self._s.session_or_raise()
        await self._rt.draft_written()
        await self._rt.io(self._store.finish_session, session_id, ended_at=self._rt.clock.wall())
        turns = list(self._s.turns)
        if self._s.turn is not None and self._s.turn.main.status is not AnswerStatus.PENDING:
            turns.append(self._s.turn)  # ended during a follow-up: the main answer was graded and counts
        summary = summarise(session_id, self._s.config_or_raise().mode, reason, [t.view() for t in turns])
        self._s.summary = summary
        self._rt.set_phase(Phase.FINISHED)
        self._emit(SessionFinished(summary=summary))
        return summary

    # ---- helpers -----------------------------------------------------------------------------------------

    def _require_idle(self) -> None:
        if self._rt.phase not in (Phase.IDLE, Phase.FINISHED) or self._closed:
            raise EngineError("a session is already running in this engine")

    def _persist_draft(self) -> None:
        """Write the draft now (quit, finish): synchronously, so nothing is left in flight."""
        if self._s.turn is not None:
            self._rt.persist_draft(self._s.turn.current.turn_id)

    async def flush(self) -> None:
        """Wait until the background draft autosave (if any) is stored (tests, and before a risky step)."""
        await self._rt.draft_written()

    # ---- candidate actions ---------------------------------------------------------------------------------

    def save_draft(self, text: str) -> None:
        if self._rt.phase is not Phase.ANSWERING or self._s.turn is None:
            return
        self._rt.draft = text
        self._s.turn.current.draft = text
        if self._rt.clock.now() - self._rt.draft_saved_at >= self._rt.autosave_s:
            self._rt.autosave_draft(self._s.turn.current.turn_id)

    async def submit(self, answer: str, *, clarify: bool = True) -> bool:
        """`clarify=False` grades even a question-like answer (one-shot callers such as `interviewer ask`)."""
        if self._rt.phase is not Phase.ANSWERING:
            return False
        if clarify and self._s.clarifications < MAX_CLARIFICATIONS and looks_like_clarification(answer):
            return await self.ask_clarification(answer)
        status = AnswerStatus.DONT_KNOW if is_dont_know(answer) else AnswerStatus.ANSWERED
        return await self._flow.close_part(status, answer)

    async def skip(self) -> bool:
        return await self._flow.close_part(AnswerStatus.SKIPPED, "")

    async def dont_know(self) -> bool:
        return await self._flow.close_part(AnswerStatus.DONT_KNOW, self._rt.draft)

    async def ask_clarification(self, text: str) -> bool:
        turn = self._s.turn
        if self._rt.phase is not Phase.ANSWERING or turn is None or self._s.clarifying or not text.strip():
            return False
        self._s.clarifying = True
        self._s.clarifications += 1
        part = turn.current

        def still_asked(event: EngineEvent) -> None:
            # The clock kept running: if the part ended meanwhile (auto-submit), the late reply is dropped.
            if self._s.turn is turn and turn.current is part and self._rt.phase is Phase.ANSWERING:
                self._emit(event)

        try:
            self._emit(ClarificationStarted(question=text))
            request = ClarificationRequest(question=turn.question, text=text, exchanges=turn.exchanges(),
                                           persona=self._s.config_or_raise().persona,
                                           language=self._s.language)
            clarifier = self._clarifier
            opener = None if clarifier is None else functools.partial(clarifier.stream, request)
            reply, source = await self._replies.relay(clarifier, opener, turn.question,
                                                      template_clarification(request), ClarificationToken,
                                                      "clarifier", still_asked)
            still_asked(ClarificationAnswered(question=text, text=reply, source=source))
            # Stored with the session so Review and exports show it beside the answer it came before.
            await self._rt.io(self._store.add_clarification, self._s.session_or_raise(), part.turn_id, text,
                              reply, asked_at=self._rt.clock.wall())
        finally:
            self._s.clarifying = False
        return True

    async def next_question(self) -> bool:
        if self._rt.phase is not Phase.BETWEEN:
            return False
        await self._flow.ask_next()
        return True

    # ---- the clock ---------------------------------------------------------------------------------------

    async def tick(self, now: float | None = None) -> None:
        if self._rt.phase is not Phase.ANSWERING or self._s.turn is None:
            return
        remaining = self._flow.remaining(now)
        if remaining.question_s is not None and remaining.question_s <= 0:
            await self._auto_submit("question_time", now)
            return
        if remaining.session_s is not None and remaining.session_s <= 0:
            await self._auto_submit("session_budget", now)
            return
        fraction = remaining.question_fraction
        if not self._s.warned_question and fraction is not None and fraction <= WARNING_FRACTION:
            self._s.warned_question = True
            self._emit(TimeWarning(scope="question", remaining_s=remaining.question_s or 0.0))
        limit = remaining.session_limit_s
        if (not self._s.warned_session and limit and remaining.session_s is not None
                and remaining.session_s <= WARNING_FRACTION * limit):
            self._s.warned_session = True
            self._emit(TimeWarning(scope="session", remaining_s=remaining.session_s))

    async def run_clock(self, interval_s: float = 0.25) -> None:
        while self._rt.phase is not Phase.FINISHED and not self._closed:
            await self.tick()
            await self._rt.clock.sleep(interval_s)

    async def _auto_submit(self, reason: AutoReason, now: float | None) -> None:
        limit = self._s.config_or_raise().per_question_s
        self._rt.timer.stop(now)
        if reason == "question_time" and limit is not None:
            self._rt.timer.set_spent(min(self._rt.timer.spent(), limit))  # never charge more than the limit
        await self._flow.close_part(AnswerStatus.AUTO_SUBMITTED, self._rt.draft, auto_reason=reason)
