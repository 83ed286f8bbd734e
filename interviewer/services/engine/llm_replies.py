"""Follow-ups and clarification replies written by the LLM, streamed.

Both use `interviewer.llm.prompts.build_messages`, so they share the question's system prefix with the judge's
grading call (vLLM's prefix cache serves it); given the judge's `examples_for`, that prefix includes the same
graded examples the judge shows. Failures raise `LLMError`; the engine then falls back to the
offline templates and says so in a `FellBack` event. The engine also wraps these streams in
`follow_ups.guard_stream`, so a reply that starts quoting the reference is cut off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from interviewer.domain import Question
from interviewer.llm.base import ChatMessage, LLMClient
from interviewer.llm.prompts import ExampleLike, build_messages
from interviewer.services.engine.ports import ClarificationRequest, FollowUpRequest

ExamplesFor = Callable[[Question], Awaitable[Sequence[ExampleLike]]]

FOLLOW_UP_MAX_TOKENS = 96
CLARIFY_MAX_TOKENS = 120


class LLMFollowUps:
    """Follow-up questions from the model, aimed at one missed key point, in the session's persona."""

    source = "llm"

    def __init__(self, client: LLMClient, *, temperature: float | None = None,
                 max_tokens: int = FOLLOW_UP_MAX_TOKENS, examples: ExamplesFor | None = None) -> None:
        self._client = client
        self._temperature = temperature
        self._max_tokens = max_tokens
        self._examples = examples

    def stream(self, request: FollowUpRequest) -> AsyncIterator[str]:
        key_point = request.key_point or (request.missed[0] if request.missed else None)
        if key_point is None:
            raise ValueError("a follow-up needs a missed key point")

        def messages(examples: Sequence[ExampleLike]) -> list[ChatMessage]:
            return build_messages("follow_up", request.question, language=request.language,
                                  persona=request.persona, exchanges=request.exchanges, key_point=key_point,
                                  examples=examples)

        options = {"temperature": self._temperature, "max_tokens": self._max_tokens}
        return _stream(self._client, request.question, self._examples, messages, options)


class LLMClarifier:
    """Brief answers to the candidate's clarifying questions, without giving the answer away."""

    source = "llm"

    def __init__(self, client: LLMClient, *, max_tokens: int = CLARIFY_MAX_TOKENS,
                 examples: ExamplesFor | None = None) -> None:
        self._client = client
        self._max_tokens = max_tokens
        self._examples = examples

    def stream(self, request: ClarificationRequest) -> AsyncIterator[str]:
        def messages(examples: Sequence[ExampleLike]) -> list[ChatMessage]:
            return build_messages("clarify", request.question, language=request.language,
                                  persona=request.persona, exchanges=request.exchanges,
                                  clarification=request.text, examples=examples)

        options = {"temperature": 0.3, "max_tokens": self._max_tokens}
        return _stream(self._client, request.question, self._examples, messages, options)


def _stream(client: LLMClient, question: Question, examples_for: ExamplesFor | None,
            messages: Callable[[Sequence[ExampleLike]], list[ChatMessage]],
            options: dict[str, Any]) -> AsyncIterator[str]:
    """Without examples, the client's stream as is (no extra layer on the hot path); with them, look the
    examples up first (they may need storage), then stream."""
    if examples_for is None:
        return client.stream_chat(messages(()), **options)

    async def with_examples() -> AsyncIterator[str]:
        shown = await examples_for(question)
        pieces = client.stream_chat(messages(shown), **options)
        try:
            async for piece in pieces:
                yield piece
        finally:  # the engine stops a stream early (guard, end of interview): close the HTTP stream too
            closer = getattr(pieces, "aclose", None)
            if closer is not None:
                await closer()

    return with_examples()
