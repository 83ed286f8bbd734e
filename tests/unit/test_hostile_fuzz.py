"""Issue 16: fuzzing bank YAML and notes Markdown (Hypothesis). Every input finishes within a bound and ends
as success or one `FILE:LINE: message` error: never a traceback, never a hang.

Inputs are spliced from fragments that reached the hostile paths before (aliases, tags, odd scalars, deep
nesting, escape sequences, long runs of brackets and spaces, each notes format's headings).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from interviewer.cli.main import app
from question_bank import BankError
from question_bank.importer import render, run_import
from question_bank.importer.text import heading_match
from question_bank.loader import load_file

BOUND_S = 10.0
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

BANK_START = ("topic:\n  slug: basics\n  name: 基础\nquestions:\n- id: basics-aaaaaa01\n"
              "  text: 什么是 LoRA？\n  difficulty: 1\n  language: zh\n  sources:\n  - file: notes.md\n"
              "    line: 1\n")
YAML_FRAGMENTS = [
    "  reference: 低秩\n", "  key_points:\n  - id: k1\n    text: 低秩\n", "- id: basics-aaaaaa02\n",
    "  text: ", "2024-13-45", "2024-02-30", "1" + "0" * 5_000, "&a ", "*a", "[*a]", "!!timestamp ", "!!int ",
    "!!map ", "<<: {x: 1}\n", "---\n", "\n", ": ", "- ", "  ", "[", "]", "{", "}", '"\\e[2J"', "'", '"',
    "\x1b]52;c;eA==\x07", "\t", "#", "? ", "|\n", ">-\n", "~", "0x1f", ".inf", "yes", "\ufeff", "\\",
    "[" * 70, "]" * 70, "a: " + "[" * 40, "x: &b [*b]\n", "\u202e", "difficulty: 9\n", "glossary:\n",
    "- {term: a, definition: b}\n", "retired:\n- {id: basics-bbbbbb01, reason: x}\n",
]
NOTES_FRAGMENTS = [
    "## 大模型 基础面\n", "### 什么是 LoRA？\n", "### ？\n", "### ?\n", "## 2.1 大模型 微调面\n",
    "### 2.1.1 LoRA 是什么？\n", "### **1、LoRA 是什么？**\n", "- Q1 **LoRA 是什么？**\n", "- Q2 **\n",
    "➢**ICL**：\n", "➢**RAG**：检索增强\n", "- **LoRA篇**\n", "---\n", "低秩分解。\n", "1. 第一点：内容。\n",
    "- 要点\n", "  - 子要点\n", "    - 更深\n", "**加粗**：说明\n", "一、概念\n", "引用：", "| a | b |\n",
    "[内网](https://x.alibaba-inc.com/a)", "![图](https://cdn.x.com/a.png)", "[](" * 50, "[" * 80, "![" * 40,
    " " * 200, "\t" * 30, "#" * 10, "*" * 20, "\x1b[2J", "\x1b]52;c;eA==\x07", "\x9b31m", "\r\n", "\n", "？",
    "```\n", "> 引用\n", "http://localhost/x\n", "\u202e", "\x00",
]


def fragments(pool: list[str], start: str = "") -> st.SearchStrategy[str]:
    piece = st.sampled_from(pool) | st.text(alphabet=" \n#*-[]()!？?:：a中\t", max_size=12)
    return st.lists(piece, max_size=40).map(lambda parts: start + "".join(parts))


def assert_one_line(text: str, path: Path) -> None:
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert re.match(rf"error: {re.escape(str(path))}:\d+: \S", lines[0]), lines[0]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(text=st.one_of(fragments(YAML_FRAGMENTS, BANK_START), fragments(YAML_FRAGMENTS)))
def test_bank_yaml_loads_or_fails_with_one_line(workdir: Path, text: str) -> None:
    path = workdir / "basics.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    start = time.perf_counter()
    try:
        load_file(path, strict=True)
    except BankError as err:
        assert "\n" not in str(err) and str(err).startswith(f"{path}:{err.line}: ")
    result = CliRunner().invoke(app, ["bank", "check", str(path)])
    assert time.perf_counter() - start < BOUND_S
    assert result.exit_code in (0, 1), result.output
    if result.exit_code:
        assert_one_line(result.output, path)


@FUZZ
@given(text=fragments(NOTES_FRAGMENTS))
def test_notes_import_or_fail_with_one_line(workdir: Path, text: str) -> None:
    path = workdir / "notes.md"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    start = time.perf_counter()
    try:
        result = run_import([path])
    except BankError as err:
        assert "\n" not in str(err) and str(err).startswith(f"{path}:{err.line}: ")
    else:
        for name, content in render(result).items():
            assert not re.search(r"[\x00\x1b\x9b\x9d\u202e]", content), name
    cli = CliRunner().invoke(app, ["bank", "import", str(path), "--out", str(workdir / "out")])
    assert time.perf_counter() - start < BOUND_S
    assert cli.exit_code in (0, 1), cli.output
    if cli.exit_code:
        assert_one_line(cli.output, path)


OLD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(line=st.text(alphabet=" \t#a*?\u3000", max_size=16))
def test_heading_match_equals_the_old_pattern(line: str) -> None:
    old, new = OLD_HEADING.match(line), heading_match(line)
    assert (old is None) == (new is None)
    if old and new:
        assert old.groups() == new.groups()
