"""Endpoint checks behind `interviewer doctor`: /health, /v1/models, one small schema-constrained request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.config import LLMSettings
from interviewer.llm.base import ChatMessage
from interviewer.llm.client import OpenAICompatibleClient, redact_url
from interviewer.llm.errors import LLMError


class DoctorReply(BaseModel):
    """The tiny schema of the structured-output check."""

    model_config = ConfigDict(extra="forbid")

    ok: bool
    answer: Literal["yes", "no"]
    note: str = Field(max_length=40)


@dataclass(frozen=True)
class Check:
    """One check's outcome; `detail` is a short human-readable line (never the API key)."""

    name: str
    ok: bool
    latency_ms: float | None
    detail: str


@dataclass(frozen=True)
class Diagnosis:
    """All checks against one endpoint."""

    base_url: str
    model: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_dict(self) -> dict:
        return {"base_url": self.base_url, "model": self.model, "ok": self.ok,
                "checks": [asdict(c) for c in self.checks]}


async def _timed(name: str, call: Callable[[], Awaitable[str]], ends_at: float) -> Check:
    started = time.perf_counter()
    if started >= ends_at:
        return Check(name, False, None, "not run: the deadline was spent on the checks before")
    try:
        async with asyncio.timeout(ends_at - started):
            detail = await call()
    except TimeoutError:
        detail = "no complete answer before the deadline (INTERVIEWER_LLM__GRADE_DEADLINE_S)"
        return Check(name, False, round((time.perf_counter() - started) * 1000, 1), detail)
    except LLMError as err:
        return Check(name, False, round((time.perf_counter() - started) * 1000, 1), str(err))
    return Check(name, True, round((time.perf_counter() - started) * 1000, 1), detail)


async def diagnose(settings: LLMSettings) -> Diagnosis:
    """Run the three checks in order (a failing check does not stop the next ones)."""
    assert settings.base_url is not None, "diagnose() needs a configured endpoint"
    from interviewer.llm import make_llm_client

    client = make_llm_client(settings, max_retries=0)  # each check runs once: doctor reports, never retries
    assert client is not None
    # Shown and printed as JSON: never with the user:password@ a base URL may carry.
    result = Diagnosis(redact_url(client.base_url), settings.model)
    # One deadline for all checks: a stalled endpoint is reported after it, not after a read timeout each.
    ends_at = time.perf_counter() + settings.grade_deadline_s
    async with client:
        result.checks.append(await _timed("health", lambda: _health(client), ends_at))
        result.checks.append(await _timed("models", lambda: _models(client), ends_at))
        result.checks.append(await _timed("structured output", lambda: _structured(client), ends_at))
    return result


async def _health(client: OpenAICompatibleClient) -> str:
    if not await client.health():
        raise LLMError(f"{redact_url(client.root_url)}/health did not answer 200")
    return f"{redact_url(client.root_url)}/health answered 200"


async def _models(client: OpenAICompatibleClient) -> str:
    served = await client.list_models()
    if client.model not in served:
        raise LLMError(f"model {client.model!r} is not served here; served: {', '.join(served) or 'none'}")
    return f"serves {', '.join(served)}"


async def _structured(client: OpenAICompatibleClient) -> str:
    messages: list[ChatMessage] = [
        {"role": "system", "content": "Reply with JSON only."},
        {"role": "user", "content": "Is 2 + 2 = 4? Reply ok=true, answer yes or no, and a short note."},
    ]
    reply, info = await client.complete_json(messages, DoctorReply, name="doctor_check", max_tokens=96)
    return (f"valid JSON for the schema from {info.model} ({info.usage.completion_tokens} tokens, "
            f"finish_reason={info.finish_reason}): answer={reply.answer}")
