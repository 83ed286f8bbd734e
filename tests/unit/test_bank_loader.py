"""The bank loader: shipped bank, a small hand-written bank, lookups and the immutable Bank object."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from question_bank import Bank, BankError, load_bank
from question_bank.loader import DATA_DIR, RAW_DIR, load_file

GOOD = Path(__file__).resolve().parents[1] / "data" / "bank" / "good"


def test_default_path_is_the_shipped_package_data() -> None:
    bank = load_bank()
    assert bank.root == DATA_DIR
    assert (RAW_DIR / "import-report.json").is_file()  # the report belongs to the raw layer
    assert len(bank.questions) > 150
    assert {t.slug for t in bank.topics} >= {"peft", "fine-tuning", "llm-concepts"}


def test_small_bank_lookups() -> None:
    bank = load_bank(GOOD)
    assert [t.slug for t in bank.topics] == ["basics", "peft"]
    question = bank.get("basics-aaaaaa01")
    assert question.topic == "basics"
    assert [k.id for k in question.key_points] == ["k1", "k2"]
    assert question.has_reference
    assert bank.get("basics-aaaaaa02").reference is None
    assert [q.id for q in bank.by_topic("peft")] == ["peft-bbbbbb01"]
    assert bank.topic("peft").name == "参数高效微调"
    assert [g.term for g in bank.glossary] == ["LoRA"]
    assert len(bank.with_reference) == 1
    assert "peft-bbbbbb01" in bank and len(bank) == 3


@pytest.mark.parametrize("call", [lambda b: b.get("nope-000000"), lambda b: b.by_topic("nope"),
                                  lambda b: b.topic("nope")])
def test_unknown_lookups_raise_key_error(call) -> None:
    with pytest.raises(KeyError):
        call(load_bank(GOOD))


def test_bank_is_frozen() -> None:
    bank = load_bank(GOOD)
    assert isinstance(bank, Bank)
    with pytest.raises(dataclasses.FrozenInstanceError):
        bank.questions = ()  # type: ignore[misc]
    assert isinstance(bank.questions, tuple) and isinstance(bank.topics, tuple)


def test_single_file_can_be_loaded() -> None:
    bank = load_bank(GOOD / "peft.yaml")
    assert [q.id for q in bank.questions] == ["peft-bbbbbb01"]
    part = load_file(GOOD / "glossary.yaml")
    assert part.topic is None and part.glossary[0].source.line == 30


def test_missing_path_and_empty_dir(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="no such file"):
        load_bank(tmp_path / "missing")
    with pytest.raises(BankError, match=r"no bank files"):
        load_bank(tmp_path)


def test_loading_does_not_import_importer_or_fuzzy_matching() -> None:
    import subprocess

    code = ("import sys; from question_bank import load_bank; load_bank(); "
            "print(sorted(m for m in ('rapidfuzz', 'jieba', 'question_bank.importer', 'textual') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_shipped_question_with_reference_has_key_points() -> None:
    bank = load_bank()
    assert bank.with_reference
    for question in bank.with_reference:
        assert len(question.key_points) >= 2, question.id
        assert all(len(k.text) <= 120 for k in question.key_points), question.id
