"""Build interviewer/grading/calibration.jsonl: the judge's shipped graded examples.

Source: tests/data/grader_devset.jsonl, rows with split `tune` only. `holdout` and `blind` rows are what the
judge is measured on, so they never become examples. Each row keeps the bank question's id, topic and text
(so the judge needs no bank to show an example of another question), the answer and its 0-10 human score.

Run: .venv/bin/python scripts/build_calibration.py   (rewrites the file; the tests check it stays tune-only)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from question_bank import load_bank  # noqa: E402

DEVSET = ROOT / "tests" / "data" / "grader_devset.jsonl"
OUT = ROOT / "interviewer" / "grading" / "calibration.jsonl"


def main() -> None:
    bank = load_bank()
    rows = []
    for line in DEVSET.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("split") != "tune":
            continue
        question = bank.resolve(row["question_id"])
        if question is None:
            raise SystemExit(f"{DEVSET}: question_id {row['question_id']!r} not in the bank")
        rows.append({
            "question_id": question.id, "topic": question.topic, "question": question.text.strip(),
            "answer": row["answer"], "score": round(row["human_score"] * 10 / row["max_score"], 1),
            "kind": row.get("kind"),
        })
    rows.sort(key=lambda r: (r["topic"], r["question_id"], r["score"], r["answer"]))
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    questions = len({r["question_id"] for r in rows})
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} tune rows, {questions} questions")


if __name__ == "__main__":
    main()
