"""`bank draft` against the real CPU vLLM server (tiny random-weight model): the schema-constrained reply has
the shape of an answer key and becomes a `draft` question that graders never use. Words are noise here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.llm import make_llm_client
from interviewer.services.drafting import draft_question
from question_bank import load_bank
from tests.fixtures.vllm import VLLMServer
from tests.unit.test_bank_curation import _question

pytestmark = pytest.mark.vllm


async def test_draft_reply_has_the_answer_key_shape(vllm_server: VLLMServer) -> None:
    from interviewer.domain import Question

    question = Question.model_validate({**_question(status="seed", citations=[], key_points=[]),
                                        "reference": None, "topic": "peft"})
    client = make_llm_client(vllm_server.llm_settings(read_timeout_s=120.0))
    assert client is not None
    try:
        draft = await draft_question(client, question)
    finally:
        await client.aclose()
    assert draft.status == "draft" and not draft.has_reference
    assert 2 <= len(draft.key_points) <= 8 and all(kp.accept and kp.follow_up for kp in draft.key_points)
    assert all(len(kp.claim) <= 80 for kp in draft.key_points)
    assert draft.kind in ("explain", "enumerate", "compare", "derive", "design", "code")
    assert draft.citations[-1].startswith(f"drafted by {vllm_server.model}")


def test_bank_draft_command_writes_a_loadable_drafts_file(vllm_server: VLLMServer, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    record = {**_question(status="seed", citations=[], key_points=[]), "reference": None}
    (bank / "peft.yaml").write_text(yaml.safe_dump({"topic": {"slug": "peft", "name": "测试"},
                                                    "questions": [record]}, allow_unicode=True),
                                    encoding="utf-8")
    for key, value in vllm_server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("INTERVIEWER_LLM__READ_TIMEOUT_S", "120")
    out = tmp_path / "drafts.yaml"
    result = CliRunner().invoke(app, ["bank", "draft", "--bank", str(bank), "--id", "peft-aaaaaa01",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    drafted = load_bank(out).get("peft-aaaaaa01")
    assert drafted.status == "draft" and drafted.reference
