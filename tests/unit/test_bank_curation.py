"""The answer key's tools: `bank lint` findings, `bank diff` against the raw layer, `bank draft` / `bank accept`
(LLM faults from the scripted fake server), and retired ids in the loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.domain import KeyPoint, Question, SourceRef
from question_bank import BankError, load_bank
from question_bank.curation import LOCK_FILE, question_record
from question_bank.importer.writer import dump_yaml
from question_bank.lint import lint_paths, looks_like_heading, question_findings
from tests.fakes.fake_openai_server import FakeOpenAIServer, Fault

GOOD_POINT = {"id": "k1", "claim": "ΔW = BA，秩 r 远小于 d", "accept": ["低秩 & 增量", "BA"],
              "follow_up": "为什么 B 初始化为 0？"}


def _question(**overrides: object) -> dict:
    base = {"id": "peft-aaaaaa01", "text": "LoRA 的思路是什么？", "difficulty": 2, "kind": "explain",
            "status": "authored", "sources": [{"file": "authored", "line": 1}],
            "citations": ["Hu et al. 2021, LoRA"], "reference": "冻结 W，只训练低秩增量 ΔW = BA。",
            "key_points": [GOOD_POINT, {**GOOD_POINT, "id": "k2", "claim": "B 初始化为 0，训练开始时 ΔW = 0"}]}
    return {**base, **overrides}


def _write(directory: Path, name: str, questions: list[dict], **extra: object) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.yaml"
    data = {"topic": {"slug": name, "name": "测试"}, "questions": questions, **extra}
    path.write_text(dump_yaml(data), encoding="utf-8")  # no `&id001` aliases: bank files refuse them
    return path


def test_heading_detector() -> None:
    for heading in ("训练过程", "半精度训练：优点；缺点；训练步骤", "2 微调(SFT, Supervised Fine-Tuning)", "优点："):
        assert looks_like_heading(heading), heading
    for fact in ("ΔW = BA，秩 r 远小于 d", "只缓存 K 和 V", "C ≈ 6ND", "RMSNorm 不减均值"):
        assert not looks_like_heading(fact), fact


def test_lint_reports_each_rule_with_file_and_line(tmp_path: Path) -> None:
    bad_point = {"id": "k1", "claim": "训练过程", "accept": [], "follow_up": None}
    long_point = {"id": "k2", "claim": "很" * 90, "accept": ["模型"], "follow_up": "x？"}
    path = _write(tmp_path, "peft", [
        _question(),
        _question(id="peft-aaaaaa02", text="AdaLoRA 思路？", status="revised", citations=[],
                  key_points=[bad_point, long_point]),
        _question(id="peft-aaaaaa03", text="QLoRA 思路？", status="draft"),
    ])
    findings = lint_paths([path])
    text = "\n".join(str(f) for f in findings)
    assert all(str(f).startswith(f"{path}:") for f in findings)
    line_of_second = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if "aaaaaa02" in line)
    assert f"{path}:{line_of_second}: error: peft-aaaaaa02: status revised without `erratum`" in text
    for expected in ("without `citations`", "looks like a heading", "no `accept` wordings", "no `follow_up`",
                     "claim is 90 characters", "generic or empty part '模型'", "a draft in the bank"):
        assert expected in text, expected
    assert "peft-aaaaaa01" not in text  # the good question has no finding


def test_lint_finds_near_duplicates_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "peft", [_question()])
    _write(tmp_path, "lora", [_question(id="lora-aaaaaa09", text="LoRA 的思路是什么?")])
    findings = [str(f) for f in lint_paths([tmp_path])]
    assert any("near-duplicate question of" in f for f in findings)


def test_seed_questions_are_warnings_so_strict_fails(tmp_path: Path) -> None:
    seed = _question(status="seed", citations=[], key_points=[{"id": "k1", "text": "训练过程"}])
    path = _write(tmp_path, "peft", [seed])
    runner = CliRunner()
    relaxed = runner.invoke(app, ["bank", "lint", str(path)])
    strict = runner.invoke(app, ["bank", "lint", "--strict", str(path)])
    assert relaxed.exit_code == 0 and "status seed: reference not reviewed" in relaxed.output
    assert strict.exit_code == 1


def test_retired_ids_resolve_to_the_question_they_were_merged_into(tmp_path: Path) -> None:
    _write(tmp_path, "peft", [_question()], retired=[
        {"id": "peft-aaaaaa07", "into": "peft-aaaaaa01", "reason": "重复"},
        {"id": "peft-aaaaaa08", "into": "peft-aaaaaa07", "reason": "重复的重复"},
        {"id": "peft-aaaaaa09", "reason": "不是问题"},
    ])
    bank = load_bank(tmp_path)
    assert bank.resolve("peft-aaaaaa08") is bank.get("peft-aaaaaa01")
    assert bank.resolve("peft-aaaaaa09") is None and bank.retired_as("peft-aaaaaa09") is not None
    _write(tmp_path, "peft", [_question()], retired=[{"id": "peft-aaaaaa01", "reason": "x"}])
    with pytest.raises(BankError, match="both asked and retired"):
        load_bank(tmp_path)


def test_diff_lists_new_changed_and_uncurated_items_and_update_records_them(tmp_path: Path) -> None:
    raw, curated = tmp_path / "raw", tmp_path / "data"
    seed = {**_question(status="seed", citations=[]), "reference": "原笔记的答案"}
    _write(raw, "peft", [seed, {**seed, "id": "peft-aaaaaa02", "text": "P-tuning？"},
                         {**seed, "id": "peft-aaaaaa03", "text": "Adapter？"}])
    _write(curated, "peft", [_question(), {**seed, "id": "peft-aaaaaa02", "text": "P-tuning？"}])
    runner = CliRunner()
    args = ["bank", "diff", "--bank", str(curated), "--raw", str(raw), "--json"]
    first = json.loads(runner.invoke(app, args).output)
    assert {r["id"]: r["change"] for r in first} == {
        "peft-aaaaaa01": "changed", "peft-aaaaaa02": "changed", "peft-aaaaaa03": "new"}  # nothing locked yet
    assert runner.invoke(app, [*args[:-1], "--update"]).exit_code == 0
    assert (curated / LOCK_FILE).is_file()
    second = runner.invoke(app, args)
    assert {r["id"]: r["change"] for r in json.loads(second.output)} == {
        "peft-aaaaaa02": "uncurated", "peft-aaaaaa03": "new"}
    assert second.exit_code == 1
    # The notes change: the curated item is listed again.
    _write(raw, "peft", [{**seed, "reference": "笔记改了"}])
    third = json.loads(runner.invoke(app, args).output)
    assert {r["id"]: r["change"] for r in third} == {"peft-aaaaaa01": "changed"}


def test_record_round_trips_through_the_loader(tmp_path: Path) -> None:
    question = Question.model_validate({**_question(), "topic": "peft"})
    _write(tmp_path, "peft", [question_record(question)])
    assert load_bank(tmp_path).get("peft-aaaaaa01") == question


def _draft_reply(body: dict) -> dict:
    return {"kind": "explain", "difficulty": 2, "reference": "冻结原权重，只训练低秩矩阵 A 和 B，ΔW = BA。",
            "key_points": [{"claim": "ΔW = BA，秩 r 远小于 d", "accept": ["低秩 & 增量"], "follow_up": "r 怎么选？"},
                           {"claim": "B 初始化为 0，训练开始时 ΔW = 0", "accept": ["B 初始化为 0"],
                            "follow_up": "为什么 B 要初始化为 0？"}],
            "misconceptions": [], "citations": ["Hu et al. 2021, LoRA"]}


def test_draft_then_accept_with_the_fake_server(tmp_path: Path, fake_openai_server: FakeOpenAIServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    bank = tmp_path / "bank"
    _write(bank, "peft", [{**_question(status="seed", citations=[], key_points=[]), "reference": None},
                          {**_question(id="peft-aaaaaa02", text="QLoRA？", status="seed", citations=[],
                                       key_points=[]), "reference": None}])
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", fake_openai_server.base_url)
    monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", fake_openai_server.api_key)
    monkeypatch.setenv("INTERVIEWER_LLM__MODEL", fake_openai_server.model)
    monkeypatch.setenv("INTERVIEWER_LLM__MAX_RETRIES", "0")
    fake_openai_server.json_reply = _draft_reply
    fake_openai_server.script(Fault.http_error(500))  # the second question's request fails
    drafts = tmp_path / "drafts.yaml"
    runner = CliRunner()
    result = runner.invoke(app, ["bank", "draft", "--bank", str(bank), "--topic", "peft", "-o", str(drafts)])
    assert result.exit_code == 0, result.output
    assert "failed   peft-aaaaaa01" in result.output and "drafted  peft-aaaaaa02" in result.output
    body = fake_openai_server.chat_requests()[-1]
    assert body["response_format"]["json_schema"]["name"] == "answer_key_draft"
    drafted = load_bank(drafts).get("peft-aaaaaa02")
    assert drafted.status == "draft" and not drafted.has_reference  # never graded until accepted
    assert [kp.id for kp in drafted.key_points] == ["k1", "k2"]
    assert "draft in the bank" in runner.invoke(app, ["bank", "lint", str(drafts)]).output

    accepted = runner.invoke(app, ["bank", "accept", "peft-aaaaaa02", "--draft", str(drafts),
                                   "--bank", str(bank)])
    assert accepted.exit_code == 0, accepted.output
    promoted = load_bank(bank).get("peft-aaaaaa02")
    assert promoted.status == "authored" and promoted.has_reference
    assert promoted.citations == ("Hu et al. 2021, LoRA",)
    assert load_bank(drafts).questions == ()


def test_accept_refuses_a_draft_with_lint_errors(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    _write(bank, "peft", [_question()])
    broken = _question(id="peft-aaaaaa05", status="draft",
                       key_points=[{"id": "k1", "claim": "训练过程", "accept": ["x1"], "follow_up": "?"}])
    drafts = _write(tmp_path / "d", "peft", [broken])
    result = CliRunner().invoke(app, ["bank", "accept", "peft-aaaaaa05", "--draft", str(drafts),
                                      "--bank", str(bank)])
    assert result.exit_code == 1
    assert "peft-aaaaaa05: 1 key points (want 2–8)" in result.output
    assert "peft-aaaaaa05" not in load_bank(bank)


def test_question_findings_for_a_clean_question() -> None:
    question = Question(id="peft-aaaaaa01", topic="peft", text="t", reference="r", difficulty=1,
                        kind="explain", status="authored", citations=("x 2021",),
                        sources=(SourceRef(file="authored", line=1),),
                        key_points=(KeyPoint(id="k1", claim="A 是 B", accept=("A 是 B",), follow_up="?"),
                                    KeyPoint(id="k2", claim="C 是 D", accept=("C 是 D",), follow_up="?")))
    assert question_findings(question) == []


def test_lint_catches_a_value_cut_short_by_a_yaml_comment(tmp_path: Path) -> None:
    path = _write(tmp_path, "peft", [_question()])
    text = path.read_text(encoding="utf-8").replace("claim: ΔW = BA，秩 r 远小于 d", "claim: 续接片段加 ## 前缀", 1)
    path.write_text(text, encoding="utf-8")
    findings = [str(f) for f in lint_paths([path])]
    assert any("YAML comment" in f for f in findings), findings
    quoted = text.replace("claim: 续接片段加 ## 前缀", 'claim: "续接片段加 ## 前缀"')
    path.write_text(quoted + "# a comment line\n", encoding="utf-8")
    assert sum("YAML comment" in str(f) for f in lint_paths([path])) == 1  # the comment line, not the quoted value
