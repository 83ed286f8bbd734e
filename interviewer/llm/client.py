"""`OpenAICompatibleClient`: the LLMClient for any OpenAI-compatible endpoint (vLLM in production).

Structured output uses `response_format` type `json_schema` (never vLLM's old `guided_json`, which newer
servers silently ignore). Retries with exponential backoff on connection errors, timeouts and 5xx;
never on 4xx.
The API key only ever travels in the Authorization header: it is not logged and is scrubbed from error text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from interviewer.llm.base import ChatMessage, CompletionInfo, ModelT, Usage
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
from interviewer.llm.reply_limits import DEFAULT_MAX_REPLY_BYTES, capped_lines, loads, read_capped

log = logging.getLogger(__name__)
T = TypeVar("T")
_MAX_ERROR_TEXT = 300


class OpenAICompatibleClient:
    """Chat client for one model on one OpenAI-compatible endpoint; close with `aclose()` or `async with`."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 60.0,
        max_retries: int = 1,
        max_tokens: int = 512,
        temperature: float = 0.7,
        enable_thinking: bool = False,
        send_chat_template_kwargs: bool = True,
        backoff_s: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
        max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.root_url = _server_root(self.base_url)
        self._model = model
        self._api_key = api_key
        self.max_retries = max_retries
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.enable_thinking = enable_thinking
        self.send_chat_template_kwargs = send_chat_template_kwargs
        self.backoff_s = backoff_s
        self.max_reply_bytes = max_reply_bytes
        self._timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def model(self) -> str:
        return self._model

    async def __aenter__(self) -> OpenAICompatibleClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (safe to call twice)."""
        if self._http is not None and self._loop is asyncio.get_running_loop():
            await self._http.aclose()
        self._http = None

    # -- public API ---------------------------------------------------------------------------------------

    async def stream_chat(
        self,
        messages: list[ChatMessage],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        retries: int | None = None,
        on_complete: Callable[[CompletionInfo], None] | None = None,
    ) -> AsyncIterator[str]:
        """Yield the reply's text as it arrives. A stall longer than the read timeout raises LLMTimeout.

        Retries happen only before the first piece of text (afterwards the caller has already shown it).
        `on_complete` receives usage, finish_reason and time to first token once the stream ends.
        """
        body = self._body(messages, temperature, max_tokens)
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
        started = time.perf_counter()
        attempt = 0
        while True:
            attempt += 1
            yielded = False
            try:
                # aclosing: a consumer that stops early frees the HTTP stream now, not at garbage collection.
                async with aclosing(self._stream_once(body, started)) as stream:
                    async for piece, info in stream:
                        if info is not None:
                            if on_complete is not None:
                                on_complete(replace(info, attempts=attempt))
                            return
                        yielded = True
                        yield piece
                return
            except LLMError as err:
                if yielded or not self._should_retry(err, attempt, retries):
                    raise
                await self._backoff(attempt, err)

    async def complete_json(
        self,
        messages: list[ChatMessage],
        schema: type[ModelT],
        *,
        name: str,
        max_tokens: int | None = None,
        retries: int | None = None,
    ) -> tuple[ModelT, CompletionInfo]:
        """Ask for one JSON object matching `schema` (temperature 0) and return it validated, with its cost.

        Raises LLMTruncated when generation hit max_tokens, LLMInvalidOutput for bad JSON or a schema
        violation.
        """
        body = self._body(messages, 0.0, max_tokens)
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema.model_json_schema(), "strict": True},
        }
        started = time.perf_counter()
        data, attempts = await self._with_retries(lambda: self._post_json("/chat/completions", body), retries)
        latency_ms = (time.perf_counter() - started) * 1000
        choice = _first_choice(data)
        info = CompletionInfo(
            model=str(data.get("model") or self.model),
            latency_ms=latency_ms,
            usage=Usage.from_json(data.get("usage")),
            finish_reason=choice.get("finish_reason"),
            attempts=attempts,
        )
        text = (choice.get("message") or {}).get("content") or ""
        if info.finish_reason == "length":
            raise LLMTruncated(
                f"the {name} reply was cut off at {body['max_tokens']} tokens (finish_reason=length)"
            )
        return parse_json_reply(text, schema, name=name), info

    async def complete_text(
        self, messages: list[ChatMessage], *, temperature: float | None = None, max_tokens: int | None = None
    ) -> tuple[str, CompletionInfo]:
        """Collect a streamed reply into one string (for callers that do not show text as it arrives)."""
        infos: list[CompletionInfo] = []
        parts = [
            p
            async for p in self.stream_chat(
                messages, temperature=temperature, max_tokens=max_tokens, on_complete=infos.append
            )
        ]
        info = infos[0] if infos else CompletionInfo(model=self.model, latency_ms=0.0)
        return "".join(parts), info

    async def health(self) -> bool:
        """True when the server's `/health` answers 200 (vLLM serves it without the API key)."""
        response = await self._request("GET", f"{self.root_url}/health")
        return response.status_code == 200

    async def list_models(self) -> list[str]:
        """Model ids served at `/v1/models`."""
        data = await self._with_retries(lambda: self._get_json("/models"), None)
        return [str(m.get("id")) for m in data[0].get("data", []) if isinstance(m, dict)]

    async def prefix_cache_stats(self) -> PrefixCacheStats:
        """Prefix-cache counters from the server's Prometheus `/metrics` (vLLM), for this model."""
        response = await self._request("GET", f"{self.root_url}/metrics")
        self._raise_for_status(response)
        return parse_prefix_cache(response.text, model_name=self.model)

    # -- internals ------------------------------------------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        # Created lazily in the running event loop; a client reused from another loop (one `asyncio.run` per
        # CLI call, one loop per test) gets a fresh pool, since pooled connections belong to their loop.
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop:
            headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
            self._http = httpx.AsyncClient(timeout=self._timeout, headers=headers, transport=self._transport)
            self._loop = loop
        return self._http

    def _body(self, messages: list[ChatMessage], temperature: float | None, max_tokens: int | None) -> dict:
        if not messages:
            raise ValueError("messages must not be empty")
        body = {
            "model": self.model,
            "messages": list(messages),
            "temperature": self.temperature if temperature is None else temperature,
            "max_tokens": max_tokens or self.max_tokens,
        }
        if self.send_chat_template_kwargs:
            body["chat_template_kwargs"] = {"enable_thinking": self.enable_thinking}
        return body

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:  # streamed, so an oversized body is refused as it arrives instead of read whole
            async with self._client().stream(method, url, **kwargs) as response:
                return await read_capped(response, self.max_reply_bytes)
        except httpx.HTTPError as err:
            raise self._transport_error(err, url) from None

    async def _post_json(self, path: str, body: dict) -> dict:
        response = await self._request("POST", f"{self.base_url}{path}", json=body)
        self._raise_for_status(response)
        return _json_object(response)

    async def _get_json(self, path: str) -> dict:
        response = await self._request("GET", f"{self.base_url}{path}")
        self._raise_for_status(response)
        return _json_object(response)

    async def _stream_once(
        self, body: dict, started: float
    ) -> AsyncGenerator[tuple[str, CompletionInfo | None], None]:
        """One streaming attempt: yields (text, None) per piece, then ("", info) at the end."""
        url = f"{self.base_url}/chat/completions"
        ttft_ms: float | None = None
        usage, finish_reason, model = Usage(), None, self.model
        try:
            async with self._client().stream("POST", url, json=body) as response:
                if response.status_code >= 400:
                    self._raise_for_status(await read_capped(response, self.max_reply_bytes))
                async for chunk in _sse_events(response, self.max_reply_bytes):
                    if "error" in chunk:
                        detail = self._scrub(str(chunk["error"]))
                        raise LLMServerError(f"the server failed mid-stream: {detail}")
                    model = str(chunk.get("model") or model)
                    if chunk.get("usage"):
                        usage = Usage.from_json(chunk["usage"])
                    for choice in chunk.get("choices") or []:
                        finish_reason = choice.get("finish_reason") or finish_reason
                        text = (choice.get("delta") or {}).get("content")
                        if text:
                            if ttft_ms is None:
                                ttft_ms = (time.perf_counter() - started) * 1000
                            yield text, None
        except httpx.HTTPError as err:
            raise self._transport_error(err, url) from None
        latency_ms = (time.perf_counter() - started) * 1000
        yield "", CompletionInfo(model, latency_ms, usage, finish_reason, ttft_ms)

    async def _with_retries(self, call: Callable[[], Awaitable[T]], retries: int | None) -> tuple[T, int]:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call(), attempt
            except LLMError as err:
                if not self._should_retry(err, attempt, retries):
                    raise
                await self._backoff(attempt, err)

    def _should_retry(self, err: LLMError, attempt: int, retries: int | None) -> bool:
        limit = self.max_retries if retries is None else retries
        return err.retryable and attempt <= limit

    async def _backoff(self, attempt: int, err: LLMError) -> None:
        delay = min(self.backoff_s * 2 ** (attempt - 1), 8.0) * (0.5 + random.random() / 2)
        log.info("LLM request failed (%s); retry %d in %.2fs", err.reason, attempt, delay)
        await asyncio.sleep(delay)

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = self._scrub(_error_detail(response))
        where = f"{response.request.method} {response.request.url.path}"
        if status in (401, 403):
            raise LLMAuthError(f"{where}: HTTP {status}: the API key was refused ({detail})", status=status)
        if status < 500:
            raise LLMBadRequest(f"{where}: HTTP {status}: {detail}", status=status)
        raise LLMServerError(f"{where}: HTTP {status} from the server: {detail}", status=status)

    def _transport_error(self, err: httpx.HTTPError, url: str) -> LLMError:
        where = redact_url(url)
        if isinstance(err, httpx.ConnectTimeout):
            return LLMConnectionError(f"could not connect to {where} within {self._timeout.connect}s")
        if isinstance(err, httpx.TimeoutException):
            return LLMTimeout(f"no reply from {where} within {self._timeout.read}s (read timeout)")
        if isinstance(err, httpx.ConnectError):
            return LLMConnectionError(f"could not connect to {where}: {self._scrub(str(err)) or 'refused'}")
        detail = f"{type(err).__name__}: {self._scrub(str(err))}"
        return LLMConnectionError(f"connection to {where} failed: {detail}")

    def _scrub(self, text: str) -> str:
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return text[:_MAX_ERROR_TEXT]


