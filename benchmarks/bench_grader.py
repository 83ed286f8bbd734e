"""Offline grader speed and agreement figures.

Prints the time per answer (p50, p99) for a 1,000-character answer against a 3,000-character reference, the
time per answer over the whole dev set, and the eval figures on the dev set and the two ASAG files.

Run: .venv/bin/python benchmarks/bench_grader.py [--repeat N] [--skip-asag]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from interviewer.grading.base import question_from_row
from interviewer.grading.evaluation import grade_rows_offline, load_rows, offline_grader_for, report
from interviewer.grading.offline import OfflineGrader

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "tests" / "data" / "grader_devset.jsonl"
ASAG = ROOT.parent / "shared" / "data" / "asag"


def _percentiles(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def _long_texts() -> tuple[str, list[str], list[str]]:
    """A ~3,000-character reference with key points, and ~1,000-character answers built from the dev set."""
    rows = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    references = sorted({r["reference"] for r in rows}, key=len, reverse=True)
    reference = "\n".join(references)[:3000]
    answers = []
    for i, ref in enumerate(references[: 60]):
        text = (ref + "\n" + references[(i + 7) % len(references)]) * 3
        answers.append(text[:1000])
    key_points = [line[:200] for line in reference.splitlines() if len(line) > 20][:8]
    return reference, key_points, answers


def bench_long(repeat: int) -> None:
    reference, key_points, answers = _long_texts()
    question = question_from_row("请全面介绍大模型训练与推理的关键技术。", reference, key_points)
    grader = OfflineGrader()
    grader.grade_sync(question, answers[0])  # warm-up: jieba dictionary, bank IDF, caches
    samples: list[float] = []
    for _ in range(repeat):
        for answer in answers:
            # A fresh answer each time: vary it so the analysis cache does not hide the work.
            text = answer[: 1000 - len(str(len(samples)))] + str(len(samples))
            started = time.perf_counter()
            grader.grade_sync(question, text)
            samples.append((time.perf_counter() - started) * 1000)
    p50, p99 = _percentiles(samples)
    print(f"1,000-char answer vs {len(reference):,}-char reference ({len(key_points)} key points): "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(samples)} answers")


def bench_devset() -> None:
    rows = load_rows(DEVSET)
    grader = offline_grader_for(rows)
    samples: list[float] = []
    for row in rows:
        question = question_from_row(row.question, row.reference, row.key_points)
        started = time.perf_counter()
        grader.grade_sync(question, row.answer)
        samples.append((time.perf_counter() - started) * 1000)
    p50, p99 = _percentiles(samples)
    print(f"dev set ({len(rows)} answers, first pass incl. reference analysis): p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms, total {sum(samples) / 1000:.2f} s")


def eval_figures(path: Path) -> None:
    rows = load_rows(path)
    started = time.perf_counter()
    scored = grade_rows_offline(rows, offline_grader_for(rows))
    result = report(scored).as_dict()
    took = time.perf_counter() - started
    kinds = ", ".join(f"{k} {v['mean_score']:.1f}" for k, v in result["by_kind"].items())
    print(f"{path.name}: n {result['n']}, pearson {result['pearson']:.3f}, "
          f"spearman {result['spearman']:.3f}, qwk {result['qwk']:.3f}, mae {result['mae']:.2f} "
          f"({took:.1f} s)")
    if kinds:
        print(f"  by kind (mean score): {kinds}")
    errors: dict[bool, list[float]] = {True: [], False: []}
    for item in scored:
        if item.grade.score is not None:
            human = item.row.human_score * 10 / item.row.max_score
            errors["low_confidence" in item.grade.flags].append(abs(item.grade.score - human))
    low, other = errors[True], errors[False]
    if low and other:
        print(f"  low_confidence on {len(low) / len(scored):.0%} of answers: MAE {sum(low) / len(low):.2f} "
              f"vs {sum(other) / len(other):.2f} for the rest")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the long answers")
    parser.add_argument("--skip-asag", action="store_true", help="skip the two ASAG files")
    args = parser.parse_args()
    started = time.perf_counter()
    OfflineGrader().grade_sync(question_from_row("q", "参考答案"), "回答")
    print(f"first grade (jieba dictionary + bank IDF): {(time.perf_counter() - started) * 1000:.0f} ms")
    bench_long(args.repeat)
    bench_devset()
    eval_figures(DEVSET)
    if not args.skip_asag:
        for name in ("ads_zh.jsonl", "mohler_en.jsonl"):
            if (ASAG / name).is_file():
                eval_figures(ASAG / name)
            else:
                print(f"{name}: not found under {ASAG}")


if __name__ == "__main__":
    main()
