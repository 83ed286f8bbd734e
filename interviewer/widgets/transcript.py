"""The interview transcript: questions, answers, streamed follow-ups and grade cards, anchored at the end."""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from interviewer.domain import Grade, Question
from interviewer.i18n import _
from interviewer.widgets.grade_card import GradeCard
from interviewer.widgets.safe_text import escape_markdown, safe_text, trusted_markdown


class Transcript(VerticalScroll):
    """Append-only log of the interview; stays scrolled to the bottom while the user has not scrolled up."""

    DEFAULT_CSS = """
    Transcript { height: 1fr; }
    Transcript > .question { margin: 0 0 0 0; }
    Transcript > .answer { color: $text-muted; padding: 0 0 0 2; height: auto; }
    Transcript > .follow-up { border-left: thick $accent; padding: 0 0 0 1; margin: 1 0 0 0; }
    Transcript > .notice { color: $warning; height: auto; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stream: MarkdownStream | None = None
        self._follow_up: Markdown | None = None
        self._label = ""  # set by begin_follow_up
        self._anchor_started = False

    async def mount_entry(self, widget: Widget) -> None:
        """Append one entry, and keep the view at the bottom once the entries overflow it."""
        await self.mount(widget)
        self.call_after_refresh(self._anchor_when_overflowing)

    def _anchor_when_overflowing(self) -> None:
        # Anchoring while the content is shorter than the view leaves a negative scroll offset in
        # Textual 8.2 (blank lines above the first question), so anchor only once it overflows.
        if not self._anchor_started and self.max_scroll_y > 0:
            self._anchor_started = True
            self.anchor()

    async def add_question(self, index: int, total: int, question: Question, topic: str = "") -> None:
        number = _("Q{n}/{total}").format(n=index, total=total)
        header = f"### {number} · {topic or question.topic}\n\n"
        await self.mount_entry(Markdown(header + trusted_markdown(question.text), classes="question"))

    async def add_answer(self, text: str, label: str = "") -> None:
        label = label or _("You")
        shown = text or _("(no answer)")
        line = _("{label}: {text}").format(label=label, text=shown)
        await self.mount_entry(Static(safe_text(line), classes="answer"))

    async def add_notice(self, text: str) -> None:
        await self.mount_entry(Static(safe_text(text), classes="notice"))

    async def begin_follow_up(self, label: str = "") -> None:
        """Start a bubble from the interviewer that `stream_follow_up` appends to as chunks arrive."""
        await self.end_follow_up()
        self._label = label or _("Interviewer")
        self._follow_up = Markdown(_bold_label(self._label), classes="follow-up")
        await self.mount_entry(self._follow_up)
        self._stream = Markdown.get_stream(self._follow_up)

    async def stream_follow_up(self, chunk: str) -> None:
        if self._stream is None:
            await self.begin_follow_up()
        assert self._stream is not None
        await self._stream.write(escape_markdown(chunk))
        self.call_after_refresh(self._anchor_when_overflowing)

    async def end_follow_up(self, full_text: str | None = None) -> None:
        """Finish the streamed bubble; with `full_text`, replace it with the final text (or add one)."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        if full_text is not None:
            if self._follow_up is None:
                self._follow_up = Markdown("", classes="follow-up")
                await self.mount_entry(self._follow_up)
            label = self._label or _("Interviewer")
            await self._follow_up.update(_bold_label(label) + escape_markdown(full_text))
        self._follow_up = None

    @property
    def streaming(self) -> bool:
        return self._follow_up is not None

    async def add_grade(self, question: Question, grade: Grade) -> GradeCard:
        card = GradeCard(question, grade)
        await self.mount_entry(card)
        return card


def _bold_label(label: str) -> str:
    """`**Interviewer:** ` (the colon as the interface language writes it: `**面试官：**`)."""
    return "**" + _("{label}:").format(label=label) + "** "
