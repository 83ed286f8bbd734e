"""Topic mastery as text bars with due counts (cheap, deterministic, fits 80 columns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import Static

from interviewer.i18n import _, ngettext
from interviewer.services.ui.models import TopicMasteryView

BAR_WIDTH = 20


def fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells with an ellipsis (a wide CJK character is never split)."""
    if cell_len(text) <= width:
        return text
    kept = ""
    for char in text:
        if cell_len(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def due_text(due: int) -> str:
    """`  due  3`: questions due for review, right-aligned so the rows line up."""
    return "  " + _("due {n}").format(n=f"{due:>2}")


def new_topic_label(item: TopicMasteryView) -> str:
    """`new · 1 answer`: practised, but with too few graded answers to rate."""
    return ngettext("new · {n} answer", "new · {n} answers", item.answers).format(n=item.answers)


def mastery_line(item: TopicMasteryView, name_width: int, bar_width: int = BAR_WIDTH) -> Text:
    """One row: name padded by display width (CJK-aware), bar, percent, due count."""
    line = Text(set_cell_size(fit(item.name, name_width), name_width) + " ")
    if item.is_new:  # answered, but too few answers to rate: no bar either
        line.append(set_cell_size(new_topic_label(item), bar_width + 5), style="italic")
        return line.append(due_text(item.due) if item.due else "", style="bold")
    if item.mastery is None:  # not practised yet: no bar, so it does not read as 0% mastery
        return line.append(set_cell_size(_("not practised yet"), bar_width + 5), style="dim")
    filled = round(max(0.0, min(1.0, item.mastery)) * bar_width)
    style = "green" if item.mastery >= 0.7 else "yellow" if item.mastery >= 0.4 else "red"
    line.append("█" * filled, style=style)
    line.append("░" * (bar_width - filled), style="dim")
    line.append(f" {item.mastery * 100:3.0f}%")
    due = due_text(item.due)
    line.append(due if item.due else " " * cell_len(due), style="bold" if item.due else "")
    return line


class MasteryBars(Static):
    """A block of mastery rows; `show(items)` replaces them."""

    def __init__(self, items: Sequence[TopicMasteryView] = (), **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.items = list(items)

    def on_mount(self) -> None:
        self.show(self.items)

    def show(self, items: Sequence[TopicMasteryView]) -> None:
        self.items = list(items)
        if not self.items:
            self.update(_("No graded answers yet: mastery appears after your first session."))
            return
        width = min(24, max(cell_len(i.name) for i in self.items))
        self.update(Text("\n").join(mastery_line(i, width) for i in self.items))
