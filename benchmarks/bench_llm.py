"""LLM path figures against an OpenAI-compatible endpoint: judge latency, follow-up time to first token,
prefix-cache hit rate, and grades at a given concurrency.

Run against a configured endpoint (INTERVIEWER_LLM__* env or config file):
    .venv/bin/python benchmarks/bench_llm.py [--questions 8] [--concurrency 8]
or let it build the tests' tiny random-weight model and start the CPU vLLM server itself (protocol timings
only: the tiny model says nothing useful, and its replies are as long as the schema allows):
    .venv/bin/python benchmarks/bench_llm.py --start-tiny .venv-vllm/bin/python
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.config import LLMSettings, load_settings
from interviewer.grading.llm_judge import LLMJudge
from interviewer.llm import build_messages, make_llm_client
from question_bank import load_bank
from tests.fixtures.vllm import API_KEY, BUILDER, MODEL_NAME, SEEDS_DIR, SERVER_ENV, free_port, server_command

ANSWER = "我的理解是：它通过缓存和复用中间结果来减少重复计算，但会占用更多显存，需要在速度和内存之间权衡。"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, values: list[float]) -> str:
    return (f"{label:<34} n={len(values):<3} p50={statistics.median(values):7.0f} ms  "
            f"p95={pct(values, 0.95):7.0f} ms  max={max(values):7.0f} ms")


def start_tiny(python: str, work: Path) -> tuple[subprocess.Popen, LLMSettings]:
    model_dir = work / "model"
    subprocess.run([python, str(BUILDER), str(model_dir), *map(str, sorted(SEEDS_DIR.glob("*.txt")))],
                   check=True, capture_output=True, env={**os.environ, **SERVER_ENV})
    port = free_port()
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(server_command(python, model_dir, port), stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, **SERVER_ENV}, start_new_session=True)
    started = time.monotonic()
    while time.monotonic() - started < 300:
        if proc.poll() is not None:
            raise SystemExit(f"server exited; see {work / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(1)
    print(f"tiny vLLM server ready in {time.monotonic() - started:.0f} s")
    return proc, LLMSettings(base_url=f"http://127.0.0.1:{port}/v1", api_key=API_KEY, model=MODEL_NAME)


async def run(settings: LLMSettings, n_questions: int, concurrency: int) -> None:
    client = make_llm_client(settings)
    if client is None:
        raise SystemExit("no endpoint: set INTERVIEWER_LLM__BASE_URL or use --start-tiny")
    questions = [q for q in load_bank().questions if q.reference and q.key_points][:n_questions]
    judge = LLMJudge(client, retry_delay_s=0.2)
    async with client:
        before = await client.prefix_cache_stats()
        grade_ms, ttft_ms, follow_ms, fallbacks = [], [], [], 0
        for q in questions:
            grade = await judge.grade(q, ANSWER, language="zh")
            grade_ms.append(grade.latency_ms or 0.0)
            fallbacks += "llm_fallback" in grade.flags
            messages = build_messages("follow_up", q, language="zh", key_point=q.key_points[-1],
                                      exchanges=[(q.text, ANSWER)])
            infos: list = []
            _ = [p async for p in client.stream_chat(messages, max_tokens=64, on_complete=infos.append)]
            ttft_ms.append(infos[0].ttft_ms or 0.0)
            follow_ms.append(infos[0].latency_ms)
        after = await client.prefix_cache_stats()
        print(f"endpoint {client.base_url}  model {client.model}  questions {len(questions)}")
        print(line("grade (sequential)", grade_ms) + f"  fallbacks={fallbacks}")
        print(line("follow-up time to first token", ttft_ms))
        print(line("follow-up total (64 tokens max)", follow_ms))
        delta = after.since(before)
        rate = f"{delta.hit_rate:.1%}" if delta.hit_rate is not None else "n/a"
        print(f"prefix cache: {delta.hits:.0f} of {delta.queries:.0f} prompt tokens hit ({rate})"
              if after.found else "prefix cache: no vLLM metrics at /metrics")
        semaphore = asyncio.Semaphore(concurrency)

        async def one(i: int) -> float:
            async with semaphore:
                grade = await judge.grade(questions[i % len(questions)], ANSWER, language="zh")
                return grade.latency_ms or 0.0

        started = time.perf_counter()
        latencies = await asyncio.gather(*(one(i) for i in range(concurrency * 2)))
        wall = time.perf_counter() - started
        print(line(f"grade at concurrency {concurrency}", list(latencies))
              + f"  {len(latencies) / wall:.1f} grades/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--start-tiny", metavar="VLLM_PYTHON",
                        help="start the tiny CPU vLLM server with this python")
    args = parser.parse_args()
    proc = None
    with tempfile.TemporaryDirectory() as work:
        try:
            if args.start_tiny:
                proc, settings = start_tiny(args.start_tiny, Path(work))
            else:
                settings = load_settings().llm
            asyncio.run(run(settings, args.questions, args.concurrency))
        finally:
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
