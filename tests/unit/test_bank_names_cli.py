"""`bank list --topic` takes a topic's slug or its display name; `bank show` takes a unique id prefix."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from interviewer.cli.main import app

GOOD = Path(__file__).resolve().parents[1] / "data" / "bank" / "good"


def _run(*args: str):
    return CliRunner().invoke(app, ["bank", *args, "--bank", str(GOOD)])


def test_list_accepts_the_display_name_the_tui_shows() -> None:
    by_name = _run("list", "--topic", "大模型基础", "--json")
    assert by_name.exit_code == 0, by_name.output
    assert [r["id"] for r in json.loads(by_name.output)] == ["basics-aaaaaa01", "basics-aaaaaa02"]
    by_slug = _run("list", "--topic", "basics", "--json")
    assert by_slug.output == by_name.output


def test_list_unknown_topic_names_slugs_and_names() -> None:
    result = _run("list", "--topic", "没有这个")
    assert result.exit_code == 1
    assert "basics" in result.output and "大模型基础" in result.output


def test_show_accepts_a_unique_id_prefix() -> None:
    result = _run("show", "peft-bbb")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("peft-bbbbbb01")


def test_show_ambiguous_prefix_lists_the_candidates() -> None:
    result = _run("show", "basics-aaaaaa0")
    assert result.exit_code == 1
    assert "ambiguous" in result.output
    assert "basics-aaaaaa01" in result.output and "basics-aaaaaa02" in result.output


def test_show_unknown_id_is_one_error_line() -> None:
    result = _run("show", "zzz-nothing")
    assert result.exit_code == 1
    assert "zzz-nothing" in result.output
