"""scripts/gpu_report.py (samples, the report) and `serve --write-config`'s TOML writer; no server."""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

import pytest

from interviewer.config import load_settings
from interviewer.services.serving.config_write import ConfigWriteError, write_llm_settings
from tests.shared_data import shared_dir

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("gpu_report", REPO / "scripts" / "gpu_report.py")
assert spec and spec.loader
gpu_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gpu_report)


def test_samples_never_hold_tune_rows_and_are_seeded(tmp_path):
    first = gpu_report.sample(tmp_path / "a", 20, shared_dir() / "data" / "asag")
    second = gpu_report.sample(tmp_path / "b", 20, shared_dir() / "data" / "asag")
    assert [p.name for p in first] == ["devset.jsonl", "asag-ads_zh.jsonl", "asag-mohler_en.jsonl"]
    for a, b in zip(first, second, strict=True):
        assert a.read_text() == b.read_text()
        assert len(a.read_text().splitlines()) == 20
    splits = {json.loads(line)["split"] for line in first[0].read_text().splitlines()}
    assert splits <= {"holdout", "blind"}


def test_report_from_a_run_directory(tmp_path):
    bench = {"concurrency": 8, "sessions": 16, "turns": 60, "judge_examples": 3,
             "ttft": {"p50_ms": 120.0, "p99_ms": 400.0},
             "follow_up_wait": {"p50_ms": 900.0, "p99_ms": 2500.0},
             "judge": {"p50_ms": 700.0, "p99_ms": 1900.0}, "within_budget": 0.95,
             "prefix_cache_hit_rate": 0.81, "overhead_share": 0.02, "errors": {"total": 0}}
    (tmp_path / "bench-c8.json").write_text(json.dumps(bench))
    (tmp_path / "bench-c64.json").write_text(json.dumps({**bench, "concurrency": 64, "within_budget": 0.4}))
    for variant, rho in (("offline", 0.61), ("k0", 0.7), ("k3", 0.74)):
        data = {"n": 200, "ungraded": 0, "spearman": rho, "qwk": rho - 0.1, "pearson": rho, "mae": 1.2}
        (tmp_path / f"eval-devset-{variant}.json").write_text(json.dumps(data))
    (tmp_path / "meta.json").write_text(json.dumps({"model": "Qwen/Qwen3-8B", "device": "NVIDIA H200"}))
    assert gpu_report.main(["render", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert [b["concurrency"] for b in report["bench"]] == [8, 64]
    assert report["candidates_within_budget"] == 8
    assert report["eval"]["devset"]["k3"]["spearman"] == 0.74
    text = (tmp_path / "report.md").read_text()
    assert "Qwen/Qwen3-8B on NVIDIA H200" in text and "| 8 | 60 | 120 / 400 | 900 / 2500 | 95%" in text
    assert "| devset | 200 | 0.610 / 0.510 | 0.700 / 0.600 | 0.740 / 0.640 |" in text


def test_write_config_keeps_other_settings_and_is_read_back(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('language = "en"\n\n[llm]\nread_timeout_s = 90.0\nmodel = "old"\n\n[other]\nx = 1\n')
    monkeypatch.setenv("INTERVIEWER_CONFIG_FILE", str(path))
    write_llm_settings(path, {"INTERVIEWER_LLM__BASE_URL": "http://127.0.0.1:8123/v1",
                              "INTERVIEWER_LLM__API_KEY": 'k"e\\y', "INTERVIEWER_LLM__MODEL": "interviewer"})
    data = tomllib.loads(path.read_text())
    assert data["language"] == "en" and data["other"] == {"x": 1}
    assert data["llm"] == {"read_timeout_s": 90.0, "model": "interviewer",
                           "base_url": "http://127.0.0.1:8123/v1", "api_key": 'k"e\\y'}
    settings = load_settings()
    assert settings.llm.base_url == "http://127.0.0.1:8123/v1" and settings.llm.read_timeout_s == 90.0
    assert settings.llm.api_key.get_secret_value() == 'k"e\\y' and settings.language == "en"
    assert oct(path.stat().st_mode)[-3:] == "600"


def test_write_config_refuses_a_broken_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[llm\nbroken")
    with pytest.raises(ConfigWriteError, match="not valid TOML"):
        write_llm_settings(path, {"INTERVIEWER_LLM__MODEL": "x"})
    assert path.read_text() == "[llm\nbroken"
