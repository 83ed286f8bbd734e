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
import random
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from interviewer.config import LLMSettings, Settings
from interviewer.llm.base import ChatMessage, CompletionInfo, LLMClient
from interviewer.services.bench_stats import BenchReport, bare_replay, summarise_runs

FOLLOW_UP_ANSWER = "我补充一下：这一点主要和训练稳定性以及计算效率有关，具体细节我不太确定。"


@dataclass
class Call:
    """One LLM request made by the engine: enough to replay it, and how long the engine waited on it."""

    kind: str  # "stream" | "json"
    messages: list[ChatMessage]
    max_tokens: int | None
    temperature: float | None
    schema: dict[str, Any] | None = None
    name: str = ""
    wait_s: float = 0.0
    ttft_s: float | None = None
    first_token_at: float | None = None
    """perf_counter() at the first streamed piece: with the turn's start, what the candidate waited."""
    ok: bool = True
    intervals: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) perf_counter() spans spent waiting on the server. The engine may run the judge and a
    follow-up at once, so a turn's HTTP time is the union of its calls' spans, not the sum."""


@dataclass
class TimedClient:
    """An LLMClient proxy that records every call and the time spent waiting for the server."""

    inner: LLMClient
    calls: list[Call] = field(default_factory=list)

    @property
    def model(self) -> str:
        return self.inner.model

    def stream_chat(self, messages: list[ChatMessage], *, temperature: float | None = None,
                    max_tokens: int | None = None, retries: int | None = None,
                    on_complete: Callable[[CompletionInfo], None] | None = None) -> AsyncIterator[str]:
        call = Call("stream", messages, max_tokens, temperature)
        self.calls.append(call)
        pieces = self.inner.stream_chat(messages, temperature=temperature, max_tokens=max_tokens,
                                        retries=retries, on_complete=on_complete)
        return self._timed(pieces, call)

    async def _timed(self, pieces: AsyncIterator[str], call: Call) -> AsyncIterator[str]:
        started = time.perf_counter()
        iterator = pieces.__aiter__()
        try:
            while True:
                waiting = time.perf_counter()
                try:
                    piece = await iterator.__anext__()
                except StopAsyncIteration:
                    call.wait_s += time.perf_counter() - waiting
                    call.intervals.append((waiting, time.perf_counter()))
                    return
                call.wait_s += time.perf_counter() - waiting
                call.intervals.append((waiting, time.perf_counter()))
                if call.ttft_s is None:
                    call.first_token_at = time.perf_counter()
                    call.ttft_s = call.first_token_at - started
                yield piece
        except Exception:  # not GeneratorExit/CancelledError: the engine's own stop is counted by FellBack
            call.ok = False
            raise
        finally:
            closer = getattr(iterator, "aclose", None)
            if closer is not None:
                await closer()

    async def complete_json(self, messages: list[ChatMessage], schema: Any, *, name: str,
                            max_tokens: int | None = None, retries: int | None = None) -> Any:
        call = Call("json", messages, max_tokens, 0.0, schema=_schema_of(schema), name=name)
        self.calls.append(call)
        started = time.perf_counter()
        try:
            return await self.inner.complete_json(messages, schema, name=name, max_tokens=max_tokens,
                                                  retries=retries)
        except BaseException:
            call.ok = False
            raise
        finally:
            ended = time.perf_counter()
            call.wait_s = ended - started
            call.intervals.append((started, ended))

    async def aclose(self) -> None:
        await self.inner.aclose()


@cache
def _schema_of(model: Any) -> dict[str, Any]:
    # Built once per reply model so the recording adds nothing measurable to the engine's time.
    return model.model_json_schema()


@dataclass
class TurnRun:
    wall_s: float
    calls: list[Call]
    follow_up_s: float | None = None
    """Submit to the first token of the follow-up (grading included): the wait a candidate sees."""


@dataclass
class SessionRun:
    turns: list[TurnRun] = field(default_factory=list)
    fallbacks: Counter[str] = field(default_factory=Counter)
    error: str | None = None


@dataclass(frozen=True)
class BenchOptions:
    llm: LLMSettings
    concurrency: int = 8
    sessions: int = 16
    questions: int = 2
    follow_ups: int = 1
    seed: int = 0
    language: str = "zh"
    replay: bool = True
    processes: bool = False
    """One forked process per concurrent candidate (default: all on one event loop)."""


def run_bench(options: BenchOptions, bank: Any) -> BenchReport:
    """Run the simulated sessions, then the bare replay; figures in the returned report. Synchronous: with
    `options.processes` it forks the candidates' processes before any event loop runs."""
    if not options.llm.base_url:
        raise ValueError("no endpoint: pass --base-url or set INTERVIEWER_LLM__BASE_URL")
    from interviewer.services import bench_processes

    with tempfile.TemporaryDirectory(prefix="interviewer-bench-") as tmp:
        if options.processes and bench_processes.available():
            runs, elapsed, cpu_s, before = bench_processes.run_sessions(
                options, bank, Path(tmp), lambda: asyncio.run(_cache_stats(options.llm)))
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
        before = await _cache_stats(options.llm)
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
    after = await _cache_stats(options.llm)
    bare = await bare_replay(options.llm, runs, options.concurrency) if options.replay else None
    return after, bare


