"""Difficulty, language and tags of an imported question (documented in README `## Question bank`).

Difficulty 1-3 from points: +1 comparison/mechanism words (区别, 原理, 为什么 ...), +1 derivation or
computation words (推导, 公式, 计算, 代码 ...), +1 a multi-part question (two or more question marks or
clauses), +1 a long reference (> 1500 characters), +1 a very long one (> 3000), +1 a rich structure
(>= 7 key points). 0 points -> 1 (recall), 1-2 -> 2 (explain), 3+ -> 3 (compare/derive in depth).
"""

from __future__ import annotations

import re

from interviewer.domain import Language

_MECHANISM = re.compile(r"区别|异同|比较|对比|相比|原理|为什么|为何|机理|思路|如何解决|如何实现|怎么实现|"
                        r"vs\b", re.IGNORECASE)
_DERIVATION = re.compile(r"推导|公式|计算|代码|实现|证明|显存|复杂度|derive|formula", re.IGNORECASE)
_PARTS = re.compile(r"[?？]|[，,；;]\s*(如何|怎么|为什么|什么|哪些|讲讲|有没有)")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")

TAGS: dict[str, str] = {
    "lora": r"lora", "qlora": r"qlora", "p-tuning": r"p-?tuning", "prompt-tuning": r"prompt-tuning|指示微调",
    "prefix-tuning": r"prefix-tuning|前缀微调", "adapter": r"adapter|适配器", "peft": r"peft|参数高效",
    "rlhf": r"rlhf|人类反馈|强化学习", "ppo": r"ppo", "reward-model": r"奖励模型|reward|\brm\b",
    "sft": r"sft|监督微调|有监督微调", "instruction-tuning": r"指令微调|指令数据|instruct",
    "fine-tuning": r"微调|fine-?tun", "pretraining": r"预训练|pre-?train", "transformer": r"transformer",
    "attention": r"attention|注意力", "tokenizer": r"token|分词|bpe|wordpiece|sentencepiece|词表",
    "position-encoding": r"位置编码|rope|alibi|position", "normalization": r"norm",
    "langchain": r"langchain", "rag": r"rag\b|向量库|检索", "hallucination": r"幻觉",
    "quantization": r"量化|int8|fp16|gguf|精度", "memory": r"显存|内存|oom", "inference": r"推理",
    "evaluation": r"评测|评估|评价", "long-context": r"长文本|长度外推|更长的文本", "emergence": r"涌现",
    "bert": r"bert", "gpt": r"gpt", "llama": r"llama", "multimodal": r"多模态", "diffusion": r"diffusion",
    "contrastive-learning": r"对比学习", "knowledge-graph": r"知识图谱", "word2vec": r"word2vec",
    "scaling-law": r"scaling law", "bias": r"偏见", "dataset": r"数据集|数据格式|训练集",
    "activation": r"gelu|swish|glu|激活函数", "kv-cache": r"缓存|kv cache",
}
_TAG_PATTERNS = {tag: re.compile(pattern, re.IGNORECASE) for tag, pattern in TAGS.items()}


def difficulty(text: str, reference: str | None, key_points: int) -> int:
    """1 (recall) .. 3 (derive/compare in depth), by the points described in the module docstring."""
    points = 0
    points += bool(_MECHANISM.search(text))
    points += bool(_DERIVATION.search(text))
    points += len(_PARTS.findall(text)) >= 2
    if reference:
        points += len(reference) > 1500
        points += len(reference) > 3000
        points += key_points >= 7
    return 1 + (points >= 1) + (points >= 3)


def language(*texts: str | None) -> Language:
    """'zh' when CJK characters make up at least 20% of the letters, else 'en'."""
    joined = "".join(t for t in texts if t)
    cjk = len(_CJK.findall(joined))
    latin = len(_LATIN.findall(joined))
    return "zh" if cjk and cjk / (cjk + latin / 4) >= 0.2 else "en"


def tags(text: str) -> tuple[str, ...]:
    """Sorted tags whose keyword appears in the question text."""
    return tuple(sorted(tag for tag, pattern in _TAG_PATTERNS.items() if pattern.search(text)))
