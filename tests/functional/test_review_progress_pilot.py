"""Review and Progress (issue 14 items 9 and 10): dialogs, the session list, topic names, mastery bars."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

from rich.cells import cell_len
from textual.widgets import Input, OptionList, Static
from textual.widgets._footer import FooterKey

from interviewer.app import make_app
from interviewer.config import Settings
from interviewer.domain import Topic
from interviewer.screens.progress import ProgressScreen
from interviewer.screens.prompt import PromptScreen
from interviewer.screens.review import ReviewScreen, TurnBox
from interviewer.services.ui.facade import UiServices
from interviewer.widgets.mastery_bars import MasteryBars
from question_bank import Bank
from tests.fakes.ui import FIXED_NOW, QUESTIONS, TOPICS, _q, grade, seed_history
from tests.functional.pilot import start_interview, wait_for
from tests.functional.test_screens_pilot import settle, text_of


async def open_review(pilot, index: int = 0) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await pilot.press(*(["down"] * index), "enter")
    await wait_for(pilot, lambda: bool(screen.query(TurnBox)))
    return screen


def footer_descriptions(app) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


async def test_self_grade_dialog_is_centred_and_keeps_a_bad_value_for_fixing(seeded, repo):
    services, _ = seeded
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot, index=1)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        dialog = app.screen.query_one("#dialog")
        left = dialog.region.x
        right = app.screen.size.width - dialog.region.right
        assert left > 0 and abs(left - right) <= 1, (left, right)
        await pilot.press("1", "1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # still open, with the reason inline
        assert "0 to 10" in text_of(app.screen.query_one("#dialog-error", Static))
        field = app.screen.query_one(Input)
        assert field.value == "11"
        await pilot.press("backspace", "backspace", "7", "enter")
        await wait_for(pilot, lambda: app.screen is review)
        await wait_for(pilot, lambda: review.query(TurnBox).first().view.self_grade == 7.0)


async def test_flag_is_offered_only_for_a_question_with_a_reference(repo, sqlite_url):
    no_reference = QUESTIONS[1].model_copy(update={"reference": None})
    bank = Bank(topics=TOPICS, questions=(QUESTIONS[0], no_reference, *QUESTIONS[2:]))
    services = UiServices(Settings(database_url=sqlite_url), repository=repo, bank=bank,
                          now=lambda: FIXED_NOW)
    seed_history(repo)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 30)) as pilot:
        review = await open_review(pilot)  # newest session: the question without a reference comes first
        assert review.query(TurnBox).first().view.question.reference is None
        await pilot.pause()
        assert "Flag reference" not in footer_descriptions(app)
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is review
        await pilot.press("n")  # the next question has a reference: flag is back
        await pilot.pause()
        assert "Flag reference" in footer_descriptions(app)


async def test_session_rows_fit_80_columns_and_the_unfinished_mark_is_explained(seeded, repo):
    services, _ = seeded
    record = repo.start_session("default", "practice", {"n_questions": 2, "topics": []},
                                FIXED_NOW - timedelta(hours=1))
    repo.add_turn(record.id, QUESTIONS[0].id, QUESTIONS[0].text)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        options = app.screen.query_one("#session-list", OptionList)
        width = options.scrollable_content_region.width
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(prompts) == 3
        assert all(cell_len(p) <= width for p in prompts), (width, prompts)
        legend = str(options.border_subtitle)
        unfinished = [p for p in prompts if "…" in p]
        assert len(unfinished) == 1 and "unfinished" in legend


async def test_review_shows_topic_names_not_slugs(seeded):
    services, _ = seeded
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot, index=1)
        titles = [str(box.border_title) for box in review.query(TurnBox)]
        assert "Transformer 架构" in titles[0] and "RLHF 与对齐" in titles[1], titles
        assert not any("rlhf" in t.split("·")[-1] for t in titles)


async def test_review_reads_storage_off_the_event_loop(seeded):
    services, _ = seeded
    threads: list[bool] = []
    original = services.transcript

    def spy(session_id: str):
        threads.append(threading.current_thread() is threading.main_thread())
        return original(session_id)

    services.transcript = spy  # type: ignore[method-assign]
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot)
    assert threads and not any(threads), threads


def six_topic_services(repo, sqlite_url) -> UiServices:
    """Six topics, each with one question answered and graded twice (enough to rate its mastery)."""
    extra = (Topic(slug="llm-concepts", name="大模型基础概念"), Topic(slug="peft", name="参数高效微调"),
             Topic(slug="rag", name="基于LLM+向量库的文档对话"))
    questions = (*QUESTIONS[:3], QUESTIONS[3],
                 _q("llm-concepts-111111", "llm-concepts", "什么是涌现能力？", "规模变大后出现的能力。",
                    ["规模"]),
                 _q("peft-222222", "peft", "LoRA 的原理？", "低秩分解更新矩阵。", ["低秩"]),
                 _q("rag-333333", "rag", "RAG 如何切分文档？", "按语义段落切分并重叠。", ["切分"]))
    bank = Bank(topics=(*TOPICS, *extra), questions=questions)
    picked = [questions[0], questions[2], questions[3], questions[4], questions[5], questions[6]]
    for day, score in ((5, 4.0), (2, 7.0)):
        started = FIXED_NOW - timedelta(days=day)
        record = repo.start_session("default", "timed", {"n_questions": len(picked), "topics": []}, started)
        for i, question in enumerate(picked):
            turn = repo.add_turn(record.id, question.id, question.text)
            at = started + timedelta(minutes=i + 1)
            repo.submit_answer(turn.id, "回答", 60.0, at)
            repo.record_grade(turn.id, grade(score + i * 0.5), at)
        repo.finish_session(record.id, started + timedelta(minutes=30))
    return UiServices(Settings(database_url=sqlite_url), repository=repo, bank=bank, now=lambda: FIXED_NOW)


async def test_progress_mastery_shows_every_practised_topic_by_name_at_80x24(repo, sqlite_url):
    app = make_app(services=six_topic_services(repo, sqlite_url), animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)
        await pilot.press("2")
        await pilot.pause()
        bars = app.screen.query_one(MasteryBars)
        text = text_of(bars)
        names = ("Transformer 架构", "RLHF 与对齐", "推理优化", "大模型基础概念", "参数高效微调", "基于LLM")
        for name in names:
            assert name in text, text
        assert "llm-concepts" not in text
        rows = [line for line in text.splitlines() if "%" in line]
        assert len(rows) == 6, text
        assert bars.region.height >= 6 or bars.virtual_region.height >= 6


async def test_clarifying_questions_are_in_the_transcript_and_export(repo, bank, sqlite_url):
    from interviewer.services.engine import api as ea
    from interviewer.widgets.answer_editor import AnswerEditor
    from tests.fakes.clock import FakeClock
    from tests.fakes.ui import ScriptedJudge, ScriptedLLM, make_engine_factory

    clock = FakeClock(wall=FIXED_NOW)
    judge = ScriptedJudge([grade(9.0, covered=("k1", "k2", "k3"), missed=(), grader="llm:scripted")])
    llm = ScriptedLLM()
    factory = make_engine_factory(repo, bank, judge, llm, clock)
    services = UiServices(Settings(database_url=sqlite_url), repository=repo, bank=bank,
                          now=lambda: FIXED_NOW, engine_factory=factory)
    app = make_app(services=services, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_interview(pilot)
        editor = screen.query_one(AnswerEditor)
        editor.insert("是指训练阶段还是推理阶段？")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: bool(screen.transcript.query(".follow-up"))
                       and not screen.transcript.streaming and screen.phase is ea.Phase.ANSWERING)
        editor.insert("点积方差随维度增大。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.phase is ea.Phase.BETWEEN)
        session_id = screen.session_id
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: screen.summary is not None)
    assert session_id is not None
    transcript = services.transcript(session_id)
    first = transcript.turns[0].exchanges[0]
    assert [c.question for c in first.clarifications] == ["是指训练阶段还是推理阶段？"]
    reply = first.clarifications[0].reply  # the template clarifier's (no LLM clarifier is wired here)
    assert reply.strip()
    markdown = services.export(session_id, "md")
    asked = markdown.index("是指训练阶段还是推理阶段？")
    assert asked < markdown.index(reply.strip().splitlines()[0]) < markdown.index("点积方差随维度增大")
    exported = json.loads(services.export(session_id, "json"))
    assert exported["turns"][0]["exchanges"][0]["clarifications"] == [
        {"question": "是指训练阶段还是推理阶段？", "reply": reply}]

    app = make_app(services=services, animations=False)
    async with app.run_test(size=(120, 40)) as pilot:
        review = await open_review(pilot)
        box = review.query(TurnBox).first()
        texts = [text_of(w) for w in box.query(Static)]
        assert any("是指训练阶段还是推理阶段？" in t for t in texts), texts
        assert any(reply.strip().splitlines()[0] in t for t in texts), texts


def test_session_rows_are_30_cells_in_both_languages():
    from datetime import datetime

    from interviewer import i18n
    from interviewer.screens.review import session_row
    from interviewer.services.ui.models import SessionListItem
    from interviewer.services.ui.session_score import SessionScore

    rows = []
    for language in ("en", "zh"):
        i18n.pin_language(language)
        for mode in ("timed", "practice", "drill"):
            for questions, finished in ((2, True), (12, False)):
                item = SessionListItem(id="s", mode=mode, started_at=datetime(2026, 2, 28, 9, 0),
                                       finished=finished, questions=questions, score=SessionScore())
                rows.append(session_row(item))
    assert all(cell_len(row) <= 30 for row in rows), [(row, cell_len(row)) for row in rows]


def test_export_names_topics_as_the_app_does(seeded):
    services, session_ids = seeded
    markdown = services.export(session_ids[0], "md")
    assert "## Q1. Transformer 架构 (transformer-attn-a1b2c3)" in markdown
    assert "## Q2. RLHF 与对齐 (rlhf-ppo-0a1b2c)" in markdown
    data = json.loads(services.export(session_ids[0], "json"))
    assert [t["topic_name"] for t in data["turns"]] == ["Transformer 架构", "RLHF 与对齐"]
    assert [t["topic"] for t in data["turns"]] == ["transformer", "rlhf"]  # the slug stays for tools
