"""Progress charts drawn with textual-plotext (imported only when the progress screen opens).

Mastery per topic is not a plotext chart: plotext measures labels in characters, not terminal cells, so CJK
topic names misalign, and its bars merge or drop at some sizes; `widgets.mastery_bars` draws it as text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from textual_plotext import PlotextPlot

from interviewer.i18n import _


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
        self._reset(_("Mean score per session (0–10)"))
        if not trend:
            self._empty(_("no graded sessions yet"))
            return
        xs = list(range(1, len(trend) + 1))
        self.plt.plot(xs, [score for _, score in trend], marker="braille")
        self.plt.scatter(xs, [score for _, score in trend])
        self.plt.ylim(0, 10)
        self.plt.xticks(cast("list[float]", xs), [label for label, _ in trend])  # ints are numbers too
        self.refresh()


class AgreementChart(_Chart):
    """The model's score (x) against your self-grade (y) per answer; the diagonal is full agreement."""

    def show(self, pairs: Sequence[tuple[float, float]]) -> None:
        self._reset(_("Model grade (x) vs your self-grade (y)"))
        if not pairs:
            self._empty(_("no self-grades yet: add them in Review"))
            return
        self.plt.plot([0, 10], [0, 10], color="gray")
        self.plt.scatter([m for m, _ in pairs], [s for _, s in pairs], marker="●")
        self.plt.xlim(0, 10)
        self.plt.ylim(0, 10)
        self.refresh()
