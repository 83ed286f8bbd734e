"""`interviewer bench`: a turn's HTTP time is the union of its calls' waiting spans (they can overlap)."""

from __future__ import annotations

from interviewer.bench.stats import http_busy_s
from interviewer.bench.types import Call


def call(*spans: tuple[float, float]) -> Call:
    c = Call("json", [], None, None)
    c.intervals = list(spans)
    c.wait_s = sum(e - s for s, e in spans)
    return c


def test_overlapping_judge_and_follow_up_count_once():
    judge = call((0.0, 1.0))
    follow_up = call((0.5, 0.7), (0.9, 1.4))  # streamed: waits between pieces, partly during the judge
    assert abs(http_busy_s([judge, follow_up]) - 1.4) < 1e-9
    assert abs(http_busy_s([call((0.0, 0.2)), call((0.5, 0.6))]) - 0.3) < 1e-9


def test_calls_recorded_without_spans_fall_back_to_their_wait():
    bare = Call("json", [], None, None, wait_s=0.25)
    assert http_busy_s([bare]) == 0.25
