"""The fast YAML builder gives exactly what `yaml.safe_load` gives, including its errors."""

from __future__ import annotations

import pytest
import yaml

from question_bank import fastyaml
from question_bank.loader import DATA_DIR

DOCUMENTS = [
    "a: 1\nb: [1, 2.5, true, null, ~, 0x1f, 2020-01-01, '3', \"x\"]\n",
    "<<: {c: 3}\nd: 4\n",
    "x: &a {k: [1, 2]}\ny: 2\n",
    "",
    "- 1\n- -2\n- +3\n- 1_000\n- .inf\n- yes\n- 'no'\n",
    "k: !!str 12\nb: !!binary aGk=\n",
    "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "? complex\n: value\nempty: {}\nlist: []\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_same_result_as_safe_load(text: str) -> None:
    assert fastyaml.load(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", ["a: 1\n---\nb: 2\n", "? [1]\n: 2\n", "a: [1,\n", "a: 'x\n"])
def test_same_errors_as_safe_load(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(text)
    with pytest.raises(type(expected.value)):
        fastyaml.load(text)


@pytest.mark.parametrize("text", ["x: &a {k: [1, 2]}\ny: *a\n", "x: *nope\n", "x: &a [*a]\n",
                                  "t: !!str x\na: &b [1]\nc: *b\n"])
def test_aliases_are_refused_with_their_line(text: str) -> None:
    with pytest.raises(fastyaml.Refused, match="aliases") as info:
        fastyaml.load(text)
    assert info.value.problem_mark is not None and info.value.problem_mark.line == text.count("\n") - 1


DEEP = "[" * 65 + "]" * 65


@pytest.mark.parametrize("text", [f"a: {DEEP}\n", f"t: !!str x\na: {DEEP}\n"])
def test_deep_nesting_is_refused(text: str) -> None:
    with pytest.raises(fastyaml.Refused, match="nested deeper than 64"):
        fastyaml.load(text)


def test_shipped_files_load_identically() -> None:
    for path in sorted(DATA_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert fastyaml.load(text) == yaml.safe_load(text), path.name
