"""Widgets wrap mixed Chinese/Latin text by UAX #14 (interviewer.line_break) and reflow on resize."""

from __future__ import annotations

import itertools

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Markdown, Static

from interviewer.line_break import break_offsets, wrap
from interviewer.widgets.answer_editor import AnswerEditor
from interviewer.widgets.grade_card import GradeCard
from interviewer.widgets.line_wrap import install_line_breaking, installed
from interviewer.widgets.transcript import Transcript
from tests.fakes.ui import QUESTIONS, grade

FEEDBACK = (
    "遗漏：“指令微调（Prompt Tuning）”是一种参数高效的方法，它通过Representation学习、LoRA以及P-Tuning v2"
    "等技术，在GPT-4和Qwen3-8B上都取得了不错的效果；缩放因子√d_k让点积的方差回到1左右，避免softmax饱和、"
    "梯度消失（vanishing gradient）。"
)
CLOSING = "，。、；：！？）」』】》”…"


def shown_lines(widget: Widget) -> list[str]:
    """What the widget shows, line by line, without the padding to its width."""
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


class CardHarness(App[None]):
    def compose(self) -> ComposeResult:
        # A missed point the grader sent as text (not a key point id) is shown as given.
        yield GradeCard(QUESTIONS[0], grade(6.0, covered=(), missed=(FEEDBACK[:70],), feedback=FEEDBACK))
        yield Transcript()


def test_widgets_install_uax14_wrapping() -> None:
    # Idempotent (importing interviewer.widgets has already done it); fails here when an upgrade of Textual or
    # Rich moved a wrapping site, while the app itself keeps running with that site's own wrapping.
    assert install_line_breaking() == []
    assert installed()


def test_a_moved_wrapping_site_is_reported_not_fatal(monkeypatch) -> None:
    import rich.text

    from interviewer.widgets import line_wrap

    monkeypatch.delattr(rich.text, "divide_line")
    assert line_wrap.install_line_breaking() == ["rich.text.divide_line"]
    assert not installed()


async def test_grade_card_feedback_wraps_by_uax14_at_80_columns_and_reflows() -> None:
    app = CardHarness()
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        feedback = app.query_one(".grade-feedback", Static)
        width = feedback.content_region.width
        lines = shown_lines(feedback)
        assert lines == wrap(FEEDBACK, width)
        assert "".join(lines).replace(" ", "") == FEEDBACK.replace(" ", "")  # nothing lost
        assert len(lines) >= 3 and all(line[0] not in CLOSING for line in lines)
        for word in ("Representation", "Prompt", "Qwen3-8B", "GPT-4", "softmax", "vanishing"):
            assert any(word in line for line in lines), word

        await pilot.resize_terminal(50, 40)
        await pilot.pause()
        narrow = feedback.content_region.width
        assert narrow < width
        lines = shown_lines(feedback)
        assert lines == wrap(FEEDBACK, narrow)
        assert all(line[0] not in CLOSING for line in lines)


async def test_key_points_table_wraps_by_uax14() -> None:
    app = CardHarness()
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        points = app.query_one(".grade-points", Static)
        lines = shown_lines(points)
        first = next(i for i, line in enumerate(lines) if line.startswith("✗ 遗漏"))
        texts = [lines[first][2:]]
        texts += [line[2:] for line in lines[first + 1:] if line.startswith("  ") and line.strip()]
        assert texts == [line.rstrip() for line in wrap(FEEDBACK[:70], points.content_region.width - 2)]
        assert all(text[0] not in CLOSING for text in texts)


async def test_transcript_question_markdown_wraps_by_uax14() -> None:
    app = CardHarness()
    question = QUESTIONS[0].model_copy(update={"text": FEEDBACK})
    async with app.run_test(size=(80, 40)) as pilot:
        transcript = app.query_one(Transcript)
        await transcript.add_question(1, 3, question)
        await pilot.pause()
        paragraph = transcript.query_one(".question", Markdown).query("MarkdownParagraph").last()
        lines = [line for line in shown_lines(paragraph) if line]
        assert "".join(lines).replace(" ", "") == FEEDBACK.replace(" ", "")
        assert lines == wrap(FEEDBACK, paragraph.content_region.width)
        assert all(line[0] not in CLOSING for line in lines)


class EditorHarness(App[None]):
    def compose(self) -> ComposeResult:
        yield AnswerEditor(FEEDBACK)


async def test_answer_editor_soft_wraps_by_uax14() -> None:
    app = EditorHarness()
    async with app.run_test(size=(60, 20)) as pilot:
        editor = app.query_one(AnswerEditor)
        await pilot.pause()
        sections = editor.wrapped_document.lines[0]
        assert "".join(sections) == FEEDBACK and len(sections) >= 4
        cuts = [0, *break_offsets(FEEDBACK, editor.wrap_width, hang_spaces=False), len(FEEDBACK)]
        assert sections == [FEEDBACK[a:b] for a, b in itertools.pairwise(cuts)]
        assert all(section[0] not in CLOSING for section in sections)
        editor.move_cursor(editor.document.end)
        await pilot.press("x")
        assert editor.text == FEEDBACK + "x"
