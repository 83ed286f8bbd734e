"""Helpers of scripts/gpu-report.sh: draw the evaluation samples, and write the report from the run's JSON.

    python scripts/gpu_report.py sample --out DIR --rows N [--asag DIR]   # DIR/data/*.jsonl
    python scripts/gpu_report.py render DIR                               # DIR/report.md + DIR/report.json

Samples are seeded (the same rows on every machine): dev-set rows of the `holdout` and `blind` splits only
(the judge's calibration examples come from `tune`), and N rows of each ASAG file. `render` reads
`bench-c*.json`, `eval-*-{offline,k0,k3}.json` and `meta.json` from DIR.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "data" / "grader_devset.jsonl"
BUDGET_S = 2.0


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def sample(out: Path, n: int, asag: Path | None, seed: int = 15) -> list[Path]:
    """Write the evaluation samples; returns their paths."""
    rng = random.Random(seed)
    devset = [r for r in _rows(DEVSET) if r.get("split") in ("holdout", "blind")]
    written = [out / "data" / "devset.jsonl"]
    _write(written[0], sorted(rng.sample(devset, min(n, len(devset))), key=lambda r: r["question_id"]))
    for path in sorted(asag.glob("*.jsonl")) if asag and asag.is_dir() else []:
        rows = _rows(path)
        target = out / "data" / f"asag-{path.stem}.jsonl"
        _write(target, rng.sample(rows, min(n, len(rows))))
        written.append(target)
    return written


def _load(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _ms(figures: dict[str, Any] | None, key: str, q: str) -> float | None:
    return ((figures or {}).get(key) or {}).get(q)


def collect(run: Path) -> dict[str, Any]:
    """Everything the report shows, from the JSON files of one run."""
    bench = []
    for path in sorted(run.glob("bench-c*.json"), key=lambda p: int(re.findall(r"\d+", p.stem)[0])):
        f = _load(path) or {}
        bench.append({
            "concurrency": f.get("concurrency"), "sessions": f.get("sessions"), "turns": f.get("turns"),
            "judge_examples": f.get("judge_examples"),
            "ttft_p50_ms": _ms(f, "ttft", "p50_ms"), "ttft_p99_ms": _ms(f, "ttft", "p99_ms"),
            "follow_up_wait_p50_ms": _ms(f, "follow_up_wait", "p50_ms"),
            "follow_up_wait_p99_ms": _ms(f, "follow_up_wait", "p99_ms"),
            "judge_p50_ms": _ms(f, "judge", "p50_ms"), "judge_p99_ms": _ms(f, "judge", "p99_ms"),
            "within_budget": f.get("within_budget"), "prefix_cache_hit_rate": f.get("prefix_cache_hit_rate"),
            "overhead_share": f.get("overhead_share"), "errors": (f.get("errors") or {}).get("total"),
        })
    evals: dict[str, dict[str, Any]] = {}
    for path in sorted(run.glob("eval-*.json")):
        name, variant = path.stem.removeprefix("eval-").rsplit("-", 1)
        f = _load(path)
        if f is not None:
            evals.setdefault(name, {})[variant] = {k: f.get(k) for k in ("n", "ungraded", "spearman", "qwk",
                                                                        "pearson", "mae")}
    served = [b["concurrency"] for b in bench if (b["within_budget"] or 0) >= 0.9]
    return {"meta": _load(run / "meta.json") or {}, "bench": bench, "eval": evals,
            "budget_s": BUDGET_S, "candidates_within_budget": max(served, default=0)}


def _cell(value: Any, fmt: str = "{:.0f}") -> str:
    if value is None:
        return "–"
    return fmt.format(value) if isinstance(value, int | float) else str(value)


def _pair(row: dict[str, Any], key: str, fmt: str = "{:.0f}") -> str:
    return f"{_cell(row.get(key + '_p50_ms'), fmt)} / {_cell(row.get(key + '_p99_ms'), fmt)}"


def markdown(report: dict[str, Any]) -> str:
    meta = report["meta"]
    kind = "CPU smoke run (small counts: not figures)" if meta.get("smoke") else "full run"
    budget = f"{BUDGET_S:.0f} s"
    lines = [
        f"# GPU report: {meta.get('model', '?')} on {meta.get('device', '?')}", "",
        f"{meta.get('date', '')} · vLLM {meta.get('vllm', '?')} · "
        f"interviewer {meta.get('interviewer', '?')} · {kind}",
        "", "## Serving (`interviewer bench`, judge with 3 graded examples)", "",
        "| candidates | turns | follow-up TTFT p50 / p99 ms | answer → first follow-up token p50 / p99 ms "
        f"| within {budget} | judge p50 / p99 ms | prefix-cache hits | errors |",
        "| ---: | ---: | --- | --- | ---: | --- | ---: | ---: |",
    ]
    for b in report["bench"]:
        lines.append(f"| {b['concurrency']} | {_cell(b['turns'])} | {_pair(b, 'ttft')} "
                     f"| {_pair(b, 'follow_up_wait')} | {_cell(b['within_budget'], '{:.0%}')} "
                     f"| {_pair(b, 'judge')} | {_cell(b['prefix_cache_hit_rate'], '{:.0%}')} "
                     f"| {_cell(b['errors'])} |")
    lines += [
        "", f"Candidates served within the {budget} follow-up budget (>= 90% of follow-ups start within "
        f"{budget} of the answer, grading included): **{report['candidates_within_budget']}** "
        "(the largest level measured that meets it).", "",
        "## Judge agreement with people (`interviewer eval`)", "",
        "| data | rows | offline Spearman / QWK | LLM, 0 examples | LLM, 3 examples |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for name, variants in report["eval"].items():
        cells = []
        for variant in ("offline", "k0", "k3"):
            figures = variants.get(variant) or {}
            spearman, qwk = figures.get("spearman"), figures.get("qwk")
            cells.append(f"{_cell(spearman, '{:.3f}')} / {_cell(qwk, '{:.3f}')}")
        rows = (variants.get("offline") or {}).get("n")
        lines.append(f"| {name} | {_cell(rows)} | " + " | ".join(cells) + " |")
    lines += ["", "The same rows for all three graders. Dev-set rows are `holdout`/`blind` only, and the "
              "judge never sees an example of the question it grades. The raw JSON of every run is next to "
              "this file.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--rows", type=int, required=True)
    s.add_argument("--asag", type=Path)
    r = sub.add_parser("render")
    r.add_argument("run", type=Path)
    args = parser.parse_args(argv)
    if args.command == "sample":
        for path in sample(args.out, args.rows, args.asag):
            print(path)
        return 0
    report = collect(args.run)
    (args.run / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (args.run / "report.md").write_text(markdown(report), encoding="utf-8")
    print(args.run / "report.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
