"""The multi-line answer editor: a TextArea that wraps, handles wide (CJK) characters and IME input."""

from __future__ import annotations

from typing import Any

from textual.widgets import TextArea

from interviewer.i18n import _


class AnswerEditor(TextArea):
    """Soft-wrapped plain-text editor for answers; submit/skip keys bubble up to the screen's bindings."""

    DEFAULT_CSS = """
    AnswerEditor { height: 1fr; min-height: 3; }
    """

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(
            text,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="indent",
            placeholder=_("Type your answer (Chinese or English). Ctrl+S submits."),
            **kwargs,
        )

    @property
    def answer(self) -> str:
        """The draft with surrounding whitespace removed."""
        return self.text.strip()
