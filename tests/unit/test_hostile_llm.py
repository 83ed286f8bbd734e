"""Issue 16, a faulty endpoint: replies are size-capped, deep JSON is invalid output (not a crash), and
`doctor` reports a stall after the deadline instead of waiting a read timeout per check."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.config import LLMSettings
from interviewer.llm import OpenAICompatibleClient, make_llm_client
from interviewer.llm.errors import LLMInvalidOutput, LLMReplyTooLarge
from tests.fakes.fake_openai_server import FakeOpenAIServer, Fault

MESSAGES = [{"role": "user", "content": "hi"}]


class Reply(BaseModel):
    ok: bool


def _client(handler, **options) -> OpenAICompatibleClient:
    return OpenAICompatibleClient(base_url="http://llm.test/v1", model="m", max_retries=0,
                                  transport=httpx.MockTransport(handler), **options)


def _completion(content: str) -> dict:
    return {"model": "m", "choices": [{"message": {"content": content}, "finish_reason": "stop"}]}


async def test_a_huge_reply_is_refused_not_read_whole() -> None:
    big = json.dumps(_completion("x" * (3 * 1024 * 1024))).encode()
    client = _client(lambda request: httpx.Response(200, content=big), max_reply_bytes=1024 * 1024)
    with pytest.raises(LLMReplyTooLarge, match="larger than 1 MiB"):
        await client.complete_json(MESSAGES, Reply, name="t")
    with pytest.raises(LLMReplyTooLarge):
        await client.list_models()


async def test_a_huge_stream_is_refused() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        event = b'data: {"choices": [{"delta": {"content": "' + b"y" * 60_000 + b'"}}]}\n\n'
        return httpx.Response(200, content=event * 40, headers={"content-type": "text/event-stream"})

    client = _client(endless, max_reply_bytes=1024 * 1024)
    with pytest.raises(LLMReplyTooLarge):
        await client.complete_text(MESSAGES)


async def test_a_line_without_end_is_capped_too() -> None:
    client = _client(lambda request: httpx.Response(200, content=b"data: " + b"z" * (2 * 1024 * 1024)),
                     max_reply_bytes=1024 * 1024)
    with pytest.raises(LLMReplyTooLarge):
        await client.complete_text(MESSAGES)


async def test_small_streams_still_work_whatever_the_chunking() -> None:
    events = b"".join(
        b'data: {"choices": [{"delta": {"content": "%d "}}]}\r\n\r\n' % i for i in range(50)
    ) + b"data: [DONE]\n\n"

    async def chunks():
        for start in range(0, len(events), 7):  # lines split across chunks
            yield events[start:start + 7]

    client = _client(lambda request: httpx.Response(200, content=chunks()))
    text, _info = await client.complete_text(MESSAGES)
    assert text.split() == [str(i) for i in range(50)]


@pytest.mark.parametrize("depth", [100_000, 1_000_000])
async def test_deeply_nested_json_is_invalid_output(depth: int) -> None:
    deep = "[" * depth + "]" * depth
    client = _client(lambda request: httpx.Response(200, json=_completion(deep)))
    with pytest.raises(LLMInvalidOutput, match="nested too deeply"):
        await client.complete_json(MESSAGES, Reply, name="t")
    raw = _client(lambda request: httpx.Response(200, content=deep.encode()))
    with pytest.raises(LLMInvalidOutput):
        await raw.list_models()


def test_the_reply_cap_comes_from_settings() -> None:
    client = make_llm_client(LLMSettings(base_url="http://x/v1", max_reply_mb=2))
    assert client is not None and client.max_reply_bytes == 2 * 1024 * 1024


def _point_at(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", server.base_url)
    monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", server.api_key)
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", server.model)


def test_doctor_survives_a_deeply_nested_reply(fake_openai_server: FakeOpenAIServer, monkeypatch) -> None:
    _point_at(fake_openai_server, monkeypatch)
    fake_openai_server.script(Fault.invalid_json("[" * 200_000 + "]" * 200_000))
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "FAIL structured output" in result.output and "nested too deeply" in result.output


def test_doctor_reports_a_stall_after_the_deadline(fake_openai_server: FakeOpenAIServer, monkeypatch) -> None:
    _point_at(fake_openai_server, monkeypatch)
    monkeypatch.setenv("INTERVIEWER_LLM__GRADE_DEADLINE_S", "1")
    fake_openai_server.script(Fault.stall(30))
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["doctor", "--json"])
    assert time.perf_counter() - started < 15  # the read timeout is 60 s: this is the deadline at work
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert [c["ok"] for c in data["checks"]] == [True, True, False]
    assert "deadline" in data["checks"][2]["detail"]
