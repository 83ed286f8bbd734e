"""`interviewer eval`: JSON keys, text output, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from interviewer.cli.main import app

QUESTION = "LoRA 的原理是什么？"
REFERENCE = "LoRA 冻结原始权重，只训练两个低秩矩阵 A 和 B，参数量和显存大幅下降。"
ROWS = [
    {"question": QUESTION, "reference": REFERENCE, "answer": REFERENCE, "human_score": 5, "max_score": 5,
     "kind": "reference"},
    {"question": QUESTION, "reference": REFERENCE, "answer": "LoRA 冻结权重，训练低秩矩阵。",
     "human_score": 3, "max_score": 5, "kind": "partial"},
    {"question": QUESTION, "reference": REFERENCE, "answer": "不知道", "human_score": 0, "max_score": 5,
     "kind": "empty"},
]


def _data(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    return path


def test_eval_json_has_the_documented_keys(tmp_path: Path) -> None:
    args = ["eval", "--data", str(_data(tmp_path)), "--grader", "offline", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"n", "pearson", "spearman", "qwk", "mae", "by_kind"} <= set(data)
    assert data["n"] == 3
    assert data["spearman"] == 1.0
    assert set(data["by_kind"]) == {"reference", "partial", "empty"}
    assert data["by_kind"]["empty"]["mean_score"] == 0


def test_eval_text_output_and_limit(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--data", str(_data(tmp_path)), "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "n         2" in result.stdout
    for word in ("pearson", "spearman", "qwk", "mae", "by kind"):
        assert word in result.stdout


def test_eval_errors_are_one_line(tmp_path: Path) -> None:
    missing = CliRunner().invoke(app, ["eval", "--data", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 1 and "no such file" in missing.output and "Traceback" not in missing.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q"}\n', encoding="utf-8")
    invalid = CliRunner().invoke(app, ["eval", "--data", str(bad)])
    assert invalid.exit_code == 1 and "bad.jsonl:1:" in invalid.output
    grader = CliRunner().invoke(app, ["eval", "--data", str(_data(tmp_path)), "--grader", "magic"])
    assert grader.exit_code == 1 and "unknown grader" in grader.output


def test_eval_llm_without_endpoint_says_how_to_configure(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--data", str(_data(tmp_path)), "--grader", "llm"])
    assert result.exit_code == 1
    assert "INTERVIEWER_LLM__BASE_URL" in result.output


def test_eval_llm_grades_through_the_configured_endpoint(tmp_path: Path, monkeypatch,
                                                         fake_openai_server) -> None:
    def judge(body: dict) -> dict:
        task = body["messages"][-1]["content"]
        score = 0.0 if "不知道" in task else 5.0 if "训练低秩矩阵。" in task else 9.0
        return {"covered": [], "missed": [], "factual_errors": [], "feedback": "ok", "score": score,
                "confidence": "high"}

    fake_openai_server.json_reply = judge
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", fake_openai_server.base_url)
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", fake_openai_server.model)
    monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", fake_openai_server.api_key)
    args = ["eval", "--data", str(_data(tmp_path)), "--grader", "llm", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == 3 and data["spearman"] == 1.0
    assert data["by_kind"]["reference"]["mean_score"] == 9.0
    assert fake_openai_server.chat_requests()
