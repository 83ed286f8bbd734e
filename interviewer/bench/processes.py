"""`interviewer bench --processes`: one forked process per concurrent candidate (each runs their own app).

In one process, simulated candidates share one event loop: when the server answers them together, each
waits for the others' few milliseconds of work, which then reads as engine overhead. Here every candidate is
a forked worker with its own event loop, storage and HTTP connection; only the CPU and the server are shared
(on a client machine with few cores, that sharing costs more than the shared loop did). Workers load and warm
up before the clock starts (a barrier), then run their sessions one after another.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

from interviewer.bench.candidate import one_session, warm_up_grader
from interviewer.bench.types import BenchOptions, SessionRun

_READY_TIMEOUT_S = 120.0


def available() -> bool:
    """Forking is how workers start quickly with the bank already loaded (POSIX only)."""
    return "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"


def run_sessions(options: BenchOptions, bank: Any, tmp: Path,
                 before_start: Any) -> tuple[list[SessionRun], float, float, Any]:
    """Fork `options.concurrency` workers, call `before_start()` once they are ready, run every session.

    Returns (runs in session order, wall seconds, CPU seconds of all workers, before_start's result).
    Call it from synchronous code (no running event loop, no other threads), as forking requires.
    """
    from interviewer.grading.offline import OfflineGrader

    sample = next(q for q in bank.questions if q.reference)
    OfflineGrader().grade_sync(sample, sample.reference or "")  # loaded once here, inherited by every fork
    context = multiprocessing.get_context("fork")
    workers = max(1, min(options.concurrency, options.sessions))
    barrier = context.Barrier(workers + 1, timeout=_READY_TIMEOUT_S)
    results: Any = context.Queue()
    processes = [
        context.Process(target=_worker, name=f"bench-candidate-{w}", daemon=True,
                        args=(options, bank, [i for i in range(options.sessions) if i % workers == w],
                              tmp / f"candidate-{w}.sqlite3", barrier, results))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        barrier.wait()  # every worker has loaded and warmed up
        baseline = before_start()
        barrier.wait()  # ... and now they start together
        started = time.perf_counter()
        collected = [results.get(timeout=_session_timeout(options)) for _ in processes]
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    runs: dict[int, SessionRun] = {}
    cpu_s = 0.0
    for worker_runs, worker_cpu in collected:
        runs.update(worker_runs)
        cpu_s += worker_cpu
    return [runs[i] for i in sorted(runs)], elapsed, cpu_s, baseline


def _session_timeout(options: BenchOptions) -> float:
    return 600.0 + 120.0 * options.sessions * options.questions


def _worker(options: BenchOptions, bank: Any, indices: list[int], db_path: Path, barrier: Any,
            results: Any) -> None:
    from interviewer.db.repository import open_repository

    repository = open_repository(f"sqlite:///{db_path}")
    asyncio.run(warm_up_grader(bank))
    barrier.wait()
    barrier.wait()
    cpu_started = time.process_time()
    runs = asyncio.run(_sessions(options, bank, indices, repository))
    results.put((runs, time.process_time() - cpu_started))
    repository.close()


async def _sessions(options: BenchOptions, bank: Any, indices: list[int],
                    repository: Any) -> dict[int, SessionRun]:
    from interviewer.llm import make_llm_client

    client = make_llm_client(options.llm)
    seats: asyncio.Queue[Any] = asyncio.Queue()
    seats.put_nowait(repository)
    try:
        return {i: await one_session(i, options, bank, client, seats) for i in indices}
    finally:
        if client is not None:
            await client.aclose()
