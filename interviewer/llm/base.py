"""The LLM boundary: one small interface the engine, judge and CLI use, and the data it returns."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypedDict, TypeVar, runtime_checkable

from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)


class ChatMessage(TypedDict):
    """One OpenAI-style chat message."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Usage:
    """Token counts reported by the server (zeros when it reported none)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def from_json(cls, data: object) -> Usage:
        if not isinstance(data, dict):
            return cls()
        return cls(
            prompt_tokens=int(data.get("prompt_tokens") or 0),
            completion_tokens=int(data.get("completion_tokens") or 0),
            total_tokens=int(data.get("total_tokens") or 0),
        )


@dataclass(frozen=True)
class CompletionInfo:
    """What one completed request cost: served model, wall time, usage and why generation stopped."""

    model: str
    latency_ms: float
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    ttft_ms: float | None = None
    """Time to the first text chunk (streaming only)."""
    attempts: int = 1
    """HTTP attempts made, retries included."""


@runtime_checkable
class LLMClient(Protocol):
    """Chat with an OpenAI-compatible model: stream text, or get one JSON object validated by a schema.

    `stream_chat` is an async generator: `async for piece in client.stream_chat(messages): ...`.
    Failures raise `interviewer.llm.errors.LLMError` subclasses.
    """

    @property
    def model(self) -> str: ...

    def stream_chat(
        self,
        messages: list[ChatMessage],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        retries: int | None = None,
        on_complete: Callable[[CompletionInfo], None] | None = None,
    ) -> AsyncIterator[str]: ...

    async def complete_json(
        self,
        messages: list[ChatMessage],
        schema: type[ModelT],
        *,
        name: str,
        max_tokens: int | None = None,
        retries: int | None = None,
    ) -> tuple[ModelT, CompletionInfo]: ...

    async def aclose(self) -> None: ...
