"""The interview engine's own cost per turn, offline: shipped bank, offline grader, templates, SQLite.

Run: `.venv/bin/python benchmarks/bench_engine.py [--sessions N] [--questions Q]`. Each session is a timed
interview (fake clock) answered with a third of each reference, so template follow-ups come. Prints the wall
time of `submit()` per turn (grading + storage + the follow-up or the next question), the time inside storage
calls, and the time inside the offline grader. Against an LLM endpoint use `interviewer bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from interviewer.config import Settings
from interviewer.db.repository import open_repository
from interviewer.grading.offline import OfflineGrader
from interviewer.history import SessionMode
from interviewer.services.engine.api import Phase, SessionConfig
from interviewer.services.engine.factory import make_engine
from question_bank import load_bank
from tests.fakes.clock import FakeClock


class TimedStore:
    """Adds up the time spent in each repository method."""

    def __init__(self, inner):
        self._inner = inner
        self.seconds: dict[str, float] = {}

    def __getattr__(self, name):
        method = getattr(self._inner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

        return timed


async def run(sessions: int, questions: int) -> None:
    bank = load_bank()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        store = TimedStore(open_repository(url))
        settings = Settings(database_url=url, profile="bench")
        turns: list[float] = []
        grading = 0.0
        first = next(q for q in bank.questions if q.reference)
        started = time.perf_counter()
        await asyncio.to_thread(OfflineGrader().grade_sync, first, first.reference)
        print(f"offline grader first use (tables): {time.perf_counter() - started:.2f} s")
        store.seconds.clear()
        for index in range(sessions):
            clock = FakeClock()
            engine = make_engine(settings, bank=bank, repository=store, clock=clock, warm_up=None)
            config = SessionConfig(mode=SessionMode.TIMED, n_questions=questions, per_question_s=300,
                                   seed=index, max_follow_ups=1, auto_advance=True)
            await engine.start(config)
            while engine.state.phase is Phase.ANSWERING:
                clock.advance(30)
                state = engine.state
                reference = state.current.question.reference or state.current.question.text
                answer = reference[: len(reference) // 3]
                if state.follow_up_index:
                    answer = "补充：和训练稳定性有关。"
                began = time.perf_counter()
                await engine.submit(answer, clarify=False)
                turns.append(time.perf_counter() - began)
            grading += sum(e.grade.latency_ms or 0 for e in engine.event_history
                           if e.kind == "answer_graded") / 1000
            await engine.close()
        storage = sum(store.seconds.values())
    ms = sorted(t * 1000 for t in turns)
    print(f"{len(ms)} turns in {sessions} sessions: submit() p50 {statistics.median(ms):.1f} ms, "
          f"p90 {ms[int(0.9 * (len(ms) - 1))]:.1f} ms, mean {statistics.fmean(ms):.1f} ms")
    print(f"per turn: storage {storage * 1000 / len(ms):.1f} ms "
          f"({', '.join(f'{k} {v * 1000 / len(ms):.1f}' for k, v in sorted(store.seconds.items()))}), "
          f"offline grader {grading * 1000 / len(ms):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--questions", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.questions))


if __name__ == "__main__":
    main()
