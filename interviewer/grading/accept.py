"""Evidence from authored key points: `accept` wordings found in an answer, negations, misconceptions.

An accept wording counts when it appears in the answer (spaces and case ignored, NFKC, `×`/`·` as `*`), when
all its content words appear (segmented and stemmed, for wordings of two or more words), or when a fuzzy
partial match is close (long wordings only). `A & B` needs every part. A match right after a negation ("不",
"并非", "not") does not count: "KV cache 不缓存 K 和 V" does not evidence "caches K and V".
A misconception is asserted only by an exact, un-negated wording: its words scattered over a correct answer
("不缓存 Q，只缓存 K") must not count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from interviewer.domain import KeyPoint, Misconception
from interviewer.grading.text import INVISIBLE, analyse

_SYMBOLS = str.maketrans({"×": "*", "·": "*", "∙": "*", "⋅": "*", "−": "-", "–": "-", "—": "-",
                          "（": "(", "）": ")", "，": ",", "、": ",", "：": ":", "；": ";", "“": '"',
                          "”": '"'})
_DROP = re.compile(r"[\s`'\"*_~]+")
_ZH_NEGATORS = ("不是", "并非", "并不", "没有", "不会", "不用", "无需", "无须", "不需", "不需要", "不要",
                "不能", "不必", "而非", "不再", "不应", "不该", "用不着")
_ZH_NEGATOR_CHARS = frozenset("不没未无非别")
_EN_NEGATORS = ("not", "never", "without", "insteadof", "ratherthan", "dont", "doesnt", "isnt", "arent", "no")
_FUZZY_MIN_CHARS = 6
_FUZZY_CUTOFF = 88.0
_FUZZY_CREDIT = 0.85
_TOKEN_CREDIT = 0.9
_SENTENCE_MARKS = ("。", ";", "!", "?", "！", "？", "\n")
_SCOPE_NEGATORS = ("不需要", "不是", "并非", "并不", "没有", "不用", "无需", "不要", "不必", "而非", "不再",
                   "不应", "不该", "不能", "不会", "避免", "not", "never", "without", "instead", "rather",
                   "cant", "dont", "doesnt", "shouldnt", "wont", "mustnt", "isnt", "arent")


def clean(text: str) -> str:
    """NFKC with invisible characters removed: the text every check sees."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def squash(text: str) -> str:
    """Lower-case, symbols unified, spaces and emphasis marks removed (for substring matching)."""
    return _DROP.sub("", clean(text).lower().translate(_SYMBOLS))


@dataclass(frozen=True)
class Prepared:
    """An answer prepared once for many look-ups."""

    squashed: str
    """`squash(answer)`: where wordings are looked up."""
    words: frozenset[str]
    """The answer's content tokens (segmented, stemmed), for multi-word wordings in another order."""


def prepare(answer: str) -> Prepared:
    return Prepared(squash(answer), frozenset(analyse(answer).content))


def _negated(squashed: str, start: int, part: str) -> bool:
    if part[:1] in _ZH_NEGATOR_CHARS or part.startswith(("not", "no", "never")):
        return False  # the wording carries its own negation
    before = squashed[max(0, start - 10):start]
    if any(before.endswith(n) for n in _ZH_NEGATORS):
        return True
    if before[-1:] in _ZH_NEGATOR_CHARS and before[-2:] not in ("非常", "无论", "无数", "并非"):
        return True
    # Spaces are squashed away, so "does not cache" reads "doesnotcache": look for the negator's letters.
    return part[:1].isascii() and any(before.endswith(n) for n in _EN_NEGATORS)


def _exact(part: str, answer: Prepared) -> tuple[bool, bool]:
    """(found, found un-negated at least once)."""
    start = answer.squashed.find(part)
    found = start >= 0
    while start >= 0:
        if not _negated(answer.squashed, start, part):
            return True, True
        start = answer.squashed.find(part, start + 1)
    return found, False


@lru_cache(maxsize=8192)
def _part_words(part: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(analyse(part).content))


def part_credit(part: str, answer: Prepared) -> float:
    """Credit in [0, 1] for one accept part (no `&`)."""
    key = squash(part)
    if not key:
        return 0.0
    found, clear = _exact(key, answer)
    if clear:
        return 1.0
    if found:
        return 0.0  # present, but only under a negation
    words = _part_words(part)
    if len(words) >= 2 and all(w in answer.words for w in words):
        return _TOKEN_CREDIT
    if len(key) >= _FUZZY_MIN_CHARS and len(answer.squashed) >= len(key):
        alignment = fuzz.partial_ratio_alignment(key, answer.squashed, score_cutoff=_FUZZY_CUTOFF)
        if alignment is not None and not _negated(answer.squashed, alignment.dest_start, key):
            return _FUZZY_CREDIT
    return 0.0


def wording_credit(wording: str, answer: Prepared) -> float:
    """Credit for one accept wording: `A & B` is the weakest of its parts."""
    parts = [p.strip() for p in wording.split("&") if p.strip()]
    return min((part_credit(p, answer) for p in parts), default=0.0)


def point_credit(point: KeyPoint, answer: Prepared) -> float:
    """Best credit over the point's accept wordings (0 when it has none)."""
    best = 0.0
    for wording in point.accept:
        best = max(best, wording_credit(wording, answer))
        if best >= 1.0:
            break
    return best


def asserted(misconception: Misconception, answer: Prepared) -> bool:
    """The answer states the misconception: one of its wordings appears verbatim, not negated.

    Not fuzzy: near matches of a wrong claim ("FlashAttention 是近似" ~ "FlashAttention 通过") are mostly
    correct answers that share its long terms (measured on the dev set's tune split).
    """
    for wording in misconception.accept:
        parts = [squash(p) for p in wording.split("&") if p.strip()]
        if parts and all(_asserted_part(p, answer) for p in parts if p):
            return True
    return False


def _asserted_part(part: str, answer: Prepared) -> bool:
    """Verbatim and outside any negation: one right before it, or one opening its sentence, which covers
    a negated list ("不需要传统 NLP 的分词、去停用词、TF-IDF 编码")."""
    start = answer.squashed.find(part)
    while start >= 0:
        sentence_start = max(answer.squashed.rfind(mark, 0, start) for mark in _SENTENCE_MARKS) + 1
        opening = answer.squashed[max(sentence_start, start - 40):start]
        if not _negated(answer.squashed, start, part) and not any(n in opening for n in _SCOPE_NEGATORS):
            return True
        start = answer.squashed.find(part, start + 1)
    return False
