"""Build tests/data/grader_devset.jsonl from the shipped bank plus hand-written answers (deterministic).

Per bank question with a reference, five constructed answers with their intended human score:
  reference  the reference itself                       10
  half       the first half of its key points           5
  off_topic  the reference of a question of another topic, chosen by a fixed rule  0
  key_terms  a bare list of its key terms (jieba TF-IDF, not the grader's own tokeniser)  1
  empty      nothing / "不知道"                          0
plus tests/data/grader_handwritten.jsonl: answers written by hand in other words (paraphrase, partial, wrong,
english), each tied to a bank question by a distinctive piece of its text (`match`).

Run: .venv/bin/python tests/data/build_devset.py  (rewrites grader_devset.jsonl)
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path

import jieba
import jieba.analyse

from question_bank import load_bank

HERE = Path(__file__).resolve().parent
OUT = HERE / "grader_devset.jsonl"
HANDWRITTEN = HERE / "grader_handwritten.jsonl"
EMPTY_ANSWERS = ("", "不知道")


def _row(question, answer: str, score: float, kind: str) -> dict:
    return {
        "qid": question.id,
        "question": question.text,
        "reference": question.reference,
        "key_points": [kp.text for kp in question.key_points],
        "answer": answer,
        "human_score": score,
        "max_score": 10,
        "kind": kind,
    }


def _order(question_id: str) -> str:
    return hashlib.sha1(question_id.encode()).hexdigest()


def _off_topic_source(question, candidates: list) -> object:
    others = [q for q in candidates if q.topic != question.topic]
    return min(others, key=lambda q: _order(question.id + q.id))


def _key_terms(reference: str) -> str:
    return "、".join(jieba.analyse.extract_tags(reference, topK=8))


def constructed_rows(questions: list) -> list[dict]:
    """Five constructed answers per question with a reference."""
    rows: list[dict] = []
    for i, q in enumerate(questions):
        points = [kp.text for kp in q.key_points]
        half = points[: max(1, len(points) // 2)] if points else [q.reference[: len(q.reference) // 2]]
        rows.append(_row(q, q.reference, 10, "reference"))
        rows.append(_row(q, "\n".join(half), 5, "half"))
        rows.append(_row(q, _off_topic_source(q, questions).reference, 0, "off_topic"))
        rows.append(_row(q, _key_terms(q.reference), 1, "key_terms"))
        rows.append(_row(q, EMPTY_ANSWERS[i % 2], 0, "empty"))
    return rows


def handwritten_rows(questions: list) -> list[dict]:
    """Hand-written answers resolved to their bank questions; fails loudly when a `match` is ambiguous."""
    rows: list[dict] = []
    for number, line in enumerate(HANDWRITTEN.read_text(encoding="utf-8").splitlines(), 1):
        item = json.loads(line)
        hits = [q for q in questions if item["match"].lower() in q.text.lower()]
        if len(hits) != 1:
            sys.exit(f"{HANDWRITTEN.name}:{number}: match {item['match']!r} finds {len(hits)} questions")
        rows.append(_row(hits[0], item["answer"], item["human_score"], item["kind"]))
    return rows


def main() -> None:
    jieba.setLogLevel(logging.WARNING)
    questions = sorted((q for q in load_bank().questions if q.reference), key=lambda q: _order(q.id))
    rows = constructed_rows(questions) + handwritten_rows(questions)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{OUT.name}: {len(rows)} rows from {len(questions)} questions")


if __name__ == "__main__":
    main()
