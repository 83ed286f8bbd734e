"""`bank draft` / `bank accept`: an LLM drafts answer keys for questions without a reference; a person
reviews them, then accepts them into the bank.

A draft is a schema-v2 question with `status: draft`: the graders never use it (`Question.has_reference` is
False) and `bank lint` refuses it in a bank. The model must reply with JSON matching DraftReply (vLLM's
`response_format` json_schema), so the shape is guaranteed; the content is the reviewer's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from interviewer.domain import KeyPoint, Misconception, Question, Topic
from interviewer.llm import LLMClient
from interviewer.llm.base import ChatMessage
from interviewer.llm.prompts import render

SCHEMA_NAME = "answer_key_draft"
DRAFT_MAX_TOKENS = 3072

_Short = Annotated[str, StringConstraints(min_length=1, max_length=30)]
_Claim = Annotated[str, StringConstraints(min_length=4, max_length=80)]
_Sentence = Annotated[str, StringConstraints(min_length=4, max_length=160)]


class DraftPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim: _Claim
    accept: list[_Short] = Field(min_length=1, max_length=6)
    follow_up: _Sentence


class DraftMisconception(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claim: _Sentence
    accept: list[_Short] = Field(min_length=1, max_length=4)
    correction: _Sentence


class DraftReply(BaseModel):
    """What the model must return (field order = generation order: the reference before its key points)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["explain", "enumerate", "compare", "derive", "design", "code"]
    difficulty: Literal[1, 2, 3]
    reference: Annotated[str, StringConstraints(min_length=20, max_length=1500)]
    key_points: list[DraftPoint] = Field(min_length=2, max_length=8)
    misconceptions: list[DraftMisconception] = Field(max_length=3)
    citations: list[_Sentence] = Field(min_length=1, max_length=4)


def draft_messages(question: Question, notes: str | None = None) -> list[ChatMessage]:
    """The request for one question: the system rules, then the question (and the user's own notes on it)."""
    language = question.language
    user = f"题目：{question.text}" if language == "zh" else f"Question: {question.text}"
    if notes:
        user += ("\n\n候选人自己的笔记（可能有错，仅供参考）：\n" if language == "zh"
                 else "\n\nThe candidate's own notes (may be wrong; for context only):\n") + notes.strip()
    system = render("draft_system", language)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def to_draft(question: Question, reply: DraftReply, model: str) -> Question:
    """The drafted question: status draft, key points numbered k1.., the model named in the citations."""
    points = tuple(KeyPoint(id=f"k{i}", claim=p.claim.strip(), accept=tuple(a.strip() for a in p.accept),
                            follow_up=p.follow_up.strip()) for i, p in enumerate(reply.key_points, 1))
    misconceptions = tuple(Misconception(claim=m.claim.strip(), accept=tuple(a.strip() for a in m.accept),
                                         correction=m.correction.strip()) for m in reply.misconceptions)
    return question.model_copy(update={
        "status": "draft",
        "kind": reply.kind,
        "difficulty": reply.difficulty,
        "reference": reply.reference.strip(),
        "key_points": points,
        "misconceptions": misconceptions,
        "citations": (*(c.strip() for c in reply.citations), f"drafted by {model}: check every claim"),
    })


async def draft_question(client: LLMClient, question: Question) -> Question:
    """Ask the model for a draft of `question`; raises LLMError (invalid JSON, schema, timeout...)."""
    reply, info = await client.complete_json(draft_messages(question, question.reference), DraftReply,
                                             name=SCHEMA_NAME, max_tokens=DRAFT_MAX_TOKENS)
    assert isinstance(reply, DraftReply)
    return to_draft(question, reply, info.model)


def pick(questions: Sequence[Question], ids: Sequence[str], topic: str | None) -> list[Question]:
    """The questions to draft: the given ids, else those of `topic` (or all) without a reviewed reference."""
    if ids:
        by_id = {q.id: q for q in questions}
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise KeyError(f"no question with id {missing[0]!r}")
        return [by_id[i] for i in ids]
    return [q for q in questions if (topic is None or q.topic == topic)
            and (q.reference is None or q.status == "seed")]


def draft_file_data(topic: Topic, drafts: Sequence[Question]) -> dict[str, object]:
    """A drafts file is a topic file: it loads and lints like any bank file."""
    from question_bank.curation import question_record

    return {"topic": {"slug": topic.slug, "name": topic.name},
            "questions": [question_record(q) for q in drafts]}

