"""`interviewer bank stats|list|show|check|import` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from interviewer.cli.main import app

GOOD = Path(__file__).resolve().parents[1] / "data" / "bank" / "good"


def _run(*args: str):
    return CliRunner().invoke(app, ["bank", *args])


def test_stats_table_and_json_on_another_bank() -> None:
    table = _run("stats", "--bank", str(GOOD))
    assert table.exit_code == 0
    assert "basics" in table.output and "total" in table.output
    data = json.loads(_run("stats", "--json", "--bank", str(GOOD)).output)
    assert data["questions"] == 3 and data["with_reference"] == 1 and data["glossary"] == 1
    assert data["by_topic"]["basics"] == {"name": "大模型基础", "questions": 2, "with_reference": 1,
                                          "without_reference": 1}


def test_list_filters_by_topic() -> None:
    result = _run("list", "--topic", "basics", "--bank", str(GOOD), "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == ["basics-aaaaaa01", "basics-aaaaaa02"]
    assert rows[0]["has_reference"] is True and rows[1]["has_reference"] is False
    plain = _run("list", "--bank", str(GOOD))
    assert "peft-bbbbbb01" in plain.output and "basics-aaaaaa01" in plain.output


def test_list_unknown_topic_is_one_error_line() -> None:
    result = _run("list", "--topic", "nope", "--bank", str(GOOD))
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: unknown topic 'nope' (known: basics (大模型基础), peft (参数高效微调))")


def test_show_prints_reference_and_key_points() -> None:
    result = _run("show", "basics-aaaaaa01", "--bank", str(GOOD))
    assert result.exit_code == 0
    assert "什么是 Transformer？" in result.output
    assert "k1. 自注意力：每个位置关注整个序列" in result.output
    assert "notes.md:3" in result.output
    missing = _run("show", "basics-aaaaaa02", "--bank", str(GOOD))
    assert "(no reference answer in the source)" in missing.output
    as_json = json.loads(_run("show", "peft-bbbbbb01", "--bank", str(GOOD), "--json").output)
    assert as_json["topic"] == "peft" and as_json["reference"] is None


def test_show_unknown_id_exits_1() -> None:
    result = _run("show", "basics-ffffffff", "--bank", str(GOOD))
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: no question with id 'basics-ffffffff' (`interviewer bank list` lists them)")


def test_check_good_files_and_dirs() -> None:
    result = _run("check", str(GOOD), str(GOOD / "peft.yaml"))
    assert result.exit_code == 0
    assert result.output.strip() == "ok: 4 file(s), 4 question(s)"


def test_show_on_shipped_bank_by_listed_id() -> None:
    from question_bank import load_bank

    rows = json.loads(_run("list", "--topic", "llm-concepts", "--json").output)
    assert len(rows) == len(load_bank().by_topic("llm-concepts")) >= 10
    result = _run("show", rows[0]["id"])
    assert result.exit_code == 0 and rows[0]["text"] in result.output


def test_import_own_notes_and_use_them(tmp_path: Path) -> None:
    notes = tmp_path / "my-notes.md"
    notes.write_text("## 我的笔记\n\n### 什么是 KV cache？\n\n1. **缓存K和V**：避免重复计算。\n"
                     "2. **显存换时间**：序列越长占用越多。\n\n### 为什么需要位置编码？\n", encoding="utf-8")
    out = tmp_path / "bank"
    result = _run("import", str(notes), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "2 questions (1 with reference)" in result.output
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert [row["status"] for row in report["headings"]] == ["skipped", "imported", "imported"]
    listed = json.loads(_run("list", "--bank", str(out), "--json").output)
    assert [r["text"] for r in listed] == ["什么是 KV cache？", "为什么需要位置编码？"]
    assert _run("check", str(out)).exit_code == 0


def test_import_bad_input_is_one_error_line(tmp_path: Path) -> None:
    binary = tmp_path / "notes.txt"
    binary.write_bytes(b"## x\n\x00\x00")
    result = _run("import", str(binary), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {binary}:2: binary file (NUL byte), expected UTF-8 text"
    missing = _run("import", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"))
    assert missing.exit_code == 1 and missing.output.startswith("error: ")
    assert not (tmp_path / "out").exists()
