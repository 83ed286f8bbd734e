"""Bad bank files: one `FILE:LINE: what is wrong` error, exit code 1 through the CLI, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from question_bank import BankError, load_bank
from question_bank.files import MAX_FILE_BYTES
from question_bank.loader import load_file

BAD = Path(__file__).resolve().parents[1] / "data" / "bank" / "bad"
GOOD = Path(__file__).resolve().parents[1] / "data" / "bank" / "good"

CASES = [
    ("invalid-yaml.yaml", 8, "invalid YAML: while scanning a quoted scalar (line 6)"),
    ("missing-field.yaml", 9, "question 'basics-dddddd02': missing field 'text'"),
    ("bad-value.yaml", 7, "difficulty: Input should be less than or equal to 3"),
    ("duplicate-ids.yaml", 9, "duplicate question id 'basics-ffffff01'"),
    ("unknown-topic.yaml", 10, "unknown topic 'rlhf'"),
    ("front-matter.yaml", 3, "a second document starts here"),
    ("unknown-field.yaml", 8, "unknown field 'answer'"),
]


@pytest.mark.parametrize(("name", "line", "message"), CASES)
def test_loader_names_file_and_line(name: str, line: int, message: str) -> None:
    path = BAD / name
    with pytest.raises(BankError) as info:
        load_bank(path)
    assert info.value.file == str(path)
    assert info.value.line == line
    assert message in info.value.message
    assert str(info.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize(("name", "line", "message"), CASES)
def test_check_command_prints_one_error_line_and_exits_1(name: str, line: int, message: str) -> None:
    result = CliRunner().invoke(app, ["bank", "check", str(BAD / name)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {BAD / name}:{line}: ")
    assert message in lines[0]
    assert "Traceback" not in result.output


def _write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_bytes(data)
    return path


def test_binary_file(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path, b"topic:\n  slug: a\n\x00\x01\x02binary")
    with pytest.raises(BankError, match="binary file") as info:
        load_file(path)
    assert info.value.line == 3


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    good = "topic:\n  slug: basics\n  name: 基础\n".encode()
    path = _write_bytes(tmp_path, good + "  x: 中文\n".encode("gbk"))
    with pytest.raises(BankError, match="not valid UTF-8") as info:
        load_file(path)
    assert info.value.line == 4


def test_huge_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse 50 MB file: costs no disk and no time
        handle.truncate(50 * 1024 * 1024)

    def no_read(self: Path) -> bytes:
        raise AssertionError("the file must not be read")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    with pytest.raises(BankError, match=r"50\.0 MB, over the 5 MB limit") as info:
        load_file(path)
    assert info.value.line == 1
    assert MAX_FILE_BYTES == 5 * 1024 * 1024


@pytest.mark.parametrize(("content", "message"), [
    (b"", "expected a mapping"),
    (b"- just\n- a list\n", "expected a mapping"),
    (b"questions: []\n", "missing top-level key 'topic'"),
    (b"topic: {slug: Not A Slug, name: x}\nquestions: []\n", "topic.slug"),
    (b"glossary:\n- term: x\n  source: {file: a, line: 1}\n", "missing field 'definition'"),
])
def test_structural_errors(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(BankError, match=message.replace(".", r"\.")):
        load_file(_write_bytes(tmp_path, content))


def test_cli_binary_non_utf8_and_huge_files_exit_1(tmp_path: Path) -> None:
    binary = _write_bytes(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("topic: {slug: a, name: b}\nquestions: []\n# café\n".encode("latin-1"))
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    for path, line in ((binary, 3), (latin1, 3), (huge, 1)):  # PNG: two newlines before its first NUL
        result = CliRunner().invoke(app, ["bank", "check", str(path)])
        assert result.exit_code == 1
        assert result.output.startswith(f"error: {path}:{line}: ")
        assert len(result.output.strip().splitlines()) == 1


def test_duplicate_id_across_files_names_second_file(tmp_path: Path) -> None:
    shutil.copy(GOOD / "basics.yaml", tmp_path / "basics.yaml")
    (tmp_path / "zz.yaml").write_text(
        "topic: {slug: zz, name: z}\nquestions:\n- id: zz-000001\n  text: a?\n  difficulty: 1\n"
        "  sources: [{file: a, line: 1}]\n- id: basics-aaaaaa01\n  topic: zz\n  text: b?\n  difficulty: 1\n"
        "  sources: [{file: a, line: 2}]\n", encoding="utf-8")
    with pytest.raises(BankError, match="duplicate question id 'basics-aaaaaa01'") as info:
        load_bank(tmp_path)
    assert info.value.file == str(tmp_path / "zz.yaml") and info.value.line == 7


def test_check_rejects_duplicate_keys_that_yaml_would_silently_accept(tmp_path: Path) -> None:
    path = _write_bytes(tmp_path, b"topic: {slug: a, name: b}\nquestions: []\nquestions: []\n")
    result = CliRunner().invoke(app, ["bank", "check", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {path}:3: duplicate key 'questions'")


def test_stats_with_bad_bank_dir_exits_1(tmp_path: Path) -> None:
    shutil.copy(BAD / "missing-field.yaml", tmp_path / "basics.yaml")
    result = CliRunner().invoke(app, ["bank", "stats", "--bank", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {tmp_path / 'basics.yaml'}:9: ")