def parse_json_reply(text: str, schema: type[ModelT], *, name: str = "reply") -> ModelT:
    """Parse a model's JSON reply leniently (raw control characters, ```json fences) and validate it."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.strip("`").removeprefix("json").strip()
    try:
        data = loads(stripped, f"the {name} reply")
    except json.JSONDecodeError as err:
        raise LLMInvalidOutput(
            f"the {name} reply is not valid JSON ({err.msg} at {err.pos}): {text[:120]!r}"
        ) from None
    try:
        return schema.model_validate(data)
    except RecursionError:
        raise LLMInvalidOutput(f"the {name} reply is nested too deeply") from None
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise LLMInvalidOutput(
            f"the {name} reply does not match its schema: {field}: {first['msg']} "
            f"({err.error_count()} errors)"
        ) from None


async def _sse_events(response: httpx.Response, limit: int) -> AsyncIterator[dict]:
    """Decode `data: {...}` server-sent events until `[DONE]` (at most `limit` bytes in all)."""
    async for line in capped_lines(response, limit):
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        try:
            event = loads(payload, "a stream event")
        except json.JSONDecodeError:
            raise LLMInvalidOutput(f"the server sent a malformed stream event: {payload[:120]!r}") from None
        if isinstance(event, dict):
            yield event


def _first_choice(data: dict) -> dict:
    choices = data.get("choices")
    if not choices or not isinstance(choices[0], dict):
        raise LLMInvalidOutput("the server's reply has no choices")
    return choices[0]


def _json_object(response: httpx.Response) -> dict:
    try:
        data = loads(response.text, "the server's reply")
    except ValueError:
        raise LLMInvalidOutput(f"the server's reply is not JSON: {response.text[:120]!r}") from None
    if not isinstance(data, dict):
        raise LLMInvalidOutput("the server's reply is not a JSON object")
    return data


def _error_detail(response: httpx.Response) -> str:
    try:
        error = loads(response.text, "the error").get("error", response.text)
    except (ValueError, AttributeError, LLMError):
        return response.text.strip() or response.reason_phrase
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error)


def _server_root(base_url: str) -> str:
    """`http://host:8000/v1` -> `http://host:8000`, where vLLM serves /health and /metrics."""
    if base_url.endswith("/v1"):
        return base_url[: -len("/v1")]
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def redact_url(url: str) -> str:
    """Drop user:password@ and the query string from a URL before showing it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"


