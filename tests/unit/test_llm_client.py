"""OpenAICompatibleClient against the scripted fake server: request shape, streaming, retries, errors."""

from __future__ import annotations

import logging
from typing import Literal

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from interviewer.config import LLMSettings
from interviewer.llm import (
    LLMAuthError,
    LLMBadRequest,
    LLMConnectionError,
    LLMInvalidOutput,
    LLMServerError,
    LLMTimeout,
    LLMTruncated,
    OpenAICompatibleClient,
    make_llm_client,
    parse_json_reply,
)
from tests.fakes.fake_openai_server import FakeOpenAIServer, Fault
from tests.fixtures.vllm import free_port

MESSAGES = [{"role": "system", "content": "sys"}, {"role": "user", "content": "hello"}]


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ok: bool
    word: Literal["yes", "no"]
    note: str = Field(max_length=20)


def make_client(server: FakeOpenAIServer, **kwargs) -> OpenAICompatibleClient:
    options = {"read_timeout_s": 2.0, "max_retries": 1, "backoff_s": 0.0, "api_key": server.api_key}
    return OpenAICompatibleClient(base_url=server.base_url, model=server.model, **{**options, **kwargs})


async def collect(client: OpenAICompatibleClient, **kwargs) -> tuple[list[str], list]:
    infos: list = []
    pieces = [p async for p in client.stream_chat(MESSAGES, on_complete=infos.append, **kwargs)]
    return pieces, infos


async def test_chat_template_kwargs_can_be_left_out(fake_openai_server: FakeOpenAIServer) -> None:
    for send in (True, False):
        options = {"enable_thinking": True, "send_chat_template_kwargs": send}
        async with make_client(fake_openai_server, **options) as client:
            await client.complete_json(MESSAGES, Reply, name="probe")
    with_kwargs, without = fake_openai_server.chat_requests()
    assert with_kwargs["chat_template_kwargs"] == {"enable_thinking": True}
    assert "chat_template_kwargs" not in without


def test_factory_returns_none_offline_and_a_client_when_configured() -> None:
    assert make_llm_client(LLMSettings()) is None
    client = make_llm_client(LLMSettings(base_url="http://127.0.0.1:9/v1/", model="m", max_retries=3))
    assert isinstance(client, OpenAICompatibleClient)
    assert client.base_url == "http://127.0.0.1:9/v1" and client.root_url == "http://127.0.0.1:9"
    assert client.model == "m" and client.max_retries == 3


async def test_complete_json_sends_schema_constrained_request(fake_openai_server: FakeOpenAIServer) -> None:
    fake_openai_server.json_reply = lambda body: {"ok": True, "word": "no", "note": "fine"}
    async with make_client(fake_openai_server, enable_thinking=False, temperature=0.9) as client:
        reply, info = await client.complete_json(MESSAGES, Reply, name="probe", max_tokens=77)
    assert reply == Reply(ok=True, word="no", note="fine")
    assert info.model == "fake-model" and info.finish_reason == "stop" and info.attempts == 1
    assert info.latency_ms > 0 and info.usage.completion_tokens > 0
    [body] = fake_openai_server.chat_requests()
    assert body["temperature"] == 0.0 and body["max_tokens"] == 77 and not body.get("stream")
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "probe", "schema": Reply.model_json_schema(), "strict": True},
    }
    assert body["chat_template_kwargs"] == {"enable_thinking": False}
    assert "guided_json" not in body
    auth = fake_openai_server.requests[-1].headers["Authorization"]
    assert auth == f"Bearer {fake_openai_server.api_key}"


async def test_stream_chat_yields_pieces_and_reports_usage(fake_openai_server: FakeOpenAIServer) -> None:
    fake_openai_server.text_reply = lambda body: "为什么 需要 除以 根号 d？"
    async with make_client(fake_openai_server, temperature=0.4) as client:
        pieces, [info] = await collect(client, max_tokens=50)
    assert "".join(pieces) == "为什么 需要 除以 根号 d？" and len(pieces) == 5
    assert info.finish_reason == "stop" and info.usage.completion_tokens == 5
    assert info.ttft_ms is not None and info.ttft_ms <= info.latency_ms
    [body] = fake_openai_server.chat_requests()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["temperature"] == 0.4 and body["max_tokens"] == 50


