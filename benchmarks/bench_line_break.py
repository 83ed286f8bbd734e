"""Line-breaking benchmark: UAX #14 wrapping (`interviewer.line_break.wrap`) of the shipped bank's references.

    .venv/bin/python benchmarks/bench_line_break.py [--width 80] [--repeat 20]

Prints the median time to wrap the longest reference up to 2 KB, and the whole bank's references, at one
width. Every widget re-wraps its text on each render width, so this is the cost a resize or a new grade card
adds per text block.
"""

from __future__ import annotations

import argparse
import statistics
import time

from interviewer.line_break import wrap
from question_bank import load_bank


def _median_ms(texts: list[str], width: int, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            wrap(text, width)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    references = [q.reference for q in load_bank().questions if q.reference]
    longest = max((r for r in references if len(r.encode()) <= 2048), key=len)
    one = _median_ms([longest], args.width, args.repeat)
    every = _median_ms(references, args.width, max(1, args.repeat // 4))
    print(f"one reference ({len(longest.encode())} bytes) at width {args.width}: {one:.2f} ms (median)")
    print(f"all {len(references)} references at width {args.width}: {every:.1f} ms (median)")


if __name__ == "__main__":
    main()
