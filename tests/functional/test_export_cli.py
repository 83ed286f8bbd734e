"""Transcript export (pure) and the shell commands `interviewer review` / `interviewer bank flagged`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from interviewer.cli.main import app as cli
from interviewer.services.ui.transcript_export import export_transcript

runner = CliRunner()


def test_markdown_export_quotes_candidate_text(seeded, repo):
    services, ids = seeded
    turn = repo.turns_for_session(ids[0])[0]
    repo.record_self_grade(turn.id, rating=4)
    markdown = export_transcript(services.transcript(ids[0]), "md")
    assert markdown.startswith(f"# Interview {ids[0]}\n")
    assert "## Q1. Transformer 架构 (transformer-attn-a1b2c3)" in markdown  # the topic's display name
    assert "> 因为方差会变大，softmax 饱和。" in markdown
    assert "**Interviewer (follow-up):**\n\n> 那 KL 惩罚如何防止 reward hacking？" in markdown
    assert "- [x] 点积方差随维度增大" in markdown and "- [ ] softmax 饱和导致梯度消失" in markdown
    assert "**Self-grade:** 9.5/10" in markdown
    assert "<details><summary>Reference answer</summary>" in markdown


def test_export_strips_escapes_and_html_from_answers(services, repo):
    record = repo.start_session("default", "practice", {}, None)
    turn = repo.add_turn(record.id, "transformer-attn-a1b2c3", "q")
    repo.submit_answer(turn.id, "# heading <script>x</script>\x1b[31m red", 1.0)
    markdown = export_transcript(services.transcript(record.id), "md")
    assert "> # heading &lt;script&gt;x&lt;/script&gt; red" in markdown
    assert "\x1b" not in markdown
    data = json.loads(export_transcript(services.transcript(record.id), "json"))
    assert data["turns"][0]["exchanges"][0]["answer"] == "# heading <script>x</script> red"


def test_review_command_exports_json_to_file(seeded, sqlite_url, tmp_path):
    _, ids = seeded
    out = tmp_path / "out" / "session.json"
    result = runner.invoke(cli, ["--db", sqlite_url, "review", ids[1][:6], "--export", "json",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    assert data["session"]["id"] == ids[1]
    assert [t["question_id"] for t in data["turns"]] == ["transformer-mha-d4e5f6", "inference-kv-3c4d5e"]
    assert data["turns"][0]["grade"]["grader"] == "offline-v1"


def test_review_command_prints_markdown_and_lists_sessions(seeded, sqlite_url):
    _, ids = seeded
    listing = runner.invoke(cli, ["--db", sqlite_url, "review"])
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.output.splitlines()] == [ids[1][:12], ids[0][:12]]
    shown = runner.invoke(cli, ["--db", sqlite_url, "review", ids[0]])
    assert shown.exit_code == 0 and "RLHF 里 PPO 的 KL 惩罚起什么作用？" in shown.output


def test_review_command_errors_are_one_line(seeded, sqlite_url):
    bad_format = runner.invoke(cli, ["--db", sqlite_url, "review", "x", "--export", "pdf"])
    assert bad_format.exit_code == 1
    assert bad_format.output.strip() == "error: unknown export format 'pdf' (use md or json)"
    unknown = runner.invoke(cli, ["--db", sqlite_url, "review", "zzzz"])
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output
    assert unknown.output.startswith("error: no session with id 'zzzz'")


def test_bank_flagged_lists_flags(services, repo, sqlite_url):
    repo.flag_reference("rlhf-ppo-0a1b2c", "参考答案缺少 KL 系数的作用", profile="default")
    result = runner.invoke(cli, ["--db", sqlite_url, "bank", "flagged", "--json"])
    assert result.exit_code == 0, result.output
    flags = json.loads(result.output)
    assert [(f["question_id"], f["reason"], f["profile"]) for f in flags] == [
        ("rlhf-ppo-0a1b2c", "参考答案缺少 KL 系数的作用", "default")
    ]
    text = runner.invoke(cli, ["--db", sqlite_url, "bank", "flagged"])
    assert "rlhf-ppo-0a1b2c (default): 参考答案缺少 KL 系数的作用" in text.output


def test_export_says_which_answers_were_skipped_or_i_dont_know(services, repo):
    from interviewer.domain import Grade, Verdict
    from interviewer.history import AnswerStatus

    record = repo.start_session("default", "practice", {}, None)
    for status in (AnswerStatus.DONT_KNOW, AnswerStatus.SKIPPED):
        turn = repo.add_turn(record.id, "transformer-attn-a1b2c3", "q")
        repo.submit_answer(turn.id, "", 1.0, status=status)
        if status is AnswerStatus.DONT_KNOW:
            repo.record_grade(turn.id, Grade(score=0.0, verdict=Verdict.WRONG, grader="offline-v2"))
    markdown = export_transcript(services.transcript(record.id), "md")
    assert "**Your answer (I don't know):**" in markdown and "**Your answer (skipped):**" in markdown
