"""Question bank load times: the shipped bank in-process, and a generated bank of 10,000 questions.

Run: `.venv/bin/python benchmarks/bench_bank.py [--questions N] [--repeat R]`. Prints the best of R runs
(modules already imported, as in the running app) and the cold first call. Aims: shipped bank well under
150 ms, 10,000 questions under 2 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from interviewer.domain import KeyPoint, Question, SourceRef, Topic
from question_bank import load_bank
from question_bank.importer.pipeline import ImportResult
from question_bank.importer.writer import render

REFERENCE = ("1. **要点一**：这是一个用于基准测试的参考答案段落，长度接近真实题库中的回答。\n"
             "2. **要点二**：第二个要点，包含一些 English words 和 `code`。\n"
             "3. **要点三**：第三个要点，说明生成的题库结构与真实题库一致。\n")


def generate(directory: Path, count: int, topics: int = 20) -> None:
    """Write a bank of `count` questions over `topics` topic files, in the shipped format."""
    result = ImportResult()
    for t in range(topics):
        slug = f"bench-topic-{t}"
        result.topics[slug] = Topic(slug=slug, name=f"基准主题 {t}")
    for i in range(count):
        slug = f"bench-topic-{i % topics}"
        result.questions.append(Question(
            id=f"{slug}-{i:08x}", topic=slug, tags=("bench", f"tag{i % 7}"),
            text=f"第 {i} 个基准问题：请解释这个概念的原理？", reference=REFERENCE,
            key_points=tuple(KeyPoint(id=f"k{k}", text=f"要点{k}：基准测试要点文本") for k in (1, 2, 3)),
            difficulty=1 + i % 3, language="zh", sources=(SourceRef(file="bench.txt", line=i + 1),)))
    for name, text in render(result).items():
        (directory / name).write_text(text, encoding="utf-8")


def timed(path: Path | None, repeat: int) -> tuple[float, float, float, int]:
    """(first call ms, best wall ms, best CPU ms, question count) over `repeat` calls.

    CPU time is reported too: on a shared machine it stays stable when wall time does not.
    """
    walls, cpus = [], []
    count = 0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        count = len(load_bank(path).questions)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls[0], min(walls), min(cpus), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    first, best, cpu, count = timed(None, args.repeat)
    print(f"shipped bank: {count} questions, first load {first:.1f} ms, best of {args.repeat} {best:.1f} ms "
          f"(CPU {cpu:.1f} ms)")
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), args.questions)
        size = sum(p.stat().st_size for p in Path(tmp).glob("*.yaml")) / 1_048_576
        runs = max(1, args.repeat - 2)
        first, best, cpu, count = timed(Path(tmp), runs)
        print(f"generated bank: {count} questions ({size:.1f} MB YAML), first load {first:.0f} ms, "
              f"best of {runs} {best:.0f} ms (CPU {cpu:.0f} ms)")


if __name__ == "__main__":
    main()
