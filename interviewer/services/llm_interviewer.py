"""Follow-ups and clarification replies written by the LLM, streamed.

Both use `interviewer.llm.prompts.build_messages`, so they share the question's system prefix with the judge's
grading call (vLLM's prefix cache serves it). Failures raise `LLMError`; the engine then falls back to the
offline templates and says so in a `FellBack` event. The engine also wraps these streams in
`follow_ups.guard_stream`, so a reply that starts quoting the reference is cut off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from interviewer.llm.base import LLMClient
from interviewer.llm.prompts import build_messages
from interviewer.services.ports import ClarificationRequest, FollowUpRequest

FOLLOW_UP_MAX_TOKENS = 96
CLARIFY_MAX_TOKENS = 120


class LLMFollowUps:
    """Follow-up questions from the model, aimed at one missed key point, in the session's persona."""

    source = "llm"

    def __init__(self, client: LLMClient, *, temperature: float | None = None,
                 max_tokens: int = FOLLOW_UP_MAX_TOKENS) -> None:
        self._client = client
        self._temperature = temperature
        self._max_tokens = max_tokens

    def stream(self, request: FollowUpRequest) -> AsyncIterator[str]:
        key_point = request.key_point or (request.missed[0] if request.missed else None)
        if key_point is None:
            raise ValueError("a follow-up needs a missed key point")
        messages = build_messages(
            "follow_up", request.question, language=request.language, persona=request.persona,
            exchanges=request.exchanges, key_point=key_point,
        )
        return self._client.stream_chat(messages, temperature=self._temperature, max_tokens=self._max_tokens)


class LLMClarifier:
    """Brief answers to the candidate's clarifying questions, without giving the answer away."""

    source = "llm"

    def __init__(self, client: LLMClient, *, max_tokens: int = CLARIFY_MAX_TOKENS) -> None:
        self._client = client
        self._max_tokens = max_tokens

    def stream(self, request: ClarificationRequest) -> AsyncIterator[str]:
        messages = build_messages(
            "clarify", request.question, language=request.language, persona=request.persona,
            exchanges=request.exchanges, clarification=request.text,
        )
        return self._client.stream_chat(messages, temperature=0.3, max_tokens=self._max_tokens)
