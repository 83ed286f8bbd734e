"""Streamed replies of the interviewer (follow-ups, clarifications): relayed token by token, with the
template as the offline stand-in when the model fails, stalls or leaks the reference."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Literal

from interviewer.domain import Question
from interviewer.services.engine.api import EngineEvent, FellBack
from interviewer.services.engine.model_calls import failure_reason, stream_reply
from interviewer.services.engine.ports import Clarifier, FollowUpGenerator

Component = Literal["follow_up", "clarifier"]


class ReplyRelay:
    """Streams a generator's reply as token events, within a stall limit and a total deadline."""

    def __init__(self, *, stall_s: float, total_s: float) -> None:
        self.stall_s = stall_s
        self.total_s = total_s

    async def relay(self, generator: FollowUpGenerator | Clarifier | None,
                    opener: Callable[[], AsyncIterator[str]] | None, question: Question, fallback: str,
                    token: Callable[[str], EngineEvent], component: Component,
                    send: Callable[[EngineEvent], None]) -> tuple[str, str]:
        """Stream the reply `opener` starts (`generator.stream(request)`) as token events; on any failure
        return the offline `fallback`. Returns (text, source)."""
        if generator is None or opener is None or generator.source == "template":
            send(token(fallback))
            return fallback, "template"
        try:
            text = await stream_reply(opener(), question, lambda piece: send(token(piece)),
                                      stall_s=self.stall_s, total_s=self.total_s)
            return text, generator.source
        except asyncio.CancelledError:
            raise
        except Exception as err:  # a broken endpoint must never stop the interview
            send(FellBack(component=component, reason=failure_reason(err)))
            return fallback, "template"


class HeldEvents:
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
