"""Offline follow-ups and the leak guard: the reference answer never appears in what the interviewer says."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from interviewer.domain import KeyPoint
from interviewer.services.engine.ports import ClarificationRequest, Exchange, FollowUpRequest
from interviewer.services.engine.template_replies import (
    LEAK_WINDOW,
    LeakChecker,
    ReferenceLeak,
    guard_stream,
    hint_term,
    template_clarification,
    template_follow_up,
)
from question_bank import load_bank
from tests.fakes.engine import question


def _shares_run(text: str, secret: str, size: int = LEAK_WINDOW, public: str = "") -> bool:
    """A run of `size` characters of `secret` in `text` that the candidate has not seen in `public`."""
    def norm(value: str) -> str:
        return "".join(unicodedata.normalize("NFKC", value).split()).lower()

    squeeze, secret, seen = norm(text), norm(secret), norm(public)
    return any(secret[i:i + size] in squeeze and secret[i:i + size] not in seen
               for i in range(len(secret) - size + 1))


@pytest.fixture(scope="module")
def bank_questions():
    return [q for q in load_bank().questions if q.key_points and q.reference]


def test_templates_never_quote_the_reference_or_a_key_point(bank_questions):
    assert len(bank_questions) > 50
    checked = 0
    for q, persona, language in itertools.product(bank_questions, ("friendly", "standard", "strict"),
                                                  ("zh", "en")):
        for index, kp in enumerate(q.key_points[:3], 1):
            request = FollowUpRequest(question=q, exchanges=(), key_point=kp, missed=q.key_points,
                                      index=index, persona=persona, language=language)
            text = template_follow_up(request)
            assert text.strip()
            assert kp.text not in text
            if kp.follow_up:  # the author's own question: checked by the guard the engine uses
                assert not LeakChecker(q).leaks(text.removeprefix("再追问一点：")), (q.id, text)
            else:
                assert not _shares_run(text, q.reference, public=q.text), (q.id, text)
            checked += 1
        clarify = ClarificationRequest(question=q, text="是指什么？", exchanges=(), persona=persona,
                                       language=language)
        clarification = template_clarification(clarify)
        assert not _shares_run(clarification, q.reference)
    assert checked > 300


def test_authored_follow_up_is_asked_for_the_missed_point():
    base = question("attention", 1)
    point = KeyPoint(id="k1", claim="缩放因子是 1/sqrt(d_k)", accept=("sqrt(d_k)",),
                     follow_up="为什么要除以那个缩放因子？")
    q = base.model_copy(update={"key_points": (point,), "language": "zh"})
    first = FollowUpRequest(question=q, exchanges=(), key_point=point, missed=(point,), index=1,
                            persona="standard", language="zh")
    assert template_follow_up(first) == "为什么要除以那个缩放因子？"
    second = template_follow_up(FollowUpRequest(**{**first.__dict__, "index": 2}))
    assert second.endswith("为什么要除以那个缩放因子？") and second != point.follow_up
    english = template_follow_up(FollowUpRequest(**{**first.__dict__, "language": "en"}))
    assert english != point.follow_up  # the authored text is Chinese: an English session gets the template


def test_templates_follow_language_and_persona():
    q = question("attention", 1)
    base = {"question": q, "exchanges": (), "key_point": q.key_points[0], "missed": q.key_points, "index": 1}
    zh = template_follow_up(FollowUpRequest(**base, persona="standard", language="zh"))
    en = template_follow_up(FollowUpRequest(**base, persona="standard", language="en"))
    strict = template_follow_up(FollowUpRequest(**base, persona="strict", language="en"))
    second = template_follow_up(FollowUpRequest(**{**base, "index": 2}, persona="standard", language="en"))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert en.isascii() or "「" not in en
    assert strict != en and second.startswith("One more thing")


def test_leak_checker_ignores_text_the_question_already_shows():
    q = question("attention", 1)
    checker = LeakChecker(q)
    assert not checker.leaks(q.text)  # the question itself is public
    assert checker.leaks("提示一下：" + q.key_points[1].text[4:20])
    assert not checker.leaks("能再讲讲缩放的作用吗？")


async def _pieces(parts):
    for part in parts:
        yield part


async def test_guard_stream_cuts_a_leak_before_any_of_it_is_released():
    q = question("attention", 1)
    secret = q.reference[5:40]
    released: list[str] = []
    with pytest.raises(ReferenceLeak):
        async for piece in guard_stream(_pieces(["好的，", "请想想。", *secret]), q):
            released.append(piece)
    shown = "".join(released)
    assert not _shares_run(shown, q.reference, 4)  # not even a short run of the leaked text got out


async def test_guard_stream_passes_clean_text_whole():
    q = question("attention", 1)
    text = "那么在长序列上，这个设计会带来什么问题？为什么？"
    out = [p async for p in guard_stream(_pieces(list(text)), q)]
    assert "".join(out) == text and len(out) > 1  # streamed, not held to the end


def test_exchange_shape_matches_the_prompt_builder():
    from interviewer.llm.prompts import build_messages

    q = question("attention", 1)
    messages = build_messages("follow_up", q, language="zh", exchanges=(Exchange("题目", "我的回答"),),
                              key_point=q.key_points[0])
    assert "我的回答" in messages[-1]["content"]


@pytest.mark.parametrize(("point", "hint"), [
    ("训练过程：在特定任务中, LoRA仅调整新增的低秩矩阵", "训练过程"),  # a short lead label
    ("低秩自适应LoRA(Low Rank Adaptation), 专为GPT, BERT等设计", "低秩自适应"),  # reading order
    ("在训练过程中, 模型会呈现成对的句子", "训练过程中"),  # 过 of 过程 is not a function word
    ("LoRA的基本原理与核心思想：权重分解、参数效率", "基本原理"),  # long lead: its first fresh term
])
def test_follow_up_hint_is_a_short_term_of_the_key_point(point, hint):
    q = question("attention", 1).model_copy(update={"text": "LoRA 是什么？"})
    assert hint_term(KeyPoint(id="k1", text=point), q) == hint