async def test_5xx_is_retried_with_backoff_then_succeeds(fake_openai_server: FakeOpenAIServer) -> None:
    fake_openai_server.script(Fault.http_error(503, "overloaded"))
    async with make_client(fake_openai_server) as client:
        reply, info = await client.complete_json(MESSAGES, Reply, name="probe")
    assert info.attempts == 2 and len(fake_openai_server.chat_requests()) == 2
    assert isinstance(reply, Reply)


async def test_5xx_after_all_retries_raises_server_error(fake_openai_server: FakeOpenAIServer) -> None:
    fake_openai_server.script(*[Fault.http_error(500, "boom")] * 3)
    async with make_client(fake_openai_server, max_retries=2) as client:
        with pytest.raises(LLMServerError, match=r"HTTP 500.*boom") as caught:
            await client.complete_json(MESSAGES, Reply, name="probe")
    assert caught.value.status == 500 and caught.value.retryable
    assert len(fake_openai_server.chat_requests()) == 3


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.http_error(400, "bad schema"), LLMBadRequest),
        (Fault.http_error(404, "no such model"), LLMBadRequest),
        (Fault.http_error(401, "Unauthorized"), LLMAuthError),
        (Fault.http_error(422, "unprocessable"), LLMBadRequest),
    ],
)
async def test_4xx_is_never_retried(fake_openai_server: FakeOpenAIServer, fault: Fault, error: type) -> None:
    fake_openai_server.script(fault)
    async with make_client(fake_openai_server, max_retries=3) as client:
        with pytest.raises(error) as caught:
            await client.complete_json(MESSAGES, Reply, name="probe")
    assert not caught.value.retryable and caught.value.status == fault.status
    assert len(fake_openai_server.chat_requests()) == 1


async def test_real_server_style_4xx_errors(fake_openai_server: FakeOpenAIServer) -> None:
    async with make_client(fake_openai_server, api_key="wrong") as client:
        with pytest.raises(LLMAuthError, match="401"):
            await client.list_models()
    wrong_model = OpenAICompatibleClient(
        base_url=fake_openai_server.base_url, model="nope", api_key=fake_openai_server.api_key, backoff_s=0
    )
    async with wrong_model as client:
        with pytest.raises(LLMBadRequest, match=r"404.*nope"):
            await client.complete_json(MESSAGES, Reply, name="probe")
    async with make_client(fake_openai_server) as client:
        with pytest.raises(LLMBadRequest, match=r"400.*max_tokens"):
            await client.complete_json(MESSAGES, Reply, name="probe", max_tokens=100_000)
        with pytest.raises(ValueError, match="empty"):
            await client.complete_json([], Reply, name="probe")


async def test_stall_before_reply_times_out_and_is_retried(fake_openai_server: FakeOpenAIServer) -> None:
    fake_openai_server.script(Fault.stall(5), Fault.stall(5))
    async with make_client(fake_openai_server, read_timeout_s=0.3, max_retries=1) as client:
        with pytest.raises(LLMTimeout, match=r"0\.3s"):
            await client.complete_json(MESSAGES, Reply, name="probe")
    assert len(fake_openai_server.chat_requests()) == 2


async def test_stall_mid_stream_raises_timeout_after_partial_text(
    fake_openai_server: FakeOpenAIServer,
) -> None:
    fake_openai_server.text_reply = lambda body: "one two three four"
    fake_openai_server.script(Fault.stall_mid_stream(after_chunks=2, seconds=5))
    pieces: list[str] = []
    async with make_client(fake_openai_server, read_timeout_s=0.3, max_retries=2) as client:
        with pytest.raises(LLMTimeout):
            async for piece in client.stream_chat(MESSAGES):
                pieces.append(piece)
    assert "".join(pieces) == "one two "
    # Text was already shown, so the stream is not silently restarted.
    assert len(fake_openai_server.chat_requests()) == 1


async def test_stream_failing_before_first_token_is_retried(fake_openai_server: FakeOpenAIServer) -> None:
    fake_openai_server.text_reply = lambda body: "alpha beta"
    fake_openai_server.script(Fault.http_error(502), Fault.stall_mid_stream(after_chunks=0, seconds=5))
    async with make_client(fake_openai_server, read_timeout_s=0.3, max_retries=2) as client:
        pieces, [info] = await collect(client)
    assert "".join(pieces) == "alpha beta" and info.attempts == 3


