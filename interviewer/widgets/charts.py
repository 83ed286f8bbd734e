"""Progress charts drawn with textual-plotext (imported only when the progress screen opens)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from textual_plotext import PlotextPlot

from interviewer.services.ui.models import TopicMasteryView


class _Chart(PlotextPlot):
    """A plot that is cleared and redrawn from data by `show`."""

    def _reset(self, title: str) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)

    def _empty(self, message: str) -> None:
        self.plt.text(message, x=0.5, y=0.5, alignment="center")
        self.plt.xlim(0, 1)
        self.plt.ylim(0, 1)
        self.plt.xticks([])
        self.plt.yticks([])
        self.refresh()


class TrendChart(_Chart):
    """Mean score per session, oldest first."""

    def show(self, trend: Sequence[tuple[str, float]]) -> None:
        self._reset("Mean score per session (0–10)")
        if not trend:
            self._empty("no graded sessions yet")
            return
        xs = list(range(1, len(trend) + 1))
        self.plt.plot(xs, [score for _, score in trend], marker="braille")
        self.plt.scatter(xs, [score for _, score in trend])
        self.plt.ylim(0, 10)
        self.plt.xticks(cast("list[float]", xs), [label for label, _ in trend])  # ints are numbers too
        self.refresh()


class MasteryChart(_Chart):
    """Mastery per topic as horizontal bars (percent)."""

    def show(self, mastery: Sequence[TopicMasteryView]) -> None:
        self._reset("Mastery per topic (%)")
        mastery = [m for m in mastery if m.mastery is not None]
        if not mastery:
            self._empty("no graded answers yet")
            return
        # plotext measures labels in characters, so CJK names use their slug to keep bars aligned.
        labels = [m.slug for m in mastery]
        percent = [round((m.mastery or 0.0) * 100) for m in mastery]
        self.plt.bar(labels, percent, orientation="horizontal", width=0.3)
        self.plt.xlim(0, 100)
        self.refresh()


class AgreementChart(_Chart):
    """The model's score (x) against your self-grade (y) per answer; the diagonal is full agreement."""

    def show(self, pairs: Sequence[tuple[float, float]]) -> None:
        self._reset("Model grade (x) vs your self-grade (y)")
        if not pairs:
            self._empty("no self-grades yet: add them in Review")
            return
        self.plt.plot([0, 10], [0, 10], color="gray")
        self.plt.scatter([m for m, _ in pairs], [s for _, s in pairs], marker="●")
        self.plt.xlim(0, 10)
        self.plt.ylim(0, 10)
        self.refresh()
