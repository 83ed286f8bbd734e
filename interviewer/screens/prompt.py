"""A one-line text prompt as a modal (self-grade score, reason for flagging a reference)."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

InputType = Literal["integer", "number", "text"]


class PromptScreen(ModalScreen[str | None]):
    """Dismisses with the entered text (Enter) or None (Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, placeholder: str = "", input_type: InputType = "text") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.input_type = input_type

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="dialog-question", markup=False)
            yield Input(placeholder=self.placeholder, type=self.input_type, id="prompt-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
