"""What the candidate submitted: clarifying question, "I don't know", junk, or an answer."""

from __future__ import annotations

import pytest

from interviewer.services.engine.answer_kind import is_dont_know, is_junk, looks_like_clarification


@pytest.mark.parametrize("text", [
    "是指训练阶段还是推理阶段？",
    "你是说多头注意力吗?",
    "可以假设是单卡吗？",
    "哪种模型？",
    "Do you mean at inference time?",
    "Should I assume a decoder-only model?",
    "which version?",
])
def test_clarifying_questions(text):
    assert looks_like_clarification(text)


@pytest.mark.parametrize("text", [
    "注意力的缩放是为了防止点积过大导致 softmax 饱和。那么为什么是根号 d 呢？因为方差是 d。对吗？",
    "LayerNorm 对每个样本的特征维做归一化。",
    "It normalises each token's features rather than the batch, which works with variable sequence lengths.",
    "```python\nprint('is it?')\n```?",
    "",
    "这是一个很长的回答，" * 10 + "对吗？",
])
def test_answers_are_not_clarifications(text):
    assert not looks_like_clarification(text)


@pytest.mark.parametrize("text", ["不知道", "不知道。", " I don't know ", "idk", "没学过", "No idea!"])
def test_dont_know(text):
    assert is_dont_know(text)


@pytest.mark.parametrize("text", ["我不知道具体数值，但原理是缩放点积", "I don't know the value, it scales"])
def test_partial_knowledge_is_an_answer(text):
    assert not is_dont_know(text)


@pytest.mark.parametrize("text", ["", "   ", "。。。！", "aaaaaaaa", "啊啊啊啊啊", "ok", "???", "—— …"])
def test_junk(text):
    assert is_junk(text)


@pytest.mark.parametrize("text", ["缩放点积", "softmax saturates gradients", "用 RoPE 编码位置"])
def test_short_real_answers_are_not_junk(text):
    assert not is_junk(text)