async def test_slow_tokens_within_the_read_timeout_complete(fake_openai_server: FakeOpenAIServer) -> None:
    fake_openai_server.text_reply = lambda body: "a b c d"
    fake_openai_server.script(Fault.slow(0.05))
    async with make_client(fake_openai_server, read_timeout_s=0.5) as client:
        pieces, [info] = await collect(client)
    assert "".join(pieces) == "a b c d"
    assert info.latency_ms - info.ttft_ms >= 3 * 40  # three more gaps of ~50 ms after the first piece


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        (Fault.invalid_json(), LLMInvalidOutput, "not valid JSON"),
        (Fault.wrong_schema(), LLMInvalidOutput, "does not match its schema"),
        (Fault.length(), LLMTruncated, "finish_reason=length"),
    ],
)
async def test_bad_output_raises_typed_errors(
    fake_openai_server: FakeOpenAIServer, fault: Fault, error: type, message: str
) -> None:
    fake_openai_server.script(fault)
    async with make_client(fake_openai_server) as client:
        with pytest.raises(error, match=message):
            await client.complete_json(MESSAGES, Reply, name="probe")
    assert len(fake_openai_server.chat_requests()) == 1  # output errors are the caller's to retry


async def test_dropped_connection_and_refused_port_are_connection_errors(
    fake_openai_server: FakeOpenAIServer,
) -> None:
    fake_openai_server.script(Fault.drop(), Fault.drop())
    async with make_client(fake_openai_server) as client:
        with pytest.raises(LLMConnectionError):
            await client.complete_json(MESSAGES, Reply, name="probe")
    assert len(fake_openai_server.chat_requests()) == 2
    closed = OpenAICompatibleClient(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", backoff_s=0)
    async with closed as client:
        with pytest.raises(LLMConnectionError, match="could not connect"):
            await client.health()


async def test_api_key_never_appears_in_errors_or_logs(
    fake_openai_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    secret = fake_openai_server.api_key
    fake_openai_server.script(
        Fault.http_error(500, f"upstream said Bearer {secret}"), Fault.http_error(400, f"key {secret} bad")
    )
    settings = LLMSettings(
        base_url=fake_openai_server.base_url, model="fake-model", api_key=SecretStr(secret)
    )
    assert secret not in repr(settings) and secret not in str(settings.model_dump())
    client = make_llm_client(settings)
    assert client is not None
    client.backoff_s = 0
    with caplog.at_level(logging.DEBUG):
        async with client:
            with pytest.raises(LLMBadRequest) as caught:
                await client.complete_json(MESSAGES, Reply, name="probe")
    assert "***" in str(caught.value) and secret not in str(caught.value)
    assert secret not in caplog.text


async def test_health_models_and_metrics(fake_openai_server: FakeOpenAIServer) -> None:
    async with make_client(fake_openai_server) as client:
        assert await client.health() is True
        assert await client.list_models() == ["fake-model"]
        before = await client.prefix_cache_stats()
        await client.complete_json(MESSAGES, Reply, name="probe")
        await client.complete_json(MESSAGES, Reply, name="probe")
        after = await client.prefix_cache_stats()
    delta = after.since(before)
    assert before.found and delta.queries > 0 and 0 < delta.hits < delta.queries


def test_parse_json_reply_is_lenient_about_control_characters_and_fences() -> None:
    assert parse_json_reply('{"ok": true, "word": "yes", "note": "a\tb"}', Reply).note == "a\tb"
    assert parse_json_reply('```json\n{"ok": false, "word": "no", "note": ""}\n```', Reply).word == "no"
    with pytest.raises(LLMInvalidOutput, match="note"):
        parse_json_reply('{"ok": true, "word": "yes", "note": "' + "x" * 30 + '"}', Reply)


def test_one_client_works_across_event_loops(fake_openai_server: FakeOpenAIServer) -> None:
    import asyncio

    client = make_client(fake_openai_server)
    assert asyncio.run(client.list_models()) == ["fake-model"]
    assert asyncio.run(client.list_models()) == ["fake-model"]  # a new loop, e.g. the next CLI call
    asyncio.run(client.aclose())


async def test_stopping_a_stream_early_releases_its_connection(fake_openai_server: FakeOpenAIServer) -> None:
    fake_openai_server.text_reply = lambda body: "one two three four five"
    # One connection in the pool: if the abandoned stream kept it, the next request would time out waiting.
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=1))
    async with make_client(fake_openai_server, transport=transport, read_timeout_s=1.0) as client:
        stream = client.stream_chat(MESSAGES)
        assert await anext(stream) == "one "
        await stream.aclose()
        assert await client.list_models() == ["fake-model"]
