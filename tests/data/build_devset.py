"""Build tests/data/grader_devset.jsonl from the rows in tests/data/devset/ and tests/data/devset-blind/.

Each source row is a candidate answer to a bank question with a human grade:
`{"question_id", "kind", "answer", "human_score", "max_score", "note"}`. Kinds: paraphrase, terse, partial,
misconception, stuffing, off_topic, english.

- devset/: written by the reviewer who fact-checked that question's key (not its writer). Reviewers saw the
  key and some widened accept wordings after grading their own rows, so these rows are not blind. `split`:
  `holdout` for about 30% of the questions (a hash of the id, fixed before any grader figure was looked at:
  kept out of the grader's tuning), else `tune`.
- devset-blind/: written by people who saw only the question and its reference (never the key points, accept
  wordings or misconceptions), after the grader and the key were done: `split` = `blind`. Nothing was tuned
  on them.
The script checks every id against the shipped bank (following merges).

Run: .venv/bin/python tests/data/build_devset.py  (rewrites grader_devset.jsonl)
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "devset"
BLIND = HERE / "devset-blind"
OUT = HERE / "grader_devset.jsonl"
KINDS = ("paraphrase", "terse", "partial", "misconception", "stuffing", "off_topic", "english")
FIELDS = ("question_id", "kind", "answer", "human_score", "max_score", "note")


def split_of(question_id: str) -> str:
    """`holdout` for ~30% of questions, fixed by the id alone."""
    return "holdout" if int(hashlib.sha1(question_id.encode()).hexdigest()[:2], 16) < 77 else "tune"


def build() -> list[dict]:
    sys.path.insert(0, str(HERE.parents[1]))
    from question_bank import load_bank

    bank = load_bank()
    rows: list[dict] = []
    for path in [*sorted(SOURCES.glob("*.jsonl")), *sorted(BLIND.glob("*.jsonl"))]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            where = f"{path.name}:{number}"
            if bank.resolve(row.get("question_id", "")) is None:
                raise SystemExit(f"{where}: question_id {row.get('question_id')!r} is not in the bank")
            if row.get("kind") not in KINDS:
                raise SystemExit(f"{where}: unknown kind {row.get('kind')!r}")
            record = {key: row[key] for key in FIELDS if key in row}
            record["source"] = path.stem
            record["split"] = "blind" if path.parent == BLIND else split_of(row["question_id"])
            rows.append(record)
    return rows


def main() -> None:
    rows = build()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    questions = {r["question_id"] for r in rows}
    holdout = {r["question_id"] for r in rows if r["split"] == "holdout"}
    blind = {r["question_id"] for r in rows if r["split"] == "blind"}
    print(f"{len(rows)} rows on {len(questions)} questions ({len(holdout)} held out, {len(blind)} blind) "
          f"-> {OUT}")


if __name__ == "__main__":
    main()
