"""Storage benchmark: time to record 1,000 graded turns, and the weakest-topics query over 100,000 grades.

    .venv/bin/python benchmarks/bench_storage.py                 # SQLite in a temp dir
    .venv/bin/python benchmarks/bench_storage.py --url postgresql+psycopg://user@host/db   # an EMPTY database

Recording goes through the public repository API (three committed transactions per turn: ask, submit, grade
with card update); on SQLite each commit waits for fsync (synchronous=FULL: a submitted answer survives a
power cut), which dominates this figure on a busy disk. The 100,000 grades are bulk-inserted, cards are
rebuilt from them once, then `weakest_topics` is timed; it reads one card row per graded question, so its
cost does not grow with history.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from interviewer.db import open_repository
from interviewer.db.tables import GradeRow, ProfileRow, SessionRow, TurnRow
from interviewer.domain import Grade, Verdict, verdict_for

N_TOPICS = 20
QUESTIONS_PER_TOPIC = 25


def question_ids() -> dict[str, str]:
    """A synthetic bank: question id -> topic slug (the cached topic map the app builds from the bank)."""
    return {
        f"topic{t:02d}-q{q:03d}-{t:02x}{q:04x}": f"topic{t:02d}"
        for t in range(N_TOPICS)
        for q in range(QUESTIONS_PER_TOPIC)
    }


def bench_record(url: str, n_turns: int) -> float:
    repo = open_repository(url)
    rng = random.Random(1)
    questions = list(question_ids())
    session = repo.start_session("bench-record", "practice")
    started = time.perf_counter()
    for _ in range(n_turns):
        question_id = rng.choice(questions)
        turn = repo.add_turn(session.id, question_id, "question text")
        repo.submit_answer(turn.id, "an answer of a few words", time_spent_s=30.0)
        score = round(rng.uniform(0, 10), 1)
        repo.record_grade(turn.id, Grade(score=score, verdict=verdict_for(score), grader="offline-v1"))
    elapsed = time.perf_counter() - started
    repo.close()
    return elapsed


def fill_grades(url: str, n_grades: int, profile: str = "bench-weak") -> None:
    """Bulk-insert n_grades graded turns spread over a year (bypasses the API for speed)."""
    repo = open_repository(url)
    repo.get_or_create_profile(profile)
    rng = random.Random(2)
    questions = list(question_ids())
    start = datetime.now(UTC) - timedelta(days=365)
    with repo.engine.begin() as connection:
        profile_id = connection.execute(
            select(ProfileRow.id).where(col(ProfileRow.name) == profile)
        ).scalar_one()
        per_session = 100
        for first in range(0, n_grades, 10_000):
            sessions, turns, grades = [], [], []
            for index in range(first, min(first + 10_000, n_grades)):
                session_id = f"s{index // per_session:031d}"
                moment = start + timedelta(minutes=5 * index * 100_000 / n_grades)
                if index % per_session == 0:
                    sessions.append(
                        {
                            "id": session_id,
                            "profile_id": profile_id,
                            "mode": "drill",
                            "settings": {},
                            "started_at": moment,
                            "ended_at": moment,
                            "state": "finished",
                        }
                    )
                question_id = rng.choice(questions)
                score = round(rng.uniform(0, 10), 1)
                turns.append(
                    {
                        "id": f"t{index:031d}",
                        "session_id": session_id,
                        "question_id": question_id,
                        "question_text": "q",
                        "answer": "a",
                        "submitted_at": moment,
                        "ordinal": index % per_session + 1,
                        "created_at": moment,
                    }
                )
                grades.append(
                    {
                        "id": f"g{index:031d}",
                        "turn_id": f"t{index:031d}",
                        "profile_id": profile_id,
                        "question_id": question_id,
                        "created_at": moment,
                        "score": score,
                        "verdict": Verdict(verdict_for(score)).value,
                        "covered": [],
                        "missed": [],
                        "factual_errors": [],
                        "feedback": "",
                        "grader": "offline-v1",
                        "confidence": 0.5,
                        "flags": [],
                    }
                )
            for table, rows in ((SessionRow, sessions), (TurnRow, turns), (GradeRow, grades)):
                if rows:
                    connection.execute(table.__table__.insert(), rows)  # type: ignore[attr-defined]
    repo.close()


def bench_weakest(url: str, n_grades: int, repeats: int) -> tuple[float, float, list[float]]:
    fill_grades(url, n_grades)
    repo = open_repository(url)
    started = time.perf_counter()
    repo.rebuild_cards("bench-weak")
    rebuild = time.perf_counter() - started
    topic_of = question_ids()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        ranked = repo.weakest_topics("bench-weak", 5, topic_of)
        timings.append(time.perf_counter() - started)
    assert len(ranked) == 5
    repo.close()
    return rebuild, statistics.median(timings), timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="database URL (default: a new SQLite file in a temp dir)")
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--grades", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        backend = url.split(":", 1)[0]
        record = bench_record(url, args.turns)
        print(
            f"[{backend}] record {args.turns} graded turns: {record:.2f} s "
            f"({1000 * record / args.turns:.2f} ms per turn: ask + submit + grade/card update)"
        )
        rebuild, median, timings = bench_weakest(url, args.grades, args.repeats)
        print(
            f"[{backend}] rebuild cards from {args.grades} grades: {rebuild:.2f} s (import/upgrade path only)"
        )
        print(
            f"[{backend}] weakest_topics over {args.grades} grades "
            f"({N_TOPICS * QUESTIONS_PER_TOPIC} questions, {N_TOPICS} topics): "
            f"median {1000 * median:.1f} ms, max {1000 * max(timings):.1f} ms "
            f"over {args.repeats} runs (target < 50 ms)"
        )


if __name__ == "__main__":
    main()
