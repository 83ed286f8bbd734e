"""Near-duplicate questions across (and within) notes, found with rapidfuzz on normalised question text.

Normalisation lowercases, unifies synonyms (大模型/大语言模型/LLMs -> llm, 区别/异同 -> 区别, 评测/评估 ...),
and drops filler words and punctuation, so `什么是 LoRA?` and `LoRA是什么?` compare equal. Whole questions and
each part of a multi-part question (`LoRA是什么? LoRA的局限性`) are compared, but only when both ask about the
same aspect (优点 vs 缺点 differ) and name the same English terms (LoRA vs QLoRA differ). Two questions are
the same when their best score reaches THRESHOLD: on the seeds, real pairs score >= 88 and the closest
non-pairs <= 83.3 (tests/unit/test_bank_dedup.py). Clusters are formed with union-find (A~B, B~C: one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz

THRESHOLD = 86.0

_SYNONYM_TEXT: tuple[tuple[str, str], ...] = (
    (r"大型语言模型|大语言模型|大模型|llms|llm|语言模型", "llm"),
    (r"之间有什么区别|有什么区别|有何区别|的区别|区别是什么|异同点是什么|异同点|异同|不同之处|"
     r"有什么不同", "区别"),
    (r"什么是|是什么|是啥|指的是|是怎么回事|简单介绍一下|介绍一下|介绍|解释一下|解释|讲讲|请问|如何理解", ""),
    (r"如何|怎么|怎样|咋", "如何"),
    (r"评测|评价|评估", "评估"),
    (r"减轻|缓解|处理|应对|解决", "解决"),
    (r"sft\s*指令微调数据|指令微调数据|指令数据集|指令数据", "指令数据"),
    (r"instruction tuning|指令微调", "指令微调"),
    (r"显存占用|省内存|内存|显存", "显存"),
    (r"的性能|性能", ""),
    (r"现象", "问题"),
)
_SYNONYMS = tuple((re.compile(pattern), replacement) for pattern, replacement in _SYNONYM_TEXT)
_FILLER = re.compile(r"[的了吗呢吧啊呀]|请你|一下|都有哪些|有哪些|哪些|\s+")
_PUNCT = re.compile(r"[^\w]|_")
_NUMBERING = re.compile(r"^\s*(q?\d+(\.\d+)*[.、:：]?)\s*", re.IGNORECASE)
_PARTS = re.compile(r"[?？，,；;。.!！]+")
_ASPECTS = re.compile(r"优点|缺点|思路|特点|区别|公式|应用|作用|原理|原因|局限|步骤|好处|不足|替代|功能|"
                      r"概念|格式|优势|推导|代码|解决|为什么|如何|多大|多少|哪个|数据|问题")
_ASCII = re.compile(r"[a-z][a-z0-9]*")


def normalise(text: str) -> str:
    """Comparable form of a question: lowercase, synonyms unified, filler and punctuation removed."""
    text = _NUMBERING.sub("", text.lower())
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    return _PUNCT.sub("", _FILLER.sub("", text))


def _parts(text: str) -> list[str]:
    """The whole question and each of its parts (`A？B？`), normalised."""
    whole = normalise(text)
    pieces = [normalise(p) for p in _PARTS.split(_NUMBERING.sub("", text)) if p.strip()]
    # A part needs a subject of its own; context clauses such as `大模型训练中，…` do not count.
    subjects = [p for p in pieces if (_ASCII.search(p) or len(re.findall(r"[^\x00-\x7f]", p)) >= 4)
                and not p.endswith("中")]
    return [whole] + [p for p in subjects if p != whole] if len(pieces) > 1 else [whole]


@lru_cache(maxsize=65_536)
def _signature(text: str) -> tuple[frozenset[str], frozenset[str], str]:
    """Asked aspects, English terms and token string of one part, computed once per part (not per pair)."""
    return frozenset(_ASPECTS.findall(text)), frozenset(_ASCII.findall(text)), " ".join(_tokens(text))


def _comparable(a: str, b: str) -> bool:
    """Same asked aspect (优点 vs 缺点 differ) and the same English terms (LoRA vs QLoRA differ)."""
    return _signature(a)[:2] == _signature(b)[:2]


def pair_score(a: str, b: str) -> float:
    """0-100 score of two normalised questions (or parts): fuzzy ratio, 0 when aspects or terms differ."""
    if not a or not b or not _comparable(a, b):
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(_signature(a)[2], _signature(b)[2]))


def similarity(a: str, b: str) -> float:
    """Best score between two raw question texts, comparing whole questions and their parts."""
    return _best(_parts(a), _parts(b))


def _best(parts_a: list[str], parts_b: list[str]) -> float:
    return max(pair_score(x, y) for x in parts_a for y in parts_b)


def _tokens(text: str) -> list[str]:
    """ASCII words stay whole; each CJK character is a token."""
    return re.findall(r"[a-z0-9]+|[^a-z0-9]", text)


def clusters(texts: Sequence[str], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of indexes whose questions are near-duplicates (singletons included), in input order."""
    keys = [_parts(text) for text in texts]
    parent = list(range(len(texts)))
    # Identical questions (2,000 copies of one heading) join their first copy without being compared: equal
    # non-empty parts score 100. Only distinct ones are compared, and only while not already in one cluster.
    first: dict[tuple[str, ...], int] = {}
    distinct: list[int] = []
    for index, key in enumerate(keys):
        same = first.setdefault(tuple(key), index)
        if same != index and any(key) and threshold <= 100:
            parent[index] = same
        else:
            distinct.append(index)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for position, i in enumerate(distinct):
        for j in distinct[position + 1:]:
            if find(i) != find(j) and _best(keys[i], keys[j]) >= threshold:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(keys)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
