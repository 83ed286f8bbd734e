"""Acceptance on the real seed notes: every heading accounted for, merge results, no junk, and the raw layer
(`question_bank/raw`) is exactly what the importer produces (byte for byte)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from question_bank import load_bank
from question_bank.importer import ImportResult, render, run_import
from question_bank.loader import RAW_DIR


@pytest.fixture(scope="module")
def imported() -> ImportResult:
    from tests.conftest import SEEDS_DIR

    if not SEEDS_DIR.is_dir():
        pytest.fail(f"seed documents not found at {SEEDS_DIR}")
    return run_import(sorted(SEEDS_DIR.glob("*.txt")))


def test_raw_layer_is_the_import_of_the_seeds(imported: ImportResult) -> None:
    files = render(imported)
    shipped = {p.name for p in RAW_DIR.iterdir() if p.suffix in (".yaml", ".json")}
    assert set(files) == shipped
    for name, text in files.items():
        assert (RAW_DIR / name).read_bytes() == text.encode("utf-8"), f"{name} differs: re-run the import"


def test_cli_import_reproduces_raw_files(seeds_dir: Path, tmp_path: Path) -> None:
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    result = CliRunner().invoke(app, ["bank", "import", *files, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{len(load_bank(RAW_DIR).questions)} questions" in result.output
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (RAW_DIR / path.name).read_bytes(), path.name


def test_every_question_heading_is_accounted_for(imported: ImportResult) -> None:
    rows = imported.report
    by_file: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = by_file.setdefault(str(row["file"])[:3], {})
        counts[str(row["status"])] = counts.get(str(row["status"]), 0) + 1
    questions = {f: c.get("imported", 0) + c.get("merged", 0) for f, c in by_file.items()}
    assert questions == {"000": 4, "001": 158, "002": 2, "003": 9, "004": 30}
    groupings = [r for r in rows if str(r.get("reason", "")).startswith("sub-topic grouping")]
    assert len(groupings) == 19  # 16 `- **xx篇**` lines + 3 `### 2.17.x xx篇` headings
    assert sum(questions.values()) + len(groupings) == 222  # the seeds README: "~220 question headings"
    for row in rows:
        assert row["status"] in ("imported", "merged", "skipped")
        assert ("id" in row) == (row["status"] == "imported")
        assert ("into" in row) == (row["status"] == "merged")
        assert ("reason" in row) == (row["status"] == "skipped")
    ids = {q.id for q in imported.questions}
    assert {row["into"] for row in rows if row["status"] == "merged"} <= ids


def test_acceptance_numbers(imported: ImportResult) -> None:
    with_reference = [q for q in imported.questions if q.reference is not None]
    assert len(with_reference) >= 70
    assert all(len(q.key_points) >= 2 for q in with_reference)
    assert all(q.key_points == () for q in imported.questions if q.reference is None)
    assert len(imported.glossary) == 21


def test_duplicates_are_merged_with_all_sources(imported: ImportResult) -> None:
    merged = {q.text: q for q in imported.questions if len(q.sources) > 1}
    lora = merged["LoRA是什么? LoRA微调方法的局限性"]
    assert [(s.file[:3], s.line) for s in lora.sources] == [("004", 385), ("001", 1364)]
    langchain = merged["什么是Langchain，原理是什么，有什么应用？"]
    assert [(s.file[:3], s.line) for s in langchain.sources] == [("003", 339), ("001", 1296)]
    assert "Wordpiece与BPE之间有什么区别?" in merged
    by_sources = {tuple((s.file[:3], s.line) for s in q.sources): q for q in merged.values()}
    instruction_data = by_sources[("001", 408), ("000", 43)]  # 001's answer is the more structured one
    assert instruction_data.text == "SFT 指令微调数据如何构建?"
    assert len(instruction_data.alternates) == 1  # both seeds answer it: the other answer is kept
    assert instruction_data.alternates[0].startswith("构建合理的指令数据集是一项复杂的任务")
    assert len(merged) == 6


def test_no_junk_questions(imported: ImportResult) -> None:
    texts = [q.text for q in imported.questions]
    for junk in ("商业化", "Transformer 模型", "ChatGPT的起源", "LLM大模型对比", "换算关系", "示例",
                 "Explanation of terms", "篇", "部分", "Instruct（指令）", "区别", "机器学习基础原理"):
        assert not any(text == junk or text.endswith(junk) for text in texts), junk
    seed_003 = [q for q in imported.questions if q.sources[0].file.startswith("003")]
    assert all(q.sources[0].line >= 193 for q in seed_003)  # nothing from the notes and link lists
    for question in imported.questions:
        assert "alibaba-inc" not in (question.reference or "")
        assert "![" not in (question.reference or "")
        assert "notion.so" not in (question.reference or "")


def test_ids_are_stable_slug_plus_hash(imported: ImportResult) -> None:
    for question in imported.questions:
        slug, _, digest = question.id.rpartition("-")
        assert slug == question.topic and len(digest) == 8
    assert len({q.id for q in imported.questions}) == len(imported.questions)


def test_stats_json_on_the_raw_layer() -> None:
    result = CliRunner().invoke(app, ["bank", "stats", "--json", "--bank", str(RAW_DIR)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {"questions", "with_reference", "glossary", "by_topic"} <= set(data)
    assert data["questions"] == len(load_bank(RAW_DIR).questions) > 150
    assert data["with_reference"] >= 70
    assert sum(t["questions"] for t in data["by_topic"].values()) == data["questions"]
    report = json.loads((RAW_DIR / "import-report.json").read_text(encoding="utf-8"))
    assert report["summary"]["questions"] == data["questions"]


def test_ids_do_not_depend_on_the_duplicate_finder() -> None:
    from question_bank.importer.ids import question_id

    # Pinned: ids are stored in histories and data sets, so the id normalisation must never drift.
    assert question_id("peft", "LoRA 的思路是什么?") == "peft-b4a908fe"
    assert question_id("peft", "  LoRA的思路是什么？") == "peft-b4a908fe"
    assert question_id("advanced", "如何让大模型处理更长的文本?") == "advanced-43e9877b"
    assert load_bank(RAW_DIR).get("advanced-43e9877b").text == "如何让大模型处理更长的文本?"
