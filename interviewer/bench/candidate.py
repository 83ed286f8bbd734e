"""One simulated candidate of `interviewer bench`: a real engine session through a timing LLM client."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from interviewer.bench.types import BenchOptions, Call, SessionRun, TurnRun
from interviewer.config import LLMSettings, Settings
from interviewer.llm.base import ChatMessage, CompletionInfo, LLMClient

FOLLOW_UP_ANSWER = "我补充一下：这一点主要和训练稳定性以及计算效率有关，具体细节我不太确定。"


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


async def warm_up_grader(bank: Any) -> None:
    """Load the offline grader's tables (a one-off per process) so a judge fallback is timed like a turn."""
    from interviewer.grading.offline import OfflineGrader

    question = next(q for q in bank.questions if q.reference)
    await OfflineGrader().grade(question, question.reference or question.text)


async def cache_stats(llm: LLMSettings) -> Any:
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
    from interviewer.services.engine.api import Phase, SessionConfig
    from interviewer.services.engine.factory import make_engine

    run = SessionRun()
    candidates = sorted((q for q in bank.questions if q.reference and q.key_points), key=lambda q: q.id)
    picked = random.Random(options.seed * 100_003 + index).sample(candidates, options.questions)
    settings = Settings(profile="bench", language=options.language, llm=options.llm)
    timed = TimedClient(client)
    repository = await seats.get()
    try:
        engine = make_engine(settings, bank=bank, repository=repository, llm_client=timed, warm_up=None)
        engine.add_listener(lambda event: _count_fallback(event, run))
        config = SessionConfig(mode=SessionMode.PRACTICE, question_ids=tuple(q.id for q in picked),
                               max_follow_ups=options.follow_ups, seed=options.seed, auto_advance=True,
                               language=options.language)
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
