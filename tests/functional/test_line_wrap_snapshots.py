"""Snapshot of a grade card whose feedback and missed point mix Chinese and Latin text, at 80 columns:
lines break between ideographs, never before "，" or after "（", and keep Latin words whole (UAX #14)."""

from __future__ import annotations

from tests.functional.test_line_wrap_pilot import CardHarness


def test_grade_card_mixed_text_80x24(snap_compare) -> None:
    assert snap_compare(CardHarness(), terminal_size=(80, 24))
