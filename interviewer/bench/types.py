"""What the load test records and how it is configured: shared by the runner, the workers and the figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from interviewer.config import LLMSettings
from interviewer.llm.base import ChatMessage


@dataclass
class Call:
    """One LLM request made by the engine: enough to replay it, and how long the engine waited on it."""

    kind: str  # "stream" | "json"
    messages: list[ChatMessage]
    max_tokens: int | None
    temperature: float | None
    schema: dict[str, Any] | None = None
    name: str = ""
    wait_s: float = 0.0
    ttft_s: float | None = None
    first_token_at: float | None = None
    """perf_counter() at the first streamed piece: with the turn's start, what the candidate waited."""
    ok: bool = True
    intervals: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) perf_counter() spans spent waiting on the server. The engine may run the judge and a
    follow-up at once, so a turn's HTTP time is the union of its calls' spans, not the sum."""



@dataclass
class TurnRun:
    wall_s: float
    calls: list[Call]
    follow_up_s: float | None = None
    """Submit to the first token of the follow-up (grading included): the wait a candidate sees."""


@dataclass
class SessionRun:
    turns: list[TurnRun] = field(default_factory=list)
    fallbacks: Counter[str] = field(default_factory=Counter)
    error: str | None = None


@dataclass(frozen=True)
class BenchOptions:
    llm: LLMSettings
    concurrency: int = 8
    sessions: int = 16
    questions: int = 2
    follow_ups: int = 1
    seed: int = 0
    language: str = "zh"
    replay: bool = True
    processes: bool = False
    """One forked process per concurrent candidate (default: all on one event loop)."""
