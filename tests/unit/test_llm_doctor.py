"""`interviewer doctor` against the fake server: what works, the model, the latency, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from tests.fakes.fake_openai_server import FakeOpenAIServer, Fault


def point_at(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch, api_key: str | None = None) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", server.base_url)
    monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", api_key or server.api_key)
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", server.model)


def test_offline_mode_is_reported_cleanly() -> None:
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0 and "offline mode" in result.output
    data = json.loads(CliRunner().invoke(app, ["doctor", "--json"]).output)
    assert data["configured"] is False and data["ok"] is True


def test_all_checks_pass_against_a_working_endpoint(
    fake_openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(fake_openai_server, monkeypatch)
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "model fake-model" in result.output and "all checks passed" in result.output
    for name in ("health", "models", "structured output"):
        assert any(line.split()[:2] == ["ok", name.split()[0]] for line in result.output.splitlines())
    assert " ms " in result.output
    [body] = fake_openai_server.chat_requests()
    assert body["response_format"]["type"] == "json_schema"


def test_failures_exit_1_and_never_print_the_key(
    fake_openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(fake_openai_server, monkeypatch, api_key="wrong-key-123456")
    result = CliRunner().invoke(app, ["doctor", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    status = {c["name"]: c["ok"] for c in data["checks"]}
    assert status == {"health": True, "models": False, "structured output": False}
    assert "401" in data["checks"][1]["detail"] and "wrong-key-123456" not in result.output


def test_unserved_model_is_named(
    fake_openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(fake_openai_server, monkeypatch)
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", "qwen3-8b")
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "'qwen3-8b' is not served here; served: fake-model" in result.output
    assert "FAIL structured output" in result.output and "404" in result.output


def test_broken_structured_output_is_reported(
    fake_openai_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(fake_openai_server, monkeypatch)
    fake_openai_server.script(Fault.invalid_json())
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1 and "some checks failed" in result.output
    assert "FAIL structured output" in result.output and "not valid JSON" in result.output
