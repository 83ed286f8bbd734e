"""The interview engine: sessions, the clock and the turn flow, with no UI code (contract in `engine_api`).

Turn flow, decided by code (`_advance`): ask -> answer (the draft is auto-submitted at the time limit) ->
grade -> a follow-up if key points were missed AND enough time remains AND fewer than `max_follow_ups` were
asked -> the follow-up answer is graded and merged into the turn's grade (`grade_merge`) -> next question.
No follow-up after a skip, "I don't know", an auto-submit, or a junk/injection answer.

Every storage write completes before the event that reports it is sent, so whatever a UI has shown is
already stored; writes run in the engine's storage thread and overlap the model's work where the order of
events allows (the answer's commit with grading, the grade's commit with the follow-up request). CPU-bound
graders run in a worker thread too. Session plumbing (start, resume, finish) is in `SessionMixin`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from interviewer.domain import KeyPoint
from interviewer.grading.base import focus_on_point
from interviewer.services.answer_kind import is_dont_know, is_junk, looks_like_clarification
from interviewer.services.engine_api import (
    WARNING_FRACTION,
    AnswerGraded,
    AnswerStatus,
    AutoSubmitted,
    ClarificationAnswered,
    ClarificationStarted,
    ClarificationToken,
    EngineEvent,
    FellBack,
    FollowUpAsked,
    FollowUpStarted,
    FollowUpToken,
    GraderFellBack,
    GradingStarted,
    Phase,
    QuestionAsked,
    TimeWarning,
    TurnCompleted,
)
from interviewer.services.follow_ups import template_clarification, template_follow_up
from interviewer.services.grade_merge import guard, merge_follow_up, zero_grade
from interviewer.services.llm_calls import failure_reason, grade_with_fallback, stream_reply
from interviewer.services.ports import ClarificationRequest, Clarifier, FollowUpGenerator, FollowUpRequest
from interviewer.services.selection import is_flagged, next_difficulty
from interviewer.services.session_base import SessionMixin
from interviewer.services.turn_state import DONT_KNOW_NOTE, Part, Turn, skipped_grade

MAX_CLARIFICATIONS = 2
"""Clarifying questions answered per bank question; later question-like submissions are graded as answers."""
FOLLOW_UP_MIN_FRACTION = 0.15
"""A follow-up needs at least this share of the question's time left (and as many seconds of the session)."""

RequestT = TypeVar("RequestT", FollowUpRequest, ClarificationRequest)


