"""Stable question ids: `<topic-slug>-<8 hex of SHA-1 of the id-normalised question text>`.

The id normalisation is frozen on purpose (it is not the duplicate finder's, which may keep improving):
changing it would change every id, and ids are stored in user histories and data sets.
"""

from __future__ import annotations

import hashlib
import re

_ID_SYNONYMS = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"大型语言模型|大语言模型|大模型|llms|llm|语言模型", "llm"),
    (r"之间有什么区别|有什么区别|有何区别|的区别|区别是什么|异同点是什么|异同点|异同|不同之处|"
     r"有什么不同", "区别"),
    (r"什么是|是什么|是啥|指的是|是怎么回事|简单介绍一下|介绍一下|介绍|解释一下|解释|讲讲|请问|如何理解", ""),
    (r"如何|怎么|怎样|咋", "如何"),
    (r"评测|评价|评估", "评估"),
    (r"instruction tuning|指令微调", "指令微调"),
))
_FILLER = re.compile(r"[的了吗呢吧啊呀]|请你|一下|都有哪些|有哪些|哪些|\s+")
_PUNCT = re.compile(r"[^\w]|_")
_NUMBERING = re.compile(r"^\s*(q?\d+(\.\d+)*[.、:：]?)\s*", re.IGNORECASE)


def id_text(text: str) -> str:
    """The frozen normal form hashed into ids: lowercase, a few synonyms, no filler or punctuation."""
    text = _NUMBERING.sub("", text.lower())
    for pattern, replacement in _ID_SYNONYMS:
        text = pattern.sub(replacement, text)
    return _PUNCT.sub("", _FILLER.sub("", text))


def question_id(topic_slug: str, text: str, length: int = 8) -> str:
    """Stable id: topic slug + short SHA-1 of the normalised question text (same text -> same id)."""
    digest = hashlib.sha1((id_text(text) or text).encode("utf-8")).hexdigest()
    return f"{topic_slug}-{digest[:length]}"
