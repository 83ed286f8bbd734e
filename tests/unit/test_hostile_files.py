"""Issue 16 probes against bank files and notes: no hang, no quadratic blow-up, no traceback, no escape
sequence on the terminal. Each bad input ends as one `error: FILE:LINE: message` line and exit code 1.

Time bounds are generous (the fixed code takes well under a second for each; the old code took 6 s to
forever), so they catch a regression to quadratic work without being flaky on a slow machine.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from interviewer.cli.main import app
from question_bank import BankError, load_bank
from question_bank.importer import run_import
from question_bank.importer.clean import clean_markdown
from question_bank.importer.keypoints import extract
from question_bank.importer.text import heading_match, tidy_question
from question_bank.locate import duplicate_key_line

BOUND_S = 5.0
ESCAPES = "\x1b[2J\x1b]52;c;cHduZWQ=\x07\x9b31m"
LAUGHS = "".join(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
                 for prev, name in zip("abcdefgh", "bcdefghi", strict=True))
LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + LAUGHS

runner = CliRunner()


def bank_text(text: str = "什么是 LoRA？", reference: str = "低秩分解。", name: str = "基础",
              line: str = "1", point: str = "低秩") -> str:
    return (f"topic:\n  slug: basics\n  name: {name}\nquestions:\n- id: basics-aaaaaa01\n  text: {text}\n"
            f"  difficulty: 1\n  language: zh\n  sources:\n  - file: notes.md\n    line: {line}\n"
            f"  reference: {reference}\n  key_points:\n  - id: k1\n    text: {point}\n")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module", autouse=True)
def _warm_cli() -> None:
    """Import the lazily loaded command modules once, so timed runs measure the work and not the imports."""
    runner.invoke(app, ["bank", "check", str(Path(__file__).resolve().parents[1] / "data" / "bank" / "good")])
    run_import([])


def run_timed(args: list[str]) -> tuple[Result, float]:
    start = time.perf_counter()
    result = runner.invoke(app, args)
    return result, time.perf_counter() - start


def assert_one_line_error(result: Result, path: Path, line: int, message: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {path}:{line}: "), lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.output


# --- item 2: hangs and quadratic work ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line"), [(LAUGHS, 2), ("x: &a [*a]\n", 1)])
def test_check_refuses_yaml_aliases(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, "bank.yaml", text)
    result, elapsed = run_timed(["bank", "check", str(path)])
    assert_one_line_error(result, path, line, "YAML aliases (*a) are not allowed in bank files")
    assert elapsed < BOUND_S


def test_duplicate_key_search_visits_shared_nodes_once() -> None:
    start = time.perf_counter()
    assert duplicate_key_line(LAUGHS) is None  # 9**8 paths through the alias graph, 81 distinct nodes
    assert duplicate_key_line("x: &a [*a]\n") is None
    assert time.perf_counter() - start < BOUND_S


def test_deep_yaml_nesting_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "bank.yaml", "topic: " + "[" * 100 + "]" * 100 + "\n")
    assert_one_line_error(runner.invoke(app, ["bank", "check", str(path)]), path, 1, "nested deeper than 64")


NOTES_HEAD = "## 大模型 基础面\n\n"


@pytest.mark.parametrize("copies", [400, 2_000])
def test_import_of_many_copies_of_one_heading_is_fast(tmp_path: Path, copies: int) -> None:
    notes = write(tmp_path, "notes.md", NOTES_HEAD + "### 什么是 LoRA？\n\n低秩分解。\n\n" * copies)
    start = time.perf_counter()
    result = run_import([notes])
    assert time.perf_counter() - start < BOUND_S
    assert len(result.questions) == 1 and len(result.questions[0].sources) == copies


@pytest.mark.parametrize("unit", ["[", "](", "[](", "![", "![](", "[![](", "(", " "])
def test_cleaning_a_long_line_of_brackets_is_fast(unit: str) -> None:
    line = "答案 " + unit * (60_000 // len(unit)) + " 结束"
    start = time.perf_counter()
    cleaned = clean_markdown(line)
    assert time.perf_counter() - start < BOUND_S
    assert cleaned.startswith("答案")


def test_dead_links_and_images_are_still_cleaned() -> None:
    text = ("见 [内网](https://x.alibaba-inc.com/a_(b)) 与 [维基](https://en.wikipedia.org/wiki/A_(b)) "
            "![图](https://cdn.example.com/a.png) [本地](http://localhost/x)")
    assert clean_markdown(text) == "见 内网 与 [维基](https://en.wikipedia.org/wiki/A_(b))  本地"


def test_heading_match_is_linear_on_runs_of_spaces_and_hashes() -> None:
    start = time.perf_counter()
    for filler in (" " * 30_000, "# " * 15_000, "\t" * 30_000, "#" * 30_000):
        match = heading_match(f"### a{filler}b")
        assert match is not None and match.group(2).endswith("b")
        assert heading_match(f"# a{filler}") is not None
    assert tidy_question("问" + " " * 30_000 + "题") == "问题"
    assert time.perf_counter() - start < BOUND_S


def test_key_points_of_a_deeply_nested_list_are_fast() -> None:
    nested = "".join("  " * depth + f"- item {depth}\n" for depth in range(800))
    start = time.perf_counter()
    points = extract(nested + "引用：" + " " * 20_000 + "x\n")
    assert time.perf_counter() - start < BOUND_S
    assert points


def test_import_refuses_deep_nesting_with_the_line(tmp_path: Path) -> None:
    nested = "".join("  " * depth + f"- item {depth}\n" for depth in range(800))
    notes = write(tmp_path, "notes.md", NOTES_HEAD + "### 什么是 LoRA？\n\n" + nested)
    result, elapsed = run_timed(["bank", "import", str(notes), "--out", str(tmp_path / "out")])
    assert_one_line_error(result, notes, 5 + 51, "indented 102 columns: nesting is limited to 100")
    assert elapsed < BOUND_S


def test_import_refuses_too_many_headings(tmp_path: Path) -> None:
    notes = write(tmp_path, "notes.md", "".join(f"### 问题 {i} 是什么？\n" for i in range(5_001)))
    result, elapsed = run_timed(["bank", "import", str(notes), "--out", str(tmp_path / "out")])
    assert_one_line_error(result, notes, 5_001, "more than 5000 headings in one file")
    assert elapsed < BOUND_S * 4  # parsing 5,001 headings, nothing quadratic


# --- item 3: escape sequences ------------------------------------------------------------------------------


def _hostile_bank(tmp_path: Path) -> Path:
    # A YAML double-quoted string can carry ESC, BEL and C1 as escapes: the loader accepts them.
    hostile = ESCAPES.replace("\x1b", "\\e").replace("\x07", "\\a").replace("\x9b", "\\x9b")
    text = bank_text(text=f'"问题{hostile}？"', reference=f'"参考{hostile}"', name=f'"主题{hostile}"',
                     point=f'"要点{hostile}"')
    write(tmp_path / "bank", "basics.yaml", text)
    return tmp_path / "bank"


@pytest.mark.parametrize("command", [
    ["bank", "show", "basics-aaaaaa01"], ["bank", "list"], ["bank", "stats"],
    ["bank", "show", "basics-aaaaaa01", "--json"], ["bank", "list", "--json"], ["bank", "stats", "--json"],
])
def test_bank_commands_never_print_escape_sequences(tmp_path: Path, command: list[str]) -> None:
    bank = _hostile_bank(tmp_path)
    assert "\x1b" in load_bank(bank).questions[0].reference  # the probe does reach the printer
    result = runner.invoke(app, [*command, "--bank", str(bank)])
    assert result.exit_code == 0, result.output
    assert not re.search(r"[\x1b\x07\x9b\x9d]", result.output)
    assert "问题" in result.output or "主题" in result.output


def test_markdown_export_escapes_bank_text_inside_details() -> None:
    from datetime import UTC, datetime

    from interviewer.domain import KeyPoint, Question, SourceRef
    from interviewer.services.ui.models import ExchangeView, ReviewedTurn, SessionListItem, TranscriptView
    from interviewer.services.ui.transcript_export import to_markdown

    question = Question(id="basics-aaaaaa01", topic="basics", text=f"问题{ESCAPES}<b>", difficulty=1,
                        sources=(SourceRef(file="n.md", line=1),),
                        reference=f"参考 </details><script>alert(1)</script>{ESCAPES}",
                        key_points=(KeyPoint(id="k1", text=f"要点<img src=x>{ESCAPES}"),))
    session = SessionListItem(id="s1", mode="practice", started_at=datetime(2026, 1, 1, tzinfo=UTC),
                              finished=True, questions=1)
    view = TranscriptView(session, (ReviewedTurn("t1", question, (ExchangeView("question", "q", "a"),)),))
    markdown = to_markdown(view)
    assert not re.search(r"[\x1b\x07\x9b\x9d]", markdown)
    assert "<script>" not in markdown and markdown.count("</details>") == 1
    assert "参考 &lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "问题&lt;b&gt;" in markdown


def test_import_drops_escape_sequences_from_notes(tmp_path: Path) -> None:
    notes = write(tmp_path, "notes.md", f"{NOTES_HEAD}### 什么是 LoRA{ESCAPES}？\n\n低秩{ESCAPES}分解。\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["bank", "import", str(notes), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for path in out.iterdir():
        assert not re.search(r"[\x1b\x07\x9b\x9d]|\\e|\\x1b|\\u001b", path.read_text("utf-8")), path.name
    (question,) = load_bank(out).questions
    assert question.text == "什么是 LoRA？" and question.sources[0].line == 3


# --- item 5: one line instead of a traceback ---------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "line", "message"), [
    ("line", "1" + "0" * 5_000, 11, "cannot read the value '100000"),
    ("text", "2024-13-45", 6, "cannot read the value '2024-13-45' (month must be in 1..12)"),
    ("text", "2024-02-30", 6, "cannot read the value '2024-02-30' (day is out of range for month)"),
])
def test_unbuildable_scalars_are_one_line_errors(tmp_path: Path, field: str, value: str, line: int,
                                                 message: str) -> None:
    path = write(tmp_path, "basics.yaml", bank_text(**{field: value}))
    with pytest.raises(BankError) as info:
        load_bank(path)
    assert info.value.line == line and message in info.value.message
    for command in (["bank", "check", str(path)], ["bank", "list", "--bank", str(path)]):
        assert_one_line_error(runner.invoke(app, command), path, line, message)


@pytest.mark.parametrize(("value", "message"), [
    ("!!timestamp 2024-13-45", "month must be in 1..12"),
    ("!!timestamp ''", "cannot read the value '' (not a valid timestamp)"),  # found by the fuzz test
    ("!!int ''", "cannot read the value '' (not a valid int)"),
    ('"ok"\x1b]52;c;eA==\x07', "invalid YAML: character '\\x1b' is not allowed"),
])
def test_unbuildable_scalar_on_the_slow_yaml_path_is_one_line(tmp_path: Path, value: str, message: str
                                                              ) -> None:
    path = write(tmp_path, "basics.yaml", bank_text(text=value))
    assert_one_line_error(runner.invoke(app, ["bank", "check", str(path)]), path, 6, message)


@pytest.mark.parametrize(("notes", "line", "message"), [
    ("# 笔记\n\n- Q1 **什么是 LoRA？**\n    低秩。\n- Q2 **\n    答案。\n", 5,
     "question without text: '- Q2 **'"),
    ("# 笔记\n\n- Q1 ？\n    答案。\n", 3, "question without text"),
    ("## 术语\n\n➢**LoRA**：低秩适配\n\n➢**ICL**：\n\n➢**RAG**：检索增强\n", 5,
     "glossary entry 'ICL' without a definition"),
])
def test_import_of_empty_questions_and_definitions_is_one_line(tmp_path: Path, notes: str, line: int,
                                                               message: str) -> None:
    path = write(tmp_path, "notes.md", notes)
    result = runner.invoke(app, ["bank", "import", str(path), "--out", str(tmp_path / "out")])
    assert_one_line_error(result, path, line, message)


def test_unreadable_bank_file_is_exit_1_not_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    path = write(tmp_path, "basics.yaml", bank_text())

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # Tests run as root, where chmod 000 still reads: fake what a normal user sees.
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    monkeypatch.setattr(Path, "read_bytes", denied)
    for command in (["bank", "check", str(path)], ["bank", "list", "--bank", str(path)],
                    ["bank", "import", str(path), "--out", str(tmp_path / "out")]):
        assert_one_line_error(runner.invoke(app, command), path, 1, "cannot read file: Permission denied")


# --- item 8: a heading that asks nothing -------------------------------------------------------------------


def test_heading_of_only_a_question_mark_is_not_a_question(tmp_path: Path) -> None:
    notes = write(tmp_path, "notes.md", NOTES_HEAD + "### 什么是 LoRA？\n\n低秩。\n\n### ？\n\n### ?\n")
    result = run_import([notes])
    assert [q.text for q in result.questions] == ["什么是 LoRA？"]
    assert [row["status"] for row in result.report] == ["skipped", "imported", "skipped", "skipped"]
