"""Widgets on their own: safe text, countdown colours, mastery bars, transcript streaming."""

from __future__ import annotations

from textual.app import App, ComposeResult

from interviewer.services.ui.models import TopicMasteryView
from interviewer.widgets.countdown import Countdown, format_seconds
from interviewer.widgets.mastery_bars import mastery_line
from interviewer.widgets.safe_text import escape_markdown, safe_text, strip_controls
from interviewer.widgets.transcript import Transcript
from tests.fakes.ui import QUESTIONS, grade


def test_strip_controls_removes_escape_sequences_keeps_text():
    hostile = "ok\x1b[31mred\x1b[0m \x1b]0;pwned\x07title \x1b[2J\x1b[H中文\x00\x07\u202eevil\r\nnext\tend"
    assert strip_controls(hostile) == "okred title 中文evil\nnext    end"


def test_safe_text_is_never_markup():
    text = safe_text("[bold red]not bold[/] [link=http://x]x[/link]")
    assert text.plain == "[bold red]not bold[/] [link=http://x]x[/link]"
    assert not text.spans


def test_escape_markdown_renders_literally():
    escaped = escape_markdown("# title\n* item\n[a](http://x) <b>hi</b> `code`")
    assert escaped.split("  \n") == ["\\# title", "\\* item",
                                     "\\[a\\]\\(http://x\\) \\<b\\>hi\\</b\\> \\`code\\`"]


def test_format_seconds():
    shown = [format_seconds(s) for s in (0, 0.2, 59.1, 61, 3600)]
    assert shown == ["0:00", "0:01", "1:00", "1:01", "1:00:00"]


def test_mastery_line_truncates_wide_names_by_cell_width():
    topic = TopicMasteryView("x", "非常非常长的中文主题名称超过了宽度限制", 0.5, 3)
    line = mastery_line(topic, name_width=12)
    assert line.plain.startswith("非常非常长… ")
    assert " 50%" in line.plain and "due  3" in line.plain


class Harness(App[None]):
    def __init__(self, source) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield Countdown("Question", self.source, id="clock")
        yield Transcript(id="transcript")


async def test_countdown_warns_in_last_fifth():
    left = {"s": 100.0}
    app = Harness(lambda: (left["s"], 100.0))
    async with app.run_test() as pilot:
        clock = app.query_one(Countdown)
        assert "1:40" in str(clock.content) and not clock.has_class("-warning")
        left["s"] = 20.5
        clock.tick()
        assert "0:21" in str(clock.content) and not clock.has_class("-warning")
        left["s"] = 20.0
        clock.tick()
        assert clock.has_class("-warning")
        await pilot.pause()


async def test_transcript_streams_model_text_without_interpreting_it():
    app = Harness(lambda: (None, None))
    async with app.run_test() as pilot:
        transcript = app.query_one(Transcript)
        await transcript.begin_follow_up()
        for chunk in ["**不是粗体** [red]x", "[/red] \x1b[2J", "<script>"]:
            await transcript.stream_follow_up(chunk)
        await transcript.end_follow_up()
        await pilot.pause()
        bubble = transcript.query_one(".follow-up")
        assert "\x1b" not in bubble.source
        rendered = " ".join(str(block._content) for block in bubble.query("MarkdownBlock") if block._content)
        assert "**不是粗体**" in rendered and "[red]x[/red]" in rendered and "<script>" in rendered
        card = await transcript.add_grade(QUESTIONS[0], grade(6.0))
        assert card.grade.score == 6.0


async def test_transcript_starts_at_top_and_follows_the_end_once_full():
    app = Harness(lambda: (None, None))
    async with app.run_test(size=(60, 20)) as pilot:
        transcript = app.query_one(Transcript)
        await transcript.add_question(1, 2, QUESTIONS[0], "Transformer 架构")
        await pilot.pause()
        assert transcript.scroll_y == 0 and transcript.children[0].region.y <= 2  # no blank lines above
        for i in range(30):
            await transcript.add_notice(f"第 {i} 条")
        await pilot.pause()
        await pilot.pause()
        assert transcript.max_scroll_y > 0
        assert transcript.scroll_y == transcript.max_scroll_y  # the newest entry is visible


