"""The LLM boundary: an OpenAI-compatible client (vLLM in production), prompts and metrics.

    client = make_llm_client(settings)              # None when no endpoint is configured (offline mode)
    async for piece in client.stream_chat(messages): ...
    reply, info = await client.complete_json(messages, MySchema, name="my_schema")
"""

from __future__ import annotations

from typing import Any

from interviewer.config import LLMSettings, Settings
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


def make_llm_client(settings: Settings | LLMSettings, **overrides: Any) -> OpenAICompatibleClient | None:
    """The one way the app builds its LLM client: for the configured endpoint, or None in offline mode (no
    base URL). `overrides` replace the client arguments taken from the settings (a probe passes
    `max_retries=0` and short timeouts)."""
    llm = settings.llm if isinstance(settings, Settings) else settings
    if not llm.configured or llm.base_url is None:
        return None
    arguments: dict[str, Any] = {
        "base_url": llm.base_url,
        "model": llm.model,
        "api_key": llm.api_key.get_secret_value(),
        "connect_timeout_s": llm.connect_timeout_s,
        "read_timeout_s": llm.read_timeout_s,
        "max_retries": llm.max_retries,
        "max_tokens": llm.max_tokens,
        "temperature": llm.temperature,
        "enable_thinking": llm.enable_thinking,
        "max_reply_bytes": int(llm.max_reply_mb * 1024 * 1024),
    }
    return OpenAICompatibleClient(**{**arguments, **overrides})
