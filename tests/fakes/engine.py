"""Fakes for the engine's tests: a small bank, a scripted grader, scripted LLM streams, a builder."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from interviewer.domain import Grade, GradeFlag, KeyPoint, Question, SourceRef, verdict_for
from interviewer.services.engine.api import EngineEvent
from interviewer.services.engine.interview import InterviewEngine
from interviewer.services.engine.template_replies import TemplateClarifier, TemplateFollowUps
from tests.fakes.clock import FakeClock
from tests.fakes.memory_store import InMemoryStore


def question(topic: str, n: int, difficulty: int = 2, *, reference: bool = True, points: int = 3) -> Question:
    """A bank-like question; its reference and key points carry distinctive text to detect leaks."""
    key_points = tuple(
        KeyPoint(id=f"k{i}", text=f"{topic}第{n}题要点{i}：缩放因子用于稳定梯度的方差并防止饱和{i}")
        for i in range(1, points + 1)
    ) if reference else ()
    return Question(
        id=f"{topic}-{n:06d}",
        topic=topic,
        text=f"{topic} 第 {n} 题：请解释这个机制的原理？",
        reference=("参考答案：" + "；".join(kp.text for kp in key_points) + "。这是秘密的完整参考答案原文。")
        if reference else None,
        key_points=key_points,
        difficulty=difficulty,
        sources=(SourceRef(file="test.md", line=n),),
    )


@dataclass
class FakeBank:
    questions: tuple[Question, ...]


def small_bank() -> FakeBank:
    """Two topics with every difficulty, plus questions without a reference."""
    qs = [question(topic, n, difficulty)
          for topic in ("attention", "rag") for n, difficulty in enumerate((1, 1, 2, 2, 3, 3), 1)]
    qs += [question("attention", 10 + n, 2, reference=False) for n in range(3)]
    return FakeBank(tuple(qs))


def grade_for(q: Question, covered: Sequence[str], score: float | None = None, *, flags: Sequence[str] = (),
              grader: str = "scripted") -> Grade:
    ids = [kp.id for kp in q.key_points]
    if score is None:
        score = round(10 * len(set(covered) & set(ids)) / max(1, len(ids)), 2)
    return Grade(score=score, verdict=verdict_for(score), covered=tuple(i for i in ids if i in covered),
                 missed=tuple(i for i in ids if i not in covered), feedback="ok", grader=grader,
                 confidence=0.8, flags=tuple(flags))


_COVER = re.compile(r"cover=([k0-9,]*)")
_SCORE = re.compile(r"score=([0-9.]+)")


def scripted_rule(q: Question, answer: str) -> Grade:
    """`cover=k1,k2` covers those points; `score=7` forces the score; `inject` flags an injection."""
    match = _COVER.search(answer)
    covered = [c for c in match.group(1).split(",") if c] if match else []
    forced = _SCORE.search(answer)
    flags = [GradeFlag.INJECTION_ATTEMPT.value] if "inject" in answer else []
    return grade_for(q, covered, float(forced.group(1)) if forced else None, flags=flags)


@dataclass
class ScriptedGrader:
    """Grades by `rule`; can move the fake clock (grading time) or fail."""

    rule: Callable[[Question, str], Grade] = scripted_rule
    clock: FakeClock | None = None
    takes_s: float = 0.0
    fail_with: BaseException | None = None
    name: str = "scripted"
    calls: list[tuple[str, str]] = field(default_factory=list)

    async def grade(self, q: Question, answer: str, *, language: Any = None) -> Grade:
        self.calls.append((q.id, answer))
        if self.clock is not None and self.takes_s:
            self.clock.advance(self.takes_s)
        if self.fail_with is not None:
            raise self.fail_with
        return self.rule(q, answer)


@dataclass
class ScriptedStream:
    """A follow-up generator / clarifier that streams `pieces`, optionally failing or stalling after them."""

    pieces: Sequence[str] = ("为什么", "要这样", "设计？")
    fail_with: BaseException | None = None
    stall_s: float = 0.0
    source: str = "llm"
    requests: list[Any] = field(default_factory=list)

    def stream(self, request: Any) -> AsyncIterator[str]:
        self.requests.append(request)
        return self._gen()

    async def _gen(self) -> AsyncIterator[str]:
        for piece in self.pieces:
            yield piece
        if self.stall_s:
            await asyncio.sleep(self.stall_s)
        if self.fail_with is not None:
            raise self.fail_with


@dataclass
class Rig:
    engine: InterviewEngine
    store: InMemoryStore
    clock: FakeClock
    grader: ScriptedGrader
    bank: FakeBank
    events: list[EngineEvent]

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def of(self, kind: str) -> list[Any]:
        return [e for e in self.events if e.kind == kind]


def rig(bank: FakeBank | None = None, *, store: InMemoryStore | None = None, clock: FakeClock | None = None,
        grader: ScriptedGrader | None = None, **options: Any) -> Rig:
    """An engine on fakes; `options` go to InterviewEngine (follow_ups=, clarifier=, offline=, ...)."""
    bank = bank or small_bank()
    clock = clock or FakeClock()
    store = store or InMemoryStore(now=clock.wall)
    grader = grader or ScriptedGrader(clock=clock)
    options.setdefault("follow_ups", TemplateFollowUps())
    options.setdefault("clarifier", TemplateClarifier())
    options.setdefault("offline", True)
    engine = InterviewEngine(bank=bank, store=store, grader=grader, clock=clock, **options)
    events: list[EngineEvent] = []
    engine.add_listener(events.append)
    return Rig(engine, store, clock, grader, bank, events)
