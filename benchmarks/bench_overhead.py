"""The engine's per-turn overhead against bare HTTP, with a fixed-latency fake server in its own process.

Run: `.venv/bin/python benchmarks/bench_overhead.py [--judge-ms 400] [--tokens 12] [--token-ms 25]`

The fake server (tests/fakes/fake_openai_server.py) runs in a child process, so its threads do not share
this process's event loop or GIL: every judge reply takes `--judge-ms`, every follow-up streams `--tokens`
tokens `--token-ms` apart. `interviewer bench`'s runner then drives real engine sessions (LLM judge with
graded examples and offline cross-check, streamed follow-ups, SQLite storage) at c=1 and c=8 and replays the
same requests with bare httpx. Figures per concurrency:

- overhead share = sum(turn wall time - time waiting on HTTP in that turn) / sum(HTTP time)
- engine vs bare = engine turn p50 / bare-httpx replay turn p50 - 1
- CPU per turn   = this process's CPU time / turns (engine + storage + HTTP client)

Targets (issue 15): <= 5% at c=1, <= 10% at c=8. Prefix counting of the fake is switched off: it is
quadratic in the requests and would inflate the HTTP time the overhead is divided by.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODEL, KEY = "fixed-latency", "bench-key"


def serve(judge_ms: float, tokens: int, token_ms: float) -> None:
    """Child process: the fake server with fixed latencies; prints its URL, serves until stdin closes."""
    from tests.fakes.fake_openai_server import FakeOpenAIServer, _default_json_reply

    def slow_json(body: dict) -> object:
        time.sleep(judge_ms / 1000)  # the handler thread sleeps: a fixed service time per judge request
        return _default_json_reply(body)

    server = FakeOpenAIServer(model=MODEL, api_key=KEY, token_delay_s=token_ms / 1000)
    server.json_reply = slow_json
    server.text_reply = lambda body: " ".join(["追问"] * tokens)
    server._count_prefix = lambda prompt: None  # type: ignore[method-assign]
    with server:
        print(server.base_url, flush=True)
        sys.stdin.read()


def measure(base_url: str, concurrency: int, sessions: int, examples: int) -> dict:
    from interviewer.bench.runner import BenchOptions, run_bench
    from interviewer.config import LLMSettings
    from question_bank import load_bank

    llm = LLMSettings(base_url=base_url, model=MODEL, api_key=KEY, judge_examples=examples)  # type: ignore[arg-type]
    options = BenchOptions(llm=llm, concurrency=concurrency, sessions=sessions, questions=2, follow_ups=1)
    return run_bench(options, load_bank()).as_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judge-ms", type=float, default=400.0)
    parser.add_argument("--tokens", type=int, default=12)
    parser.add_argument("--token-ms", type=float, default=25.0)
    parser.add_argument("--examples", type=int, default=3, help="graded examples in the judge prompt")
    parser.add_argument("--sessions-per-candidate", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.judge_ms, args.tokens, args.token_ms)
        return
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--judge-ms", str(args.judge_ms), "--tokens", str(args.tokens),
         "--token-ms", str(args.token_ms)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.DEVNULL,  # connection resets when the runs end are not news
    )
    try:
        assert child.stdout is not None
        base_url = child.stdout.readline().strip()
        results = {}
        for concurrency in (1, 8):
            sessions = max(8, concurrency * args.sessions_per_candidate)  # c=1 needs some turns too
            figures = measure(base_url, concurrency, sessions, args.examples)
            results[f"c={concurrency}"] = {
                "turns": figures["turns"], "overhead_share": figures["overhead_share"],
                "engine_vs_bare": figures["engine_vs_bare"], "cpu_per_turn_ms": figures["cpu_per_turn_ms"],
                "cpu_share": figures["cpu_share"], "turn_p50_ms": figures["turn"]["p50_ms"],
                "turn_http_p50_ms": figures["turn_http"]["p50_ms"],
                "overhead_p50_ms": figures["overhead"]["p50_ms"],
                "overhead_p99_ms": figures["overhead"]["p99_ms"],
                "bare_turn_p50_ms": figures["bare_turn"]["p50_ms"], "errors": figures["errors"]["total"],
            }
    finally:
        if child.stdin is not None:
            child.stdin.close()
        child.wait(timeout=30)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"fixed-latency fake server (own process): judge {args.judge_ms:.0f} ms, follow-up "
          f"{args.tokens} tokens x {args.token_ms:.0f} ms; judge examples {args.examples}")
    targets = {"c=1": 0.05, "c=8": 0.10}
    for label, r in results.items():
        share = r["overhead_share"]
        verdict = "n/a" if share is None else ("meets" if share <= targets[label] else "misses")
        print(f"{label}: {r['turns']} turns, turn p50 {r['turn_p50_ms']} ms "
              f"(HTTP {r['turn_http_p50_ms']} ms), overhead p50 {r['overhead_p50_ms']} ms "
              f"p99 {r['overhead_p99_ms']} ms, overhead share {share:.1%} "
              f"({verdict} <= {targets[label]:.0%}), engine vs bare p50 {r['engine_vs_bare']:+.1%}, "
              f"process CPU/turn {r['cpu_per_turn_ms']} ms ({r['cpu_share']:.1%} of HTTP), "
              f"errors {r['errors']}")


if __name__ == "__main__":
    main()
