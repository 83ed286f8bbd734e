"""THE UI CONTRACT of the interview engine: what the TUI and the plain CLI import and code against.

Nothing here does work; `interviewer.services.engine.interview.InterviewEngine` implements `EngineAPI`, and
`interviewer.services.engine.factory.make_engine(settings)` wires the real bank, storage, grader, LLM.

How a UI drives it (async-first; Textual runs these in workers, the CLI with `asyncio.run`):

    engine = make_engine(settings)                       # or InterviewEngine(...) with fakes in tests
    engine.add_listener(lambda event: app.post_message(EngineMessage(event)))   # sync callback, or:
    # async for event in engine.events(): ...            # an async iterator, ends after SessionFinished
    await engine.start(SessionConfig(mode=SessionMode.TIMED, topics=("transformer",), n_questions=3))
    engine.save_draft(text)                              # cheap; persisted at most every DRAFT_AUTOSAVE_S
    await engine.submit(text)    # grades, maybe streams a follow-up, ... (events arrive meanwhile)
    await engine.next_question() # after TurnCompleted, unless config.auto_advance
    await engine.tick()          # call ~4x a second (or run `engine.run_clock()` in a worker): time limits

Rules the UI can rely on:
- Events are delivered in order, synchronously to listeners, as they happen; each is persisted first.
- Actions called in the wrong phase (e.g. `submit` while grading, a double key press) do nothing and return
  False; they never raise for that. `start`/`resume` raise `EngineError` (a one-line message) on user
  errors (unknown topic, no questions left, unknown session).
- `QuestionAsked.question` is the full bank Question, reference included: show `question.text` only; the
  reference may be shown after `TurnCompleted` (the engine never puts it in any other event's text).
- `FollowUpToken`/`ClarificationToken` stream text; the matching `FollowUpAsked.text` /
  `ClarificationAnswered.text` is the final text: replace what was streamed with it (a reply that failed
  mid-stream is replaced by an offline template, and `FellBack` says why).
- The clock: the per-question limit counts candidate time only (phase ANSWERING, clarifications included);
  time the interviewer spends grading or writing a follow-up is not charged. The session budget counts the
  same way. Practice mode has no limits (`remaining_time()` returns None fields).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Protocol, runtime_checkable

from interviewer.history import SessionMode
from interviewer.services.engine.events import (
    AnswerGraded,
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
    Listener,
    QuestionAsked,
    SessionFinished,
    SessionStarted,
    TimeWarning,
    TurnCompleted,
)
from interviewer.services.engine.models import (
    DEFAULT_PER_QUESTION_S,
    DRAFT_AUTOSAVE_S,
    WARNING_FRACTION,
    AnswerStatus,
    EngineError,
    EngineState,
    FollowUpView,
    Persona,
    Phase,
    Remaining,
    ResumableSession,
    SessionConfig,
    SessionId,
    SessionSummary,
    TurnView,
)

__all__ = [
    "DEFAULT_PER_QUESTION_S",
    "DRAFT_AUTOSAVE_S",
    "WARNING_FRACTION",
    "AnswerGraded",
    "AnswerStatus",
    "AutoSubmitted",
    "ClarificationAnswered",
    "ClarificationStarted",
    "ClarificationToken",
    "EngineAPI",
    "EngineError",
    "EngineEvent",
    "EngineState",
    "FellBack",
    "FollowUpAsked",
    "FollowUpStarted",
    "FollowUpToken",
    "FollowUpView",
    "GraderFellBack",
    "GradingStarted",
    "Listener",
    "Persona",
    "Phase",
    "QuestionAsked",
    "Remaining",
    "ResumableSession",
    "SessionConfig",
    "SessionFinished",
    "SessionId",
    "SessionMode",
    "SessionStarted",
    "SessionSummary",
    "TimeWarning",
    "TurnCompleted",
    "TurnView",
]


@runtime_checkable
class EngineAPI(Protocol):
    """What a UI may call. All coroutines are safe to call from Textual workers on the app's event loop."""

    @property
    def state(self) -> EngineState: ...

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` for every event, in order; returns a function that removes it."""
        ...

    def events(self) -> AsyncIterator[EngineEvent]:
        """An async iterator of every event from now on; it ends after SessionFinished (or `close()`)."""
        ...

    async def start(self, config: SessionConfig) -> str:
        """Create and persist a session, ask its first question; returns the session id."""
        ...

    async def resume(self, session_id: str) -> None:
        """Continue an unfinished session where it stopped (draft and time spent restored)."""
        ...

    def resumable_sessions(self) -> Sequence[ResumableSession]:
        """Unfinished sessions of this profile, newest first (for "resume?" on start-up)."""
        ...

    def save_draft(self, text: str) -> None:
        """Keep the answer being typed; persisted at most every DRAFT_AUTOSAVE_S and before any action."""
        ...

    async def submit(self, answer: str) -> bool:
        """Submit the answer (main or follow-up). A short clarifying question (see services.clarify) is
        answered instead and the clock keeps running. Returns False if not in ANSWERING."""
        ...

    async def ask_clarification(self, text: str) -> bool:
        """Ask the interviewer a clarifying question explicitly; the clock keeps running."""
        ...

    async def skip(self) -> bool:
        """Skip the current question (or follow-up); no grade, no follow-ups."""
        ...

    async def dont_know(self) -> bool:
        """'I don't know': graded 0, no follow-ups."""
        ...

    async def next_question(self) -> bool:
        """From BETWEEN: ask the next question, or finish the session if none is left."""
        ...

    async def tick(self, now: float | None = None) -> None:
        """Check the time limits now (TimeWarning, AutoSubmitted); `now` defaults to the engine's clock."""
        ...

    async def run_clock(self, interval_s: float = 0.25) -> None:
        """Call `tick()` every interval until the session finishes (run it in a worker)."""
        ...

    def remaining_time(self) -> Remaining:
        """Seconds left for the question and the session (None fields when untimed)."""
        ...

    async def finish(self) -> SessionSummary | None:
        """End the session now ("end interview"): persists, sends SessionFinished(reason="stopped")."""
        ...

    async def close(self) -> None:
        """Quit without finishing: persist the draft and time spent; the session stays resumable."""
        ...
