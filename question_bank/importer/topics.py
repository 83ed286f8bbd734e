"""Seed section names -> topics (English slug + Chinese display name).

Known sections of the seed notes map to curated topics (two seeds' training sections share one); any other
section gets a slug from its ASCII words (or a short hash) and keeps its own name for display.
"""

from __future__ import annotations

import hashlib
import re

from interviewer.domain import Topic

KNOWN: dict[str, tuple[str, str]] = {
    "模型训练的基本问题": ("training", "模型训练的基本问题"),
    "llm training": ("training", "模型训练的基本问题"),
    "文本问题": ("long-text", "长文本问题"),
    "大模型 基础面": ("basics", "大模型基础面"),
    "大模型 进阶面": ("advanced", "大模型进阶面"),
    "大模型 微调面": ("fine-tuning", "大模型微调面"),
    "大模型 langchain面": ("langchain", "大模型 LangChain 面"),
    "基于llm+向量库的文档对话 面": ("rag", "基于LLM+向量库的文档对话"),
    "大模型 参数高效微调(peft) 面": ("peft", "参数高效微调（PEFT）"),
    "大模型 推理面": ("inference", "大模型推理面"),
    "大模型 评测面": ("evaluation", "大模型评测面"),
    "大模型 强化学习面": ("rlhf", "大模型强化学习面"),
    "大模型 软硬件配置面": ("hardware", "大模型软硬件配置面"),
    "大模型 训练集面": ("datasets", "大模型训练集面"),
    "token及模型参数准备篇": ("tokens-and-params", "Token及模型参数准备"),
    "alibi (attention with linear biases)篇": ("alibi", "ALiBi（Attention with Linear Biases）"),
    "llms 位置编码篇": ("position-encoding", "LLMs 位置编码"),
    "长度外推问题篇": ("length-extrapolation", "长度外推问题"),
    "llms tokenizer 篇": ("tokenizer", "LLMs Tokenizer"),
    "layer normalization 篇": ("layer-norm", "Layer Normalization"),
    "aigc&llm tech business notes": ("aigc-notes", "AIGC 与大模型技术笔记"),
    "llm": ("llm-concepts", "大模型核心概念"),
}


def _key(section: str) -> str:
    return re.sub(r"\s+", " ", section.strip().lower())


def topic_for(section: str) -> Topic:
    """The topic a seed section belongs to."""
    known = KNOWN.get(_key(section))
    if known:
        return Topic(slug=known[0], name=known[1])
    name = re.sub(r"^\d+(\.\d+)*\.?\s*", "", section.strip()) or section.strip() or "notes"
    words = re.findall(r"[a-z0-9]+", name.lower())
    slug = "-".join(words)[:40].strip("-")
    if not slug or len(slug) < 3:
        slug = "topic-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    return Topic(slug=slug, name=name)
