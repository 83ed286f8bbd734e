"""The turn flow of one engine: close the answer, grade it, follow up or move on, ask the next question.

Decided by code (`advance`): ask -> answer (the draft is auto-submitted at the time limit) -> grade -> a
follow-up if key points were missed AND enough time remains AND fewer than `max_follow_ups` were asked
(`progress.follow_up_target`) -> the follow-up answer is graded and merged into the turn's grade
(`grade_merge`) -> next question. No follow-up after a skip, "I don't know", an auto-submit, or a
junk/injection answer. Every storage write completes before the event that reports it is sent; writes
overlap the model's work where the order of events allows.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from interviewer.domain import KeyPoint
from interviewer.grading.base import focus_on_point
from interviewer.services.engine.answer_kind import is_junk
from interviewer.services.engine.api import (
    AnswerGraded,
    AnswerStatus,
    AutoSubmitted,
    FollowUpAsked,
    FollowUpStarted,
    FollowUpToken,
    GraderFellBack,
    GradingStarted,
    Phase,
    QuestionAsked,
    Remaining,
    SessionSummary,
    TurnCompleted,
)
from interviewer.services.engine.grade_merge import guard, merge_follow_up, zero_grade
from interviewer.services.engine.model_calls import grade_with_fallback, grader_name
from interviewer.services.engine.models import FinishReason
from interviewer.services.engine.ports import FollowUpGenerator, FollowUpRequest, GraderPort, SessionStore
from interviewer.services.engine.progress import SessionProgress, follow_up_target
from interviewer.services.engine.replies import HeldEvents, ReplyRelay
from interviewer.services.engine.runtime import SessionRuntime
from interviewer.services.engine.selection import next_difficulty
from interviewer.services.engine.template_replies import template_follow_up
from interviewer.services.engine.turns import Part, Turn

AutoReason = Literal["question_time", "session_budget"]


class TurnFlow:
    """Runs the turns of the engine's current session (`s`) on its runtime; `finish` ends the session."""

    def __init__(self, rt: SessionRuntime, store: SessionStore, *, grader: GraderPort,
                 fallback_grader: GraderPort | None, follow_ups: FollowUpGenerator | None,
                 replies: ReplyRelay, grade_timeout_s: float,
                 finish: Callable[[FinishReason], Awaitable[SessionSummary]]) -> None:
        self._rt = rt
        self._store = store
        self.grader = grader
        """The grader of this session (the engine words the LLM judge's prompt for it)."""
        self._fallback_grader = fallback_grader
        self._follow_ups = follow_ups
        self._replies = replies
        self._grade_timeout_s = grade_timeout_s
        self._finish = finish
        self.s = SessionProgress()

    def remaining(self, now: float | None = None) -> Remaining:
        return self._rt.remaining(self.s.config, self.s.turn is not None, now)

    def session_time_up(self) -> bool:
        remaining = self.remaining().session_s
        return remaining is not None and remaining <= 0

    async def close_part(self, status: AnswerStatus, text: str, *,
                         auto_reason: AutoReason | None = None) -> bool:
        turn = self.s.turn
        if self._rt.phase is not Phase.ANSWERING or turn is None:
            return False
        self._rt.set_phase(Phase.GRADING)  # synchronously: a second key press now finds the wrong phase
        if auto_reason is None:
            self._rt.timer.stop()
        part = turn.current
        part.spent_s = max(0.0, self._rt.timer.spent() - self._rt.part_started_spent)
        part.answer, part.status, part.draft = text, status, ""
        self._rt.draft = ""
        await self._rt.draft_written()
        commit = asyncio.ensure_future(self._rt.io(self._store.submit_answer, part.turn_id, text,
                                                time_spent_s=round(part.spent_s, 3),
                                                submitted_at=self._rt.clock.wall(), status=part.status))
        if status is AnswerStatus.SKIPPED or auto_reason is not None or not part.needs_grade:
            await commit
        if auto_reason is not None:
            self._rt.emit(AutoSubmitted(turn_id=part.turn_id, reason=auto_reason, text=text))
        await self.advance(turn, commit)
        return True

    async def advance(self, turn: Turn, commit: asyncio.Future[Any] | None = None) -> None:
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
        target = None if self.s.stop_requested else self.follow_up_target(turn)
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
        self._rt.set_phase(Phase.GRADING)
        self._rt.emit(GradingStarted(turn_id=part.turn_id))
        question, answer = turn.question, part.answer or ""
        fell_back: str | None = None
        try:
            if part.status is AnswerStatus.DONT_KNOW:
                grade = zero_grade(question, self.s.language, junk=False, grader=grader_name(self.grader))
            elif is_junk(answer):
                grade = zero_grade(question, self.s.language, junk=True, grader=grader_name(self.grader))
            else:
                # A follow-up answer is graded against the point it targets, not the whole question.
                graded_as = question if part is turn.main or part.key_point_id is None else \
                    focus_on_point(question, part.key_point_id, part.prompt)
                outcome = await grade_with_fallback(self.grader, self._fallback_grader, graded_as, answer,
                                                    self.s.language, self._grade_timeout_s)
                grade, fell_back = outcome.grade, outcome.fell_back
        finally:
            if commit is not None:
                await commit  # the answer is stored before anything about its grade is
        if fell_back is not None:
            self._rt.emit(GraderFellBack(reason=fell_back, turn_id=part.turn_id))
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
        wall = self._rt.clock.wall()
        assert part.grade is not None
        await self._rt.io(self._store.record_grade, part.turn_id, part.grade, created_at=wall)
        if merged_changed and turn.merged is not None:
            await self._rt.io(self._store.record_grade, turn.main.turn_id, turn.merged, created_at=wall)
        self._rt.emit(AnswerGraded(grade=part.grade, turn=turn.view(),
                                   follow_up_index=turn.parts.index(part)))

    def follow_up_target(self, turn: Turn) -> KeyPoint | None:
        return follow_up_target(turn, self.s.config_or_raise(), self.remaining())

    async def _ask_follow_up(self, turn: Turn, key_point: KeyPoint,
                             after: asyncio.Future[None] | None = None) -> None:
        """Stream a follow-up; its events wait for `after` (the grade's write and AnswerGraded)."""
        config = self.s.config_or_raise()
        self._rt.set_phase(Phase.ASKING)
        index = len(turn.follow_ups) + 1
        turn.targeted.add(key_point.id)
        missed = tuple(kp for kp in turn.question.key_points
                       if turn.merged is None or kp.id not in turn.merged.covered)
        request = FollowUpRequest(question=turn.question, exchanges=turn.exchanges(), key_point=key_point,
                                  missed=missed, index=index, persona=config.persona,
                                  language=self.s.language)
        gate = HeldEvents(self._rt.emit)
        follow_ups = self._follow_ups
        opener = None if follow_ups is None else functools.partial(follow_ups.stream, request)

        async def announce() -> None:
            if after is not None:
                await after
            self._rt.emit(FollowUpStarted(parent_turn_id=turn.main.turn_id, index=index,
                                       key_point_id=key_point.id))
            gate.release()

        (text, source), _ = await asyncio.gather(
            self._replies.relay(follow_ups, opener, turn.question, template_follow_up(request), FollowUpToken,
                                "follow_up", gate),
            announce(),
        )
        if self.s.stop_requested:  # "end interview" while it was being written: the turn ends here
            await self._complete_turn(turn)
            return
        record = await self._rt.io(self._store.add_turn, self.s.session_or_raise(), turn.question.id,
                                turn.question.text, parent_turn_id=turn.main.turn_id, prompt=text)
        turn.follow_ups.append(Part(turn_id=record.id, prompt=text, key_point_id=key_point.id, source=source))
        self._enter_answering(turn)
        self._rt.emit(FollowUpAsked(turn_id=record.id, parent_turn_id=turn.main.turn_id, index=index,
                                    text=text, source=source))

    async def _complete_turn(self, turn: Turn) -> None:
        self._rt.session_spent_before += self._rt.timer.stop()
        self.s.turns.append(turn)
        self.s.turn = None
        main = turn.main
        self.s.difficulty = next_difficulty(self.s.difficulty,
                                           main.grade if main.status is not AnswerStatus.SKIPPED else None)
        self._rt.set_phase(Phase.BETWEEN)
        self._rt.emit(TurnCompleted(turn=turn.view()))
        if len(self.s.turns) >= self.s.total:
            await self._finish("completed")
        elif self.session_time_up():
            await self._finish("time_up")
        elif self.s.config_or_raise().auto_advance:
            await self.ask_next()

    def _enter_answering(self, turn: Turn) -> None:
        part = turn.current
        resumed = part.spent_s if part.status is AnswerStatus.PENDING else 0.0
        self._rt.part_started_spent = self._rt.timer.spent() - resumed
        self._rt.draft = part.draft
        self._rt.draft_saved_at = self._rt.clock.now()
        self._rt.set_phase(Phase.ANSWERING)
        self._rt.timer.start()

    async def ask_next(self) -> None:
        if self.s.stop_requested:
            return
        if len(self.s.turns) >= self.s.total:
            await self._finish("completed")
            return
        if self.session_time_up():
            await self._finish("time_up")
            return
        question = self.s.selector_or_raise().pick([t.question.id for t in self.s.turns], self.s.difficulty)
        if question is None:
            await self._finish("no_more_questions")
            return
        record = await self._rt.io(self._store.add_turn, self.s.session_or_raise(), question.id,
                                   question.text)
        turn = Turn(number=len(self.s.turns) + 1, question=question,
                    main=Part(turn_id=record.id, prompt=question.text))
        self.start_turn(turn)
        self._rt.emit(QuestionAsked(turn_id=record.id, number=turn.number, total=self.s.total,
                                    question=question, time_limit_s=self.s.config_or_raise().per_question_s))

    def start_turn(self, turn: Turn, spent_s: float = 0.0) -> None:
        self.s.turn = turn
        self._rt.timer = self._rt.new_timer(spent_s)
        self.s.warned_question = False
        self.s.clarifications = 0
        self._enter_answering(turn)