class InterviewEngine(SessionMixin):
    """Implements `engine_api.EngineAPI`; build it with `factory.make_engine(settings)` or with ports."""

    # ---- candidate actions ---------------------------------------------------------------------------------

    def save_draft(self, text: str) -> None:
        if self._phase is not Phase.ANSWERING or self._turn is None:
            return
        self._draft = text
        self._turn.current.draft = text
        if self._clock.now() - self._draft_saved_at >= self._autosave_s:
            self._autosave_draft()

    async def submit(self, answer: str, *, clarify: bool = True) -> bool:
        """`clarify=False` grades even a question-like answer (one-shot callers such as `interviewer ask`)."""
        if self._phase is not Phase.ANSWERING:
            return False
        if clarify and self._clarifications < MAX_CLARIFICATIONS and looks_like_clarification(answer):
            return await self.ask_clarification(answer)
        status = AnswerStatus.DONT_KNOW if is_dont_know(answer) else AnswerStatus.ANSWERED
        return await self._close_part(status, answer)

    async def skip(self) -> bool:
        return await self._close_part(AnswerStatus.SKIPPED, "")

    async def dont_know(self) -> bool:
        return await self._close_part(AnswerStatus.DONT_KNOW, self._draft)

    async def ask_clarification(self, text: str) -> bool:
        turn = self._turn
        if self._phase is not Phase.ANSWERING or turn is None or self._clarifying or not text.strip():
            return False
        self._clarifying = True
        self._clarifications += 1
        part = turn.current

        def still_asked(event: EngineEvent) -> None:
            # The clock kept running: if the part ended meanwhile (auto-submit), the late reply is dropped.
            if self._turn is turn and turn.current is part and self._phase is Phase.ANSWERING:
                self._emit(event)

        try:
            self._emit(ClarificationStarted(question=text))
            request = ClarificationRequest(question=turn.question, text=text, exchanges=turn.exchanges(),
                                           persona=self._config_or_raise().persona, language=self._language)
            reply, source = await self._relay(self._clarifier, request, template_clarification(request),
                                              ClarificationToken, "clarifier", emit=still_asked)
            still_asked(ClarificationAnswered(question=text, text=reply, source=source))
        finally:
            self._clarifying = False
        return True

    async def next_question(self) -> bool:
        if self._phase is not Phase.BETWEEN:
            return False
        await self._ask_next()
        return True

    # ---- the clock ---------------------------------------------------------------------------------------

    async def tick(self, now: float | None = None) -> None:
        if self._phase is not Phase.ANSWERING or self._turn is None:
            return
        remaining = self._remaining(now)
        if remaining.question_s is not None and remaining.question_s <= 0:
            await self._auto_submit("question_time", now)
            return
        if remaining.session_s is not None and remaining.session_s <= 0:
            await self._auto_submit("session_budget", now)
            return
        fraction = remaining.question_fraction
        if not self._warned_question and fraction is not None and fraction <= WARNING_FRACTION:
            self._warned_question = True
            self._emit(TimeWarning(scope="question", remaining_s=remaining.question_s or 0.0))
        limit = remaining.session_limit_s
        if (not self._warned_session and limit and remaining.session_s is not None
                and remaining.session_s <= WARNING_FRACTION * limit):
            self._warned_session = True
            self._emit(TimeWarning(scope="session", remaining_s=remaining.session_s))

    async def run_clock(self, interval_s: float = 0.25) -> None:
        while self._phase is not Phase.FINISHED and not self._closed:
            await self.tick()
            await self._clock.sleep(interval_s)

    async def _auto_submit(self, reason: str, now: float | None) -> None:
        limit = self._config_or_raise().per_question_s
        self._timer.stop(now)
        if reason == "question_time" and limit is not None:
            self._timer.set_spent(min(self._timer.spent(), limit))  # never charge more than the limit
        await self._close_part(AnswerStatus.AUTO_SUBMITTED, self._draft, auto_reason=reason)

    # ---- the turn flow -----------------------------------------------------------------------------------

    async def _close_part(self, status: AnswerStatus, text: str, *, auto_reason: str | None = None) -> bool:
        turn = self._turn
        if self._phase is not Phase.ANSWERING or turn is None:
            return False
        self._set_phase(Phase.GRADING)  # synchronously: a second key press now finds the wrong phase
        if auto_reason is None:
            self._timer.stop()
        part = turn.current
        part.spent_s = max(0.0, self._timer.spent() - self._part_started_spent)
        part.answer, part.status, part.draft = text, status, ""
        self._draft = ""
        await self._draft_written()
        commit = asyncio.ensure_future(self._io(self._store.submit_answer, part.turn_id, text,
                                                time_spent_s=round(part.spent_s, 3),
                                                submitted_at=self._clock.wall()))
        if status is AnswerStatus.SKIPPED or auto_reason is not None or not part.needs_grade:
            await commit
        if status is AnswerStatus.SKIPPED:
            await self._io(self._store.record_grade, part.turn_id, skipped_grade(),
                           created_at=self._clock.wall())
        if auto_reason is not None:
            self._emit(AutoSubmitted(turn_id=part.turn_id, reason=auto_reason, text=text))  # type: ignore[arg-type]
        await self._advance(turn, commit)
        return True

    async def _advance(self, turn: Turn, commit: asyncio.Future[Any] | None = None) -> None:
        """Do whatever the turn needs next; also how a resumed turn continues where it stopped.

        Writes overlap the model's work without changing what a UI sees: `commit` (the answer's write) runs
        while the answer is graded, and the grade's write runs while a follow-up is requested; every event
        still comes after the write it reports.
        """
        part = turn.current
        if part.status is AnswerStatus.PENDING:
            self._enter_answering(turn)
            return
        saving: asyncio.Future[None] | None = None
        if part.needs_grade:
            saving = await self._grade(turn, part, commit)
        elif commit is not None:
            await commit
        target = None if self._stop_requested else self._follow_up_target(turn)
        if target is not None:
            await self._ask_follow_up(turn, target, after=saving)
            return
        if saving is not None:
            await saving
        await self._complete_turn(turn)

    async def _grade(self, turn: Turn, part: Part,
                     commit: asyncio.Future[Any] | None) -> asyncio.Future[None]:
        """Grade `part` and merge it into the turn; returns the write of the grade (which then emits
        AnswerGraded), already running."""
        self._set_phase(Phase.GRADING)
        self._emit(GradingStarted(turn_id=part.turn_id))
        question, answer = turn.question, part.answer or ""
        fell_back: str | None = None
        try:
            if part.status is AnswerStatus.DONT_KNOW:
                grade = zero_grade(question, self._language, junk=False)
                grade = grade.model_copy(update={"note": DONT_KNOW_NOTE})
            elif is_junk(answer):
                grade = zero_grade(question, self._language, junk=True)
            else:
                # A follow-up answer is graded against the point it targets, not the whole question.
                graded_as = question if part is turn.main or part.key_point_id is None else \
                    focus_on_point(question, part.key_point_id, part.prompt)
                outcome = await grade_with_fallback(self._grader, self._fallback_grader, graded_as, answer,
                                                    self._language, self._grade_timeout_s)
                grade, fell_back = outcome.grade, outcome.fell_back
        finally:
            if commit is not None:
                await commit  # the answer is stored before anything about its grade is
        if fell_back is not None:
            self._emit(GraderFellBack(reason=fell_back, turn_id=part.turn_id))
        part.grade = guard(grade)
        before = turn.merged
        if part is turn.main:
            turn.merged = part.grade
        elif turn.merged is not None:
            turn.merged = merge_follow_up(turn.merged, part.grade, question)
        # Only a changed turn grade is stored again (it becomes the main turn's effective grade).
        merged_changed = part is not turn.main and turn.merged is not None and before is not None and (
            turn.merged.score != before.score or turn.merged.covered != before.covered)
        return asyncio.ensure_future(self._store_grade(turn, part, merged_changed))

    async def _store_grade(self, turn: Turn, part: Part, merged_changed: bool) -> None:
        wall = self._clock.wall()
        assert part.grade is not None
        await self._io(self._store.record_grade, part.turn_id, part.grade, created_at=wall)
        if merged_changed and turn.merged is not None:
            await self._io(self._store.record_grade, turn.main.turn_id, turn.merged, created_at=wall)
        self._emit(AnswerGraded(grade=part.grade, turn=turn.view(), follow_up_index=turn.parts.index(part)))

    def _follow_up_target(self, turn: Turn) -> KeyPoint | None:
        config = self._config_or_raise()
        part = turn.current
        if len(turn.follow_ups) >= config.max_follow_ups or part.status is not AnswerStatus.ANSWERED:
            return None
        if part.grade is None or is_flagged(part.grade) or turn.merged is None or turn.merged.score is None:
            return None
        missed = [kp for kp in turn.question.key_points
                  if kp.id not in turn.merged.covered and kp.id not in turn.targeted]
        if not missed or not self._time_for_follow_up():
            return None
        return missed[0]

    def _time_for_follow_up(self) -> bool:
        remaining = self._remaining(None)
        limit = remaining.question_limit_s
        need = FOLLOW_UP_MIN_FRACTION * limit if limit else 0.0
        if remaining.question_s is not None and remaining.question_s < need:
            return False
        return remaining.session_s is None or remaining.session_s >= max(need, 1.0)

    async def _ask_follow_up(self, turn: Turn, key_point: KeyPoint,
                             after: asyncio.Future[None] | None = None) -> None:
        """Stream a follow-up; its events wait for `after` (the grade's write and AnswerGraded)."""
        config = self._config_or_raise()
        self._set_phase(Phase.ASKING)
        index = len(turn.follow_ups) + 1
        turn.targeted.add(key_point.id)
        missed = tuple(kp for kp in turn.question.key_points
                       if turn.merged is None or kp.id not in turn.merged.covered)
        request = FollowUpRequest(question=turn.question, exchanges=turn.exchanges(), key_point=key_point,
                                  missed=missed, index=index, persona=config.persona, language=self._language)
        gate = _HeldEvents(self._emit)

        async def announce() -> None:
            if after is not None:
                await after
            self._emit(FollowUpStarted(parent_turn_id=turn.main.turn_id, index=index,
                                       key_point_id=key_point.id))
            gate.release()

        (text, source), _ = await asyncio.gather(
            self._relay(self._follow_ups, request, template_follow_up(request), FollowUpToken, "follow_up",
                        emit=gate),
            announce(),
        )
        if self._stop_requested:  # "end interview" while it was being written: the turn ends here
            await self._complete_turn(turn)
            return
        record = await self._io(self._store.add_turn, self._session_or_raise(), turn.question.id,
                                turn.question.text, parent_turn_id=turn.main.turn_id, prompt=text)
        turn.follow_ups.append(Part(turn_id=record.id, prompt=text, key_point_id=key_point.id, source=source))
        self._enter_answering(turn)
        self._emit(FollowUpAsked(turn_id=record.id, parent_turn_id=turn.main.turn_id, index=index, text=text,
                                 source=source))

    async def _complete_turn(self, turn: Turn) -> None:
        self._session_spent_before += self._timer.stop()
        self._turns.append(turn)
        self._turn = None
        main = turn.main
        self._difficulty = next_difficulty(self._difficulty,
                                           main.grade if main.status is not AnswerStatus.SKIPPED else None)
        self._set_phase(Phase.BETWEEN)
        self._emit(TurnCompleted(turn=turn.view()))
        if len(self._turns) >= self._total:
            await self._finish("completed")
        elif self._session_time_up():
            await self._finish("time_up")
        elif self._config_or_raise().auto_advance:
            await self._ask_next()

    async def _relay(self, generator: FollowUpGenerator | Clarifier | None, request: RequestT, fallback: str,
                     token: Callable[[str], EngineEvent], component: str,
                     emit: Callable[[EngineEvent], None] | None = None) -> tuple[str, str]:
        """Stream a reply from `generator` as token events; on any failure return the offline `fallback`."""
        send = emit or self._emit
        if generator is None or generator.source == "template":
            send(token(fallback))
            return fallback, "template"
        try:
            pieces: AsyncIterator[str] = generator.stream(request)  # type: ignore[arg-type]
            text = await stream_reply(pieces, request.question, lambda piece: send(token(piece)),
                                      stall_s=self._stall_s, total_s=self._reply_timeout_s)
            return text, generator.source
        except asyncio.CancelledError:
            raise
        except Exception as err:  # a broken endpoint must never stop the interview
            send(FellBack(component=component, reason=failure_reason(err)))  # type: ignore[arg-type]
            return fallback, "template"

    def _enter_answering(self, turn: Turn) -> None:
        part = turn.current
        self._part_started_spent = self._timer.spent() - (part.spent_s if part.status is AnswerStatus.PENDING
                                                          else 0.0)
        self._draft = part.draft
        self._draft_saved_at = self._clock.now()
        self._set_phase(Phase.ANSWERING)
        self._timer.start()

    async def _ask_next(self) -> None:
        if self._stop_requested:
            return
        if len(self._turns) >= self._total:
            await self._finish("completed")
            return
        if self._session_time_up():
            await self._finish("time_up")
            return
        question = self._selector_or_raise().pick([t.question.id for t in self._turns], self._difficulty)
        if question is None:
            await self._finish("no_more_questions")
            return
        record = await self._io(self._store.add_turn, self._session_or_raise(), question.id, question.text)
        turn = Turn(number=len(self._turns) + 1, question=question,
                    main=Part(turn_id=record.id, prompt=question.text))
        self._start_turn(turn)
        self._emit(QuestionAsked(turn_id=record.id, number=turn.number, total=self._total, question=question,
                                 time_limit_s=self._config_or_raise().per_question_s))

    def _start_turn(self, turn: Turn, spent_s: float = 0.0) -> None:
        self._turn = turn
        self._timer = self._new_timer(spent_s)
        self._warned_question = False
        self._clarifications = 0
        self._enter_answering(turn)


class _HeldEvents:
    """Holds events until `release()`, then passes them (and all later ones) on in order."""

    def __init__(self, emit: Callable[[EngineEvent], None]) -> None:
        self._emit = emit
        self._held: list[EngineEvent] | None = []

    def __call__(self, event: EngineEvent) -> None:
        if self._held is None:
            self._emit(event)
        else:
            self._held.append(event)

    def release(self) -> None:
        held, self._held = self._held or [], None
        for event in held:
            self._emit(event)
