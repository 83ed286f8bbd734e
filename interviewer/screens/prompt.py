"""A one-line text prompt as a modal (self-grade score, reason for flagging a reference)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

InputType = Literal["integer", "number", "text"]
Validator = Callable[[str], "str | None"]  # the entered text -> why it is refused, or None to accept it


class PromptScreen(ModalScreen[str | None]):
    """Dismisses with the entered text (Enter) or None (Escape). With `validate`, a refused value keeps the
    dialog open with the reason under the field, so it can be fixed rather than typed again."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, placeholder: str = "", input_type: InputType = "text",
                 validate: Validator | None = None) -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.input_type = input_type
        self.validate = validate

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="dialog-question", markup=False)
            yield Input(placeholder=self.placeholder, type=self.input_type, id="prompt-input")
            yield Static("", id="dialog-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self.validate(value) if self.validate is not None and value else None
        if problem:
            error = self.query_one("#dialog-error", Static)
            error.update(problem)
            error.display = True
            return
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
