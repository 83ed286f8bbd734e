"""Export to JSON and import again: everything comes back, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from interviewer.db import StorageError, open_repository
from interviewer.domain import Grade, Verdict

TOPICS = {"attention-basics-a1b2c3": "attention", "rlhf-ppo-d4e5f6": "rlhf", "moe-routing-0a0b0c": "moe"}


def _fill(repo) -> None:
    session = repo.start_session("alice", "timed", {"minutes": 30})
    for index, (question_id, score) in enumerate(zip(TOPICS, (8.0, 3.0, 5.5), strict=True)):
        turn = repo.add_turn(session.id, question_id, f"问题 {index}")
        repo.submit_answer(turn.id, f"回答 {index}", time_spent_s=10.0 + index)
        repo.record_grade(
            turn.id,
            Grade(
                score=score,
                verdict=Verdict.WEAK,
                covered=("k1",),
                grader="llm:qwen3",
                flags=("low_confidence",),
                latency_ms=120.0,
                note="n",
            ),
        )
    repo.add_clarification(session.id, turn.id, "是指训练阶段还是推理阶段？", "训练阶段。")
    follow = repo.add_turn(session.id, "rlhf-ppo-d4e5f6", "问题 1", parent_turn_id=turn.id, prompt="追问")
    repo.save_draft(follow.id, "还没写完")
    repo.record_self_grade(turn.id, rating=4)
    repo.finish_session(session.id)
    repo.start_session("bob", "practice")  # an empty, still active session
    repo.flag_reference("moe-routing-0a0b0c", "参考答案有误", profile="alice")


def _snapshot(repo) -> dict:
    later = datetime.now(UTC) + timedelta(days=40)
    return {
        "profiles": [(p.name, p.created_at) for p in repo.list_profiles()],
        "sessions": {name: repo.list_sessions(name) for name in ("alice", "bob")},
        "turns": {
            s.id: repo.turns_for_session(s.id) for name in ("alice", "bob") for s in repo.list_sessions(name)
        },
        "cards": repo.cards("alice"),
        "due": repo.due_questions("alice", 10, now=later),
        "weak": repo.weakest_topics("alice", 5, TOPICS, now=later),
        "flags": [(f.question_id, f.reason, f.profile, f.created_at) for f in repo.flagged_references()],
        "resume": repo.unfinished_session("bob"),
    }


def test_export_import_round_trip(db_url, tmp_path):
    source = open_repository(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    _fill(source)
    export = tmp_path / "backup.json"
    counts = source.export_json(export)
    assert counts == {"profiles": 2, "sessions": 2, "turns": 4, "grades": 4, "reference_flags": 1}
    assert json.loads(export.read_text(encoding="utf-8"))["format"] == "interviewer-export"

    alice = source.list_sessions("alice")[0].id
    asked = [c for t in source.turns_for_session(alice) for c in t.clarifications]
    assert [(c.question, c.reply) for c in asked] == [("是指训练阶段还是推理阶段？", "训练阶段。")]

    target = open_repository(db_url)
    added = target.import_json(export)
    assert added == {"profiles": 2, "sessions": 2, "turns": 4, "grades": 4, "reference_flags": 1}
    assert _snapshot(target) == _snapshot(source)

    again = target.import_json(export)  # importing twice adds nothing
    assert set(again.values()) == {0}
    assert _snapshot(target) == _snapshot(source)
    source.close()
    target.close()


def test_an_export_from_before_turn_status_gets_the_status_derived(tmp_path):
    """Files written before turns had a status column: a skip and "I don't know" were grade notes."""
    source = open_repository(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    session = source.start_session("alice", "timed")
    skipped = source.add_turn(session.id, "q1", "问题一")
    source.submit_answer(skipped.id, "")
    source.record_grade(skipped.id, Grade(score=None, verdict=Verdict.UNGRADED, grader="engine",
                                          note="skipped"))
    idk = source.add_turn(session.id, "q2", "问题二")
    source.submit_answer(idk.id, "不知道")
    source.record_grade(idk.id, Grade(score=0.0, verdict=Verdict.WRONG, grader="engine", note="dont_know"))
    answered = source.add_turn(session.id, "q3", "问题三")
    source.submit_answer(answered.id, "回答")
    open_turn = source.add_turn(session.id, "q4", "问题四")
    data = source.export_data()
    for turn in data["turns"]:
        del turn["status"]
    source.close()

    target = open_repository(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    target.import_data(data)
    statuses = {t.id: t.status.value for t in target.turns_for_session(session.id)}
    assert statuses == {skipped.id: "skipped", idk.id: "dont_know", answered.id: "answered",
                        open_turn.id: "pending"}
    target.close()


def test_import_rejects_bad_files_without_writing(db_url, tmp_path):
    repo = open_repository(db_url)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(StorageError, match="cannot read"):
        repo.import_json(bad)
    with pytest.raises(StorageError, match="not an interviewer export"):
        repo.import_data({"sessions": []})
    broken = {
        "format": "interviewer-export",
        "version": 1,
        "profiles": [{"name": "x", "created_at": "2026-01-01"}],
        "sessions": [{"id": "s", "profile": "x", "mode": "timed", "started_at": "nope"}],
    }
    with pytest.raises(StorageError, match=r"sessions\.0\.started_at"):
        repo.import_data(broken)
    orphan = {
        "format": "interviewer-export",
        "version": 1,
        "grades": [
            {
                "id": "g",
                "turn_id": "missing",
                "created_at": "2026-01-01T00:00:00Z",
                "grade": {"score": 5, "verdict": "weak", "grader": "self"},
            }
        ],
    }
    with pytest.raises(StorageError, match="unknown turn"):
        repo.import_data(orphan)
    assert repo.list_profiles() == []
    repo.close()
