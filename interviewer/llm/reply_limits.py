"""Bounded reading of an endpoint's replies: a size cap on every body and stream, JSON that cannot recurse.

A faulty or hostile server can send a 200 MB body, an endless line or JSON nested a million deep; each
becomes an `LLMInvalidOutput` (the caller falls back) instead of filling memory or crashing.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from interviewer.llm.errors import LLMInvalidOutput, LLMReplyTooLarge

DEFAULT_MAX_REPLY_BYTES = 8 * 1024 * 1024
"""8 MiB: a grade reply is a few KiB, a model list a few dozen."""


def _too_large(limit: int) -> LLMReplyTooLarge:
    size = f"{limit / (1024 * 1024):g} MiB"
    return LLMReplyTooLarge(f"the server's reply is larger than {size}; not read further")


async def read_capped(response: httpx.Response, limit: int) -> httpx.Response:
    """Read a streamed response's (decoded) body up to `limit` bytes and return it as a loaded response."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    parts: list[bytes] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        parts.append(chunk)
    # The body is already decompressed: drop the headers that describe the encoded form.
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, content=b"".join(parts),
                          request=response.request)


async def capped_lines(response: httpx.Response, limit: int) -> AsyncIterator[str]:
    """The lines of a streamed body (server-sent events), failing once more than `limit` bytes arrived."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending: list[str] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        text = decoder.decode(chunk)
        if "\n" not in text:  # join only when a line ends: linear in the body, however it is chunked
            pending.append(text)
            continue
        first, *middle, last = text.split("\n")
        yield ("".join(pending) + first).rstrip("\r")
        for line in middle:
            yield line.rstrip("\r")
        pending = [last]
    tail = "".join(pending) + decoder.decode(b"", final=True)
    if tail.strip():
        yield tail.rstrip("\r")


def loads(text: str, what: str) -> Any:
    """`json.loads(strict=False)`, with deep nesting reported as invalid output instead of RecursionError."""
    try:
        return json.loads(text, strict=False)
    except RecursionError:
        raise LLMInvalidOutput(f"{what} is nested too deeply") from None
