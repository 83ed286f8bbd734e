"""Figures for `interviewer bench`: percentiles, the bare-httpx replay baseline, and the printed report."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from interviewer.bench.types import BenchOptions, Call, SessionRun
from interviewer.config import LLMSettings

FOLLOW_UP_BUDGET_S = 2.0
"""A follow-up should start within 2 s of submitting an answer (grading included)."""


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def spread(values_s: Sequence[float]) -> dict[str, float | None]:
    """p50/p90/p99/mean in milliseconds, and the count."""
    ms = [v * 1000 for v in values_s]
    return {
        "n": len(ms),
        "p50_ms": _round(percentile(ms, 50)),
        "p90_ms": _round(percentile(ms, 90)),
        "p99_ms": _round(percentile(ms, 99)),
        "mean_ms": _round(sum(ms) / len(ms)) if ms else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class BenchReport:
    """Everything `interviewer bench` prints; `as_dict()` is the `--json` output."""

    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.figures

    def render(self) -> str:
        f = self.figures
        lines = [
            f"endpoint {f['endpoint']}  model {f['model']}",
            f"sessions {f['sessions']} (concurrency {f['concurrency']}, {f['mode']}), turns {f['turns']}, "
            f"LLM requests {f['requests']}, wall {f['wall_s']:.1f}s",
            "",
            f"{'':32}{'p50':>10}{'p90':>10}{'p99':>10}{'mean':>10}",
        ]
        for label, key in _ROWS:
            row = f.get(key)
            if row:
                lines.append(f"{label:32}" + "".join(_cell(row.get(k)) for k in _COLUMNS))
        lines.append("")
        overhead = f["overhead_share"]
        lines.append(f"engine overhead: {_pct(overhead)} of the HTTP time of the same turns (aim: <= 10%)")
        if f.get("cpu_per_turn_ms") is not None:
            share = _pct(f["cpu_share"])
            lines.append(f"process CPU per turn: {f['cpu_per_turn_ms']:.1f} ms = {share} of the HTTP time "
                         "(engine + storage + HTTP client; unaffected by other load)")
        if f.get("engine_vs_bare") is not None:
            lines.append(f"engine turn p50 vs bare httpx replay p50: {_pct(f['engine_vs_bare'])} "
                         "(the replay runs second, on a warm prefix cache)")
        if f.get("within_budget") is not None:
            lines.append(f"follow-ups starting within {FOLLOW_UP_BUDGET_S:.0f} s of the answer: "
                         f"{f['within_budget']:.1%}")
        hit = f["prefix_cache_hit_rate"]
        lines.append("prefix-cache hit rate: " + ("n/a (no vLLM /metrics)" if hit is None else f"{hit:.1%}"))
        errors = f["errors"]
        kinds = ", ".join(f"{k} {v}" for k, v in errors["by_kind"].items())
        lines.append(f"errors: {errors['total']}" + (f" ({kinds})" if errors["total"] else ""))
        return "\n".join(lines)


_ROWS = (
    ("follow-up time to first token", "ttft"), ("submit to first follow-up token", "follow_up_wait"),
    ("judge request", "judge"),
    ("turn (grade + follow-up)", "turn"),
    ("  waiting on HTTP per turn", "turn_http"), ("  engine overhead per turn", "overhead"),
    ("bare httpx replay per turn", "bare_turn"),
)
_COLUMNS = ("p50_ms", "p90_ms", "p99_ms", "mean_ms")


def _cell(value: float | None) -> str:
    return f"{'-' if value is None else f'{value:.1f}':>10}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.1%}"


def http_busy_s(calls: Sequence[Call]) -> float:
    """Seconds of a turn spent waiting on the server: the union of the calls' waiting spans (the judge and a
    follow-up can overlap; summing them would hide the engine's own time behind double-counted HTTP)."""
    spans = sorted(span for call in calls for span in call.intervals)
    if not spans:
        return sum(call.wait_s for call in calls)
    total, (start, end) = 0.0, spans[0]
    for s, e in spans[1:]:
        if s > end:
            total += end - start
            start, end = s, e
        else:
            end = max(end, e)
    return total + end - start


