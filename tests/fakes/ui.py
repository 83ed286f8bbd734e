"""Deterministic test data for the TUI: a tiny bilingual bank, seeded history, a scripted LLM."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from interviewer.domain import Grade, KeyPoint, Question, SourceRef, Topic, verdict_for
from question_bank import Bank

FIXED_NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SRC = (SourceRef(file="test.md", line=1),)

TOPICS = (
    Topic(slug="transformer", name="Transformer 架构"),
    Topic(slug="rlhf", name="RLHF 与对齐"),
    Topic(slug="inference", name="推理优化"),
)


def _q(qid: str, topic: str, text: str, reference: str, points: list[str], difficulty: int = 2) -> Question:
    return Question(
        id=qid, topic=topic, text=text, reference=reference, difficulty=difficulty, sources=SRC,
        key_points=tuple(KeyPoint(id=f"k{i}", text=t) for i, t in enumerate(points, 1)),
    )


QUESTIONS = (
    _q("transformer-attn-a1b2c3", "transformer", "自注意力（self-attention）为什么要除以 √d_k？",
       "点积的方差随维度 d_k 增大，softmax 会饱和、梯度变小；除以 √d_k 让方差回到 1 左右。",
       ["点积方差随维度增大", "softmax 饱和导致梯度消失", "缩放使方差约为 1"]),
    _q("transformer-mha-d4e5f6", "transformer", "多头注意力（multi-head attention）相比单头有什么好处？",
       "多个头在不同子空间里关注不同位置和关系，再拼接投影；总计算量与单头相近。",
       ["不同子空间", "关注不同位置/关系", "计算量相近"]),
    _q("rlhf-ppo-0a1b2c", "rlhf", "RLHF 里 PPO 的 KL 惩罚起什么作用？",
       "限制策略偏离参考模型（SFT 模型），防止奖励黑客（reward hacking）和语言退化。",
       ["限制偏离参考模型", "防止 reward hacking", "保持语言质量"]),
    _q("inference-kv-3c4d5e", "inference", "What does the KV cache store, and why does it speed up decoding?",
       "Keys and values of past tokens for every layer, so each new token attends without recomputing them.",
       ["keys and values of past tokens", "per layer", "avoids recomputation"]),
)


def make_bank() -> Bank:
    return Bank(topics=TOPICS, questions=QUESTIONS)


def grade(score: float, covered: tuple[str, ...] = ("k1",), missed: tuple[str, ...] = ("k2", "k3"),
          grader: str = "offline-v1", feedback: str = "") -> Grade:
    return Grade(score=score, verdict=verdict_for(score), covered=covered, missed=missed, grader=grader,
                 feedback=feedback, confidence=0.8)


def seed_history(repo: Any, profile: str = "default") -> list[str]:
    """Two finished sessions with graded answers at fixed times; returns their ids, oldest first."""
    ids = []
    plan = [
        (FIXED_NOW - timedelta(days=6), [(QUESTIONS[0], "因为方差会变大，softmax 饱和。", 6.5),
                                         (QUESTIONS[2], "防止模型跑偏。", 3.0)]),
        (FIXED_NOW - timedelta(days=2), [(QUESTIONS[1], "不同的头学习不同子空间的关系。", 8.0),
                                         (QUESTIONS[3], "It stores keys and values of past tokens.", 7.0)]),
    ]
    for started, answers in plan:
        record = repo.start_session(profile, "timed", {"n_questions": len(answers), "topics": []}, started)
        for offset, (question, answer, score) in enumerate(answers):
            turn = repo.add_turn(record.id, question.id, question.text)
            at = started + timedelta(minutes=5 * (offset + 1))
            repo.submit_answer(turn.id, answer, 120.0, at)
            feedback = "覆盖了部分要点。" if score < 8 else "回答完整。"
            repo.record_grade(turn.id, grade(score, feedback=feedback), at)
            if question is QUESTIONS[2]:
                follow = repo.add_turn(record.id, question.id, question.text, parent_turn_id=turn.id,
                                       prompt="那 KL 惩罚如何防止 reward hacking？")
                repo.submit_answer(follow.id, "它让策略不能离参考模型太远。", 60.0, at)
                repo.record_grade(follow.id, grade(5.0), at)
        repo.finish_session(record.id, started + timedelta(minutes=20))
        ids.append(record.id)
    return ids


class ScriptedLLM:
    """An LLMClient that streams scripted follow-ups and answers JSON requests with a scripted factory."""

    def __init__(self, replies: list[str] | None = None,
                 json_reply: Callable[[type, list[dict]], Any] | None = None) -> None:
        self.replies = list(replies or [])
        self.json_reply = json_reply
        self.calls: list[list[dict]] = []

    @property
    def model(self) -> str:
        return "scripted"

    async def stream_chat(self, messages: list[dict], **_: Any) -> AsyncIterator[str]:
        self.calls.append(messages)
        text = self.replies.pop(0) if self.replies else "能再具体说说吗？"
        for i in range(0, len(text), 4):
            yield text[i:i + 4]

    async def complete_json(self, messages: list[dict], schema: type, **_: Any) -> Any:
        self.calls.append(messages)
        if self.json_reply is None:
            raise RuntimeError("no scripted JSON reply")
        return self.json_reply(schema, messages)

    async def aclose(self) -> None:
        return None


class ScriptedJudge:
    """A GraderPort that returns scripted grades in order (the 'LLM judge' of the pilot tests)."""

    name = "llm:scripted"

    def __init__(self, grades: list[Grade]) -> None:
        self.grades = list(grades)
        self.answers: list[str] = []

    async def grade(self, question: Question, answer: str, *, language: str | None = None) -> Grade:
        self.answers.append(answer)
        return self.grades.pop(0)


def make_engine_factory(repo: Any, bank: Bank, judge: Any, llm: ScriptedLLM, clock: Any,
                        profile: str = "default") -> Callable[[], Any]:
    """Engines wired like the real factory, with the scripted judge and LLM and a fake clock."""
    from interviewer.services.engine.interview import InterviewEngine
    from interviewer.services.engine.llm_replies import LLMFollowUps

    def factory() -> Any:
        return InterviewEngine(bank=bank, store=repo, grader=judge, follow_ups=LLMFollowUps(llm),
                               clock=clock, profile=profile)

    return factory
