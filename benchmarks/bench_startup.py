"""Start-up time of the app versus a minimal Textual app, and the app's peak memory.

Each run is a fresh child process (headless, 80x24); the two apps alternate. Per app, median of N runs:
  ready      launch -> first screen painted (for the app: the Home screen, before its data arrives)
  CPU to ready   the child's CPU time at "ready" (less sensitive than wall time to a busy machine)
  loaded     launch -> Home shows the bank's topics and the due count (bank + database loaded)
  peak RSS   the child's maximum resident set size (ru_maxrss via os.wait4); the app's includes the
             offline grader's dictionary, which Home loads in a thread right after "loaded"

Usage: .venv/bin/python benchmarks/bench_startup.py [--runs N]
The app uses a temporary data dir (fresh SQLite database) so the user's data is untouched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

MINIMAL = """
import time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.ready)

    def ready(self):
        print("READY", time.monotonic(), time.process_time(), flush=True)
        print("LOADED", time.monotonic(), flush=True)
        self.exit()

Minimal().run(headless=True, size=(80, 24))
"""

APP = """
import time
import interviewer.cli.entry  # what the console script imports for `interviewer` alone
from interviewer.app import make_app
from interviewer.screens.home import HomeScreen

mount, show = HomeScreen.on_mount, HomeScreen.show_data

def on_mount(self):
    # Queued before Home's own after-paint loader, so the stamp is taken right after the first paint.
    self.call_after_refresh(lambda: print("READY", time.monotonic(), time.process_time(), flush=True))
    mount(self)

def show_data(self, data):
    show(self, data)
    self.call_after_refresh(lambda: (print("LOADED", time.monotonic(), flush=True), self.app.exit()))

HomeScreen.on_mount, HomeScreen.show_data = on_mount, show_data
make_app().run(headless=True, size=(80, 24))
"""


def run_once(code: str, env: dict[str, str]) -> tuple[float, float, float, float]:
    """(ready s, loaded s, CPU s until ready, peak RSS MiB) of one child process."""
    start = time.monotonic()  # CLOCK_MONOTONIC is system-wide on Linux, so the child's stamps compare
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env, text=True)
    out, err = child.stdout.read(), child.stderr.read()  # tiny outputs: no pipe deadlock
    _, _status, usage = os.wait4(child.pid, 0)  # this child's own rusage (peak RSS in KiB)
    child.returncode = 0
    stamps = {line.split()[0]: line.split()[1:] for line in out.splitlines()
              if line.startswith(("READY", "LOADED"))}
    if "READY" not in stamps or "LOADED" not in stamps:
        raise SystemExit(f"child failed:\n{out}\n{err}")
    ready, cpu = (float(x) for x in stamps["READY"])
    return ready - start, float(stamps["LOADED"][0]) - start, cpu, usage.ru_maxrss / 1024


def summarise(results: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    """Medians of the times, maximum of the peak memory."""
    return (*(statistics.median(r[i] for r in results) for i in range(3)), max(r[3] for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_")}
        env.update(INTERVIEWER_DATA_DIR=f"{tmp}/data", INTERVIEWER_CONFIG_DIR=f"{tmp}/config")
        run_once(APP, env)  # warm-up: creates the database and compiles bytecode
        minimal, app = [], []
        for _ in range(args.runs):  # interleaved, so a change in machine load hits all alike
            minimal.append(run_once(MINIMAL, env))
            app.append(run_once(APP, env))
        rows = {"minimal Textual app": summarise(minimal), "interviewer": summarise(app)}
    python = sys.version.split()[0]
    print(f"start-up, median of {args.runs} headless runs at 80x24 (Python {python}, {os.cpu_count()} CPUs)")
    print(f"{'':22}{'ready (s)':>11}{'loaded (s)':>12}{'CPU to ready':>14}{'peak RSS (MiB)':>16}")
    for label, (ready, loaded, cpu, rss) in rows.items():
        print(f"{label:22}{ready:11.3f}{loaded:12.3f}{cpu:14.3f}{rss:16.1f}")
    app, minimal = rows["interviewer"], rows["minimal Textual app"]
    print(f"ratio app / minimal: ready {app[0] / minimal[0]:.2f}x (aim <= 1.5x), "
          f"CPU to ready {app[2] / minimal[2]:.2f}x, loaded {app[1] / minimal[1]:.2f}x")


if __name__ == "__main__":
    main()
