"""The LLM boundary: an OpenAI-compatible client (vLLM in production), prompts and metrics.

    client = make_llm_client(settings.llm)          # None when no endpoint is configured (offline mode)
    async for piece in client.stream_chat(messages): ...
    reply, info = await client.complete_json(messages, MySchema, name="my_schema")
"""

from __future__ import annotations

from interviewer.config import LLMSettings
from interviewer.llm.base import ChatMessage, CompletionInfo, LLMClient, Usage
from interviewer.llm.client import OpenAICompatibleClient, parse_json_reply
from interviewer.llm.errors import (
    LLMAuthError,
    LLMBadRequest,
    LLMConnectionError,
    LLMError,
    LLMInvalidOutput,
    LLMServerError,
    LLMTimeout,
    LLMTruncated,
)
from interviewer.llm.metrics import PrefixCacheStats, parse_prefix_cache
from interviewer.llm.prompts import build_messages, render, shared_prefix

__all__ = [
    "ChatMessage",
    "CompletionInfo",
    "LLMAuthError",
    "LLMBadRequest",
    "LLMClient",
    "LLMConnectionError",
    "LLMError",
    "LLMInvalidOutput",
    "LLMServerError",
    "LLMTimeout",
    "LLMTruncated",
    "OpenAICompatibleClient",
    "PrefixCacheStats",
    "Usage",
    "build_messages",
    "make_llm_client",
    "parse_json_reply",
    "parse_prefix_cache",
    "render",
    "shared_prefix",
]


def make_llm_client(settings: LLMSettings) -> OpenAICompatibleClient | None:
    """The client for the configured endpoint, or None in offline mode (no base URL)."""
    if not settings.configured or settings.base_url is None:
        return None
    return OpenAICompatibleClient(
        base_url=settings.base_url,
        model=settings.model,
        api_key=settings.api_key.get_secret_value(),
        connect_timeout_s=settings.connect_timeout_s,
        read_timeout_s=settings.read_timeout_s,
        max_retries=settings.max_retries,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        enable_thinking=settings.enable_thinking,
        max_reply_bytes=int(settings.max_reply_mb * 1024 * 1024),
    )
