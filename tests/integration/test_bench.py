"""`interviewer bench`: against the fake server (fast, always) and the CPU vLLM server with 8 candidates."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from tests.fakes.fake_openai_server import Fault


def run_bench(*args: str) -> dict:
    result = CliRunner().invoke(app, ["bench", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("flag", "mode"), [("--in-process", "one event loop"),
                                           ("--processes", "one process per candidate")])
def test_bench_against_the_fake_server_counts_turns_errors_and_cache(fake_openai_server, flag, mode):
    fake_openai_server.script(Fault.http_error(500), Fault.http_error(500))
    figures = run_bench("--base-url", fake_openai_server.base_url, "--model", fake_openai_server.model,
                        "--api-key", fake_openai_server.api_key, "--concurrency", "4", "--sessions", "4",
                        flag)
    assert figures["mode"] == mode
    assert figures["sessions"] == 4 and figures["turns"] >= 8
    assert figures["requests"] == len(fake_openai_server.chat_requests()) // 2  # each replayed once, bare
    assert figures["errors"]["by_kind"]["request_failed"] == 2  # the judge retried or fell back: counted
    assert figures["ttft"]["n"] > 0 and figures["turn"]["p50_ms"] > 0
    assert 0 < figures["prefix_cache_hit_rate"] < 1  # judge and follow-up share the question's prefix
    assert figures["overhead_share"] is not None and figures["bare_turn"]["n"] == figures["turns"]


def test_bench_needs_an_endpoint():
    result = CliRunner().invoke(app, ["bench"])
    assert result.exit_code == 1 and "no endpoint" in result.output


@pytest.mark.vllm
@pytest.mark.slow
def test_bench_with_8_candidates_against_vllm(vllm_server, capsys):
    figures = run_bench("--base-url", vllm_server.base_url, "--model", vllm_server.model, "--api-key",
                        vllm_server.api_key, "--concurrency", "8", "--sessions", "8", "--questions", "1")
    assert figures["sessions"] == 8 and figures["concurrency"] == 8
    assert figures["errors"]["by_kind"].get("session:", 0) == 0
    assert figures["ttft"]["n"] > 0 and figures["judge"]["n"] >= 8
    assert figures["prefix_cache_hit_rate"] is not None and figures["prefix_cache_hit_rate"] > 0
    with capsys.disabled():
        print("\n[bench vllm]", json.dumps({k: figures[k] for k in ("turn", "turn_http", "overhead",
                                                                     "overhead_share", "bare_turn",
                                                                     "prefix_cache_hit_rate", "errors")}))
