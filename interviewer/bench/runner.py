"""Load test for `interviewer bench`: simulated candidates run real engine sessions against an endpoint.

Each simulated candidate runs a practice session through the real engine (LLM judge, streamed follow-ups,
own SQLite file per concurrent candidate), answering with part of the reference so follow-ups come. The LLM
client is wrapped by `TimedClient`, which records how long the engine waited on HTTP in every turn, so

    engine overhead per turn = turn wall time - time spent waiting on the HTTP requests of that turn

and, independent of how busy the machine is, the process's CPU time per turn (engine, storage thread and
HTTP client together: an upper bound on the engine's own work).

Afterwards the same requests are replayed with bare httpx (no engine, no client library) at the same
concurrency, for a second, independent baseline (sampling differs between the two runs unless the
temperature is 0, so compare distributions, not single turns). Figures: time to first token of follow-up
streams, judge latency, per-turn latency, engine overhead, errors (fallbacks and exceptions), and the
server's prefix-cache hit rate. The offline grader is warmed up first (its tables load once per process).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from interviewer.bench import processes as bench_processes
from interviewer.bench.candidate import cache_stats, one_session, warm_up_grader
from interviewer.bench.stats import BenchReport, bare_replay, summarise_runs
from interviewer.bench.types import BenchOptions, SessionRun

__all__ = ["BenchOptions", "BenchReport", "run_bench"]


def run_bench(options: BenchOptions, bank: Any) -> BenchReport:
    """Run the simulated sessions, then the bare replay; figures in the returned report. Synchronous: with
    `options.processes` it forks the candidates' processes before any event loop runs."""
    if not options.llm.base_url:
        raise ValueError("no endpoint: pass --base-url or set INTERVIEWER_LLM__BASE_URL")

    with tempfile.TemporaryDirectory(prefix="interviewer-bench-") as tmp:
        if options.processes and bench_processes.available():
            runs, elapsed, cpu_s, before = bench_processes.run_sessions(
                options, bank, Path(tmp), lambda: asyncio.run(cache_stats(options.llm)))
        else:
            runs, elapsed, cpu_s, before = asyncio.run(_in_process(options, bank, Path(tmp)))
    after, bare = asyncio.run(_afterwards(options, runs))
    return summarise_runs(runs, options, elapsed, before, after, bare, cpu_s=cpu_s)


async def _in_process(options: BenchOptions, bank: Any,
                      tmp: Path) -> tuple[list[SessionRun], float, float, Any]:
    """All candidates on one event loop (the default): they share one process's CPU time, as 8 users of one
    multi-user server would."""
    from interviewer.db.repository import open_repository
    from interviewer.llm import make_llm_client

    client = make_llm_client(options.llm)
    # Each candidate has their own database, as each runs their own app; they share the endpoint.
    repositories = [open_repository(f"sqlite:///{tmp / f'candidate-{i}.sqlite3'}")
                    for i in range(options.concurrency)]
    try:
        await warm_up_grader(bank)
        before = await cache_stats(options.llm)
        seats: asyncio.Queue[Any] = asyncio.Queue()
        for repository in repositories:
            seats.put_nowait(repository)
        started, cpu_started = time.perf_counter(), time.process_time()
        runs = await asyncio.gather(*(one_session(i, options, bank, client, seats)
                                      for i in range(options.sessions)))
        return list(runs), time.perf_counter() - started, time.process_time() - cpu_started, before
    finally:
        for repository in repositories:
            repository.close()
        if client is not None:
            await client.aclose()


async def _afterwards(options: BenchOptions, runs: list[SessionRun]) -> tuple[Any, list[list[float]] | None]:
    after = await cache_stats(options.llm)
    bare = await bare_replay(options.llm, runs, options.concurrency) if options.replay else None
    return after, bare