def summarise_runs(runs: Sequence[SessionRun], options: BenchOptions, elapsed_s: float, before: Any,
                   after: Any, bare: list[list[float]] | None, *, cpu_s: float | None = None) -> BenchReport:
    """Collect the figures of all simulated sessions."""
    turns = [t for run in runs for t in run.turns]
    calls = [c for t in turns for c in t.calls]
    http: list[float] = [http_busy_s(t.calls) for t in turns]
    waits = [t.follow_up_s for t in turns if t.follow_up_s is not None]
    overhead = [max(0.0, t.wall_s - h) for t, h in zip(turns, http, strict=True)]
    errors: Counter[str] = Counter()
    for run in runs:
        errors.update(run.fallbacks)
        if run.error:
            errors[f"session:{run.error.split(':')[0]}"] += 1
    errors["request_failed"] += sum(1 for c in calls if not c.ok)
    errors = +errors  # drop zero counts
    bare_turns = [t for session in (bare or []) for t in session]
    hit_rate = None
    if before is not None and after is not None and after.found:
        hit_rate = after.since(before).hit_rate
    http_s = sum(http)
    figures: dict[str, Any] = {
        "endpoint": options.llm.base_url, "model": options.llm.model,
        "judge_examples": options.llm.judge_examples,
        "sessions": len(runs), "concurrency": options.concurrency, "turns": len(turns),
        "mode": "one process per candidate" if options.processes else "one event loop",
        "requests": len(calls),
        "wall_s": round(elapsed_s, 2),
        "ttft": spread([c.ttft_s for c in calls if c.kind == "stream" and c.ttft_s is not None]),
        "follow_up_wait": spread(waits),
        "within_budget": round(sum(w <= FOLLOW_UP_BUDGET_S for w in waits) / len(waits), 4) if waits
        else None,
        "judge": spread([c.wait_s for c in calls if c.kind == "json" and c.ok]),
        "turn": spread([t.wall_s for t in turns]),
        "turn_http": spread(http),
        "overhead": spread(overhead),
        "overhead_share": round(sum(overhead) / http_s, 4) if http_s else None,
        "cpu_per_turn_ms": round(cpu_s * 1000 / len(turns), 1) if cpu_s is not None and turns else None,
        "cpu_share": round(cpu_s / http_s, 4) if cpu_s is not None and http_s else None,
        "bare_turn": spread(bare_turns) if bare is not None else None,
        "engine_vs_bare": None,
        "prefix_cache_hit_rate": None if hit_rate is None else round(hit_rate, 4),
        "errors": {"total": sum(errors.values()), "by_kind": dict(errors)},
    }
    engine_p50 = figures["turn"]["p50_ms"]
    bare_p50 = figures["bare_turn"]["p50_ms"] if figures["bare_turn"] else None
    if engine_p50 and bare_p50:
        figures["engine_vs_bare"] = round(engine_p50 / bare_p50 - 1, 4)
    return BenchReport(figures)


async def bare_replay(llm: LLMSettings, runs: Sequence[SessionRun], concurrency: int) -> list[list[float]]:
    """Send every recorded request again with plain httpx; per session, the seconds of each turn."""
    key = llm.api_key.get_secret_value()
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    timeout = httpx.Timeout(llm.read_timeout_s, connect=llm.connect_timeout_s)
    limits = httpx.Limits(max_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(headers=headers, timeout=timeout, limits=limits) as http:

        async def session(run: SessionRun) -> list[float]:
            async with gate:
                return [await _replay_turn(http, llm, turn.calls) for turn in run.turns]

        return list(await asyncio.gather(*(session(run) for run in runs)))


async def _replay_turn(http: httpx.AsyncClient, llm: LLMSettings, calls: Sequence[Call]) -> float:
    started = time.perf_counter()
    for call in calls:
        body: dict[str, Any] = {
            "model": llm.model, "messages": call.messages,
            "temperature": llm.temperature if call.temperature is None else call.temperature,
            "max_tokens": call.max_tokens or llm.max_tokens,
            "chat_template_kwargs": {"enable_thinking": llm.enable_thinking},
        }
        url = f"{(llm.base_url or '').rstrip('/')}/chat/completions"
        try:
            if call.kind == "json":
                schema = {"name": call.name, "schema": call.schema, "strict": True}
                body["response_format"] = {"type": "json_schema", "json_schema": schema}
                (await http.post(url, json=body)).raise_for_status()
            else:
                body["stream"] = True
                async with http.stream("POST", url, json=body) as response:
                    async for line in response.aiter_lines():
                        if line.startswith("data: ") and line[6:].strip() != "[DONE]":
                            json.loads(line[6:])
        except httpx.HTTPError:
            continue  # the replay is a baseline: a failed request just adds its time
    return time.perf_counter() - started