async def test_answer_editor_takes_typed_chinese_and_wide_characters():
    from interviewer.widgets.answer_editor import AnswerEditor

    class EditorApp(App[None]):
        def compose(self) -> ComposeResult:
            yield AnswerEditor()

    app = EditorApp()
    async with app.run_test(size=(30, 8)) as pilot:
        editor = app.query_one(AnswerEditor)
        editor.focus()
        await pilot.press(*"注意力 ok", "enter", *"全角ＡＢＣ")
        assert editor.text == "注意力 ok\n全角ＡＢＣ"
        assert editor.cursor_location == (1, 5)  # one column per character, whatever its width
        await pilot.press("backspace", "backspace")
        assert editor.answer == "注意力 ok\n全角Ａ"


def test_long_chinese_key_point_wraps_under_its_own_text():
    from rich.console import Console

    from interviewer.domain import KeyPoint
    from interviewer.widgets.grade_card import points_text

    point = "温度参数调整：温度参数是用来控制生成文本多样性的一个参数，通过调整它可以控制生成文本的独创性"
    question = QUESTIONS[0].model_copy(update={"key_points": (KeyPoint(id="k1", text=point),)})
    console = Console(width=40, record=True, color_system=None)
    console.print(points_text(question, grade(3.0, covered=(), missed=("k1",))))
    lines = console.export_text().rstrip("\n").split("\n")
    assert lines[0].startswith("✗ 温度参数调整")  # the mark is not left alone on its line
    assert all(line.startswith("  ") for line in lines[1:]) and len(lines) > 1  # hanging indent
    assert "".join(line.strip() for line in lines).removeprefix("✗").strip() == point


def test_topics_never_practised_have_no_bar():
    new = mastery_line(TopicMasteryView("x", "长文本问题", None, 0), name_width=12)
    practised = mastery_line(TopicMasteryView("y", "长文本问题", 0.0, 0), name_width=12)
    assert "not practised yet" in new.plain and "%" not in new.plain and "░" not in new.plain
    assert "  0%" in practised.plain


def test_grade_summary_names_grader_confidence_disagreement_and_unreviewed_references():
    from interviewer.domain import Grade, GradeFlag, KeyPoint, Question, SourceRef, Verdict
    from interviewer.widgets.grade_card import grade_summary

    question = Question(id="x-aaaaaa01", topic="x", text="q", reference="r", difficulty=1,
                        sources=(SourceRef(file="f", line=1),), status="seed",
                        key_points=(KeyPoint(id="k1", claim="c"), KeyPoint(id="k2", claim="d")))
    sure = Grade(score=8.0, verdict=Verdict.STRONG, grader="offline-v2", confidence=0.9)
    assert grade_summary(sure).plain == "8.0/10  STRONG  · offline grader (offline-v2)"
    unsure = sure.model_copy(update={"confidence": 0.45})
    assert grade_summary(unsure).plain.endswith("· low confidence")
    assert grade_summary(sure.model_copy(update={"confidence": 0.6})).plain.endswith("· medium confidence")
    overruled = Grade(score=2.0, verdict=Verdict.WRONG, grader="llm:qwen", confidence=0.3,
                      flags=(GradeFlag.GRADER_DISAGREEMENT.value,))
    assert "LLM judge (qwen) · low confidence · graders disagree" in grade_summary(overruled).plain
    assert grade_summary(sure, question).plain.endswith("· reference not reviewed")
    reviewed = question.model_copy(update={"status": "revised"})
    assert "not reviewed" not in grade_summary(sure, reviewed).plain
    rules = Grade(score=0.0, verdict=Verdict.WRONG, grader="engine", confidence=1.0)
    assert "interview rules" in grade_summary(rules).plain