async def warm_up_grader(bank: Any) -> None:
    """Load the offline grader's tables (a one-off per process) so a judge fallback is timed like a turn."""
    from interviewer.grading.offline import OfflineGrader

    question = next(q for q in bank.questions if q.reference)
    await OfflineGrader().grade(question, question.reference or question.text)


async def _cache_stats(llm: LLMSettings) -> Any:
    from interviewer.llm import make_llm_client

    client = make_llm_client(llm)
    if client is None:
        return None
    try:
        return await client.prefix_cache_stats()
    except Exception:  # not every endpoint serves vLLM's /metrics
        return None
    finally:
        await client.aclose()


async def one_session(index: int, options: BenchOptions, bank: Any, client: Any,
                      seats: asyncio.Queue[Any]) -> SessionRun:
    """One simulated candidate; `seats` holds one repository per concurrent candidate."""
    from interviewer.history import SessionMode
    from interviewer.services.engine_api import Phase, SessionConfig
    from interviewer.services.factory import make_engine

    run = SessionRun()
    candidates = sorted((q for q in bank.questions if q.reference and q.key_points), key=lambda q: q.id)
    picked = random.Random(options.seed * 100_003 + index).sample(candidates, options.questions)
    settings = Settings(profile="bench", language=options.language, llm=options.llm)  # type: ignore[arg-type]
    timed = TimedClient(client)
    repository = await seats.get()
    try:
        engine = make_engine(settings, bank=bank, repository=repository, llm_client=timed, warm_up=None)
        engine.add_listener(lambda event: _count_fallback(event, run))
        config = SessionConfig(mode=SessionMode.PRACTICE, question_ids=tuple(q.id for q in picked),
                               max_follow_ups=options.follow_ups, seed=options.seed, auto_advance=True,
                               language=options.language)  # type: ignore[arg-type]
        try:
            await engine.start(config)
            while engine.state.phase is Phase.ANSWERING:
                state = engine.state
                answer = FOLLOW_UP_ANSWER if state.follow_up_index else _partial(state.current)
                timed.calls = []
                started = time.perf_counter()
                await engine.submit(answer, clarify=False)
                first = next((c.first_token_at for c in timed.calls if c.first_token_at is not None), None)
                run.turns.append(TurnRun(time.perf_counter() - started, timed.calls,
                                         None if first is None else first - started))
        except Exception as err:  # counted, reported, and the other sessions go on
            run.error = f"{type(err).__name__}: {err}"
        finally:
            await engine.close()
    finally:
        seats.put_nowait(repository)
    return run


def _partial(turn: Any) -> str:
    reference = turn.question.reference or turn.question.text
    return reference[: max(60, len(reference) // 3)]


def _count_fallback(event: Any, run: SessionRun) -> None:
    if event.kind == "grader_fell_back":
        run.fallbacks["judge"] += 1
    elif event.kind == "fell_back":
        run.fallbacks[f"{event.component}:{event.reason}"] += 1
