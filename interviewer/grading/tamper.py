"""Answers built to game a lexical grader: retractions, repetition, word salad.

Each check is cheap and conservative: it looks for what a real answer almost never does (taking back
everything it said, saying the same sentence many times, the reference's words in random order).
"""

from __future__ import annotations

import itertools
import re
import zlib
from dataclasses import dataclass

from interviewer.grading.text import Analysis

MAX_GRADED_CHARS = 12_000
"""Longer answers are graded on their first MAX_GRADED_CHARS characters (after repeats are removed)."""

_RETRACTION = re.compile(
    r"(以上|上面|上述|前面|刚才)(所说|说的|说法|内容|观点|回答|答案)?[^。\n]{0,6}(全部?|都|均|统统|完全)?"
    r"(是)?(错误?的?|不对|不正确|不成立|是假的|胡说|反的)"
    r"|事实(上)?恰恰相反|恰恰相反|实际上(正好|恰好)?相反|反过来才(是)?对"
    r"|\b(?:actually|in fact|in reality)?,?\s*the\s+opposite\s+is\s+true\b"
    r"|\b(?:all|everything|none)\s+(?:of\s+)?(?:the\s+above|what\s+i\s+(?:said|wrote))\s+(?:is|was)\s+"
    r"(?:wrong|false|incorrect|untrue)\b"
    r"|\b(?:none\s+of\s+(?:this|that|the\s+above)\s+is\s+(?:true|correct))\b"
    r"|\bjust\s+kidding\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"[^。！？!?；;\n.]+")
_SPACED_CJK = re.compile(r"[\u4e00-\u9fff] +(?=[\u4e00-\u9fff])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def retracts(answer: str) -> bool:
    """The answer takes back what it has just said ("…但实际上以上说法全都是错误的", "the opposite is true").

    Only after some content of its own: "上述叙述错误，…" opening an answer judges the question's statement.
    """
    return any(match.start() >= 30 for match in _RETRACTION.finditer(answer))


@dataclass(frozen=True)
class Repetition:
    text: str
    """The answer with repeated sentences removed, cut at MAX_GRADED_CHARS."""
    repeated: bool
    """The same text said again and again (copies beyond the first earn nothing, and the answer is capped)."""


def remove_repeats(answer: str) -> Repetition:
    # Short fragments (code lines, "return 0") repeat in honest answers: only sentences count.
    sentences = [s.strip() for s in _SENTENCES.findall(answer) if len(s.strip()) >= 12]
    seen: dict[str, None] = {}
    for sentence in sentences:
        seen.setdefault(sentence, None)
    many = len(sentences) >= 6 and len(seen) / len(sentences) < 0.5
    compressible = len(answer) >= 2000 and len(zlib.compress(answer.encode("utf-8"))) / len(
        answer.encode("utf-8")) < 0.08
    if not (many or compressible):
        return Repetition(answer[:MAX_GRADED_CHARS], False)
    deduplicated = "。".join(seen) if seen else answer
    if compressible and not many:
        deduplicated = _first_period(answer)
    return Repetition(deduplicated[:MAX_GRADED_CHARS], True)


def _first_period(text: str) -> str:
    """The shortest prefix that, repeated, makes up the text (a copy-pasted block)."""
    sample = text[:MAX_GRADED_CHARS]
    for size in range(20, len(sample) // 2):
        if sample[size:2 * size] == sample[:size]:
            return sample[:size]
    return sample


def word_salad(answer: Analysis, reference: Analysis, raw: str) -> bool:
    """The reference's own words in an order no sentence has: mostly its vocabulary, few of its word pairs."""
    cjk = len(_CJK.findall(raw))
    if cjk >= 20 and len(_SPACED_CJK.findall(raw)) >= max(8.0, 0.5 * len(answer.content)):
        return True  # Chinese written word by word with spaces between: a list of words, not prose
    words = answer.content
    if len(words) < 20 or not reference.content:
        return False
    vocabulary = set(reference.content)
    distinct = set(words)
    precision = len(distinct & vocabulary) / len(distinct)
    recall = len(distinct & vocabulary) / len(vocabulary)
    if precision < 0.75 or recall < 0.5:
        return False
    pairs = set(itertools.pairwise(reference.content))
    answer_pairs = list(itertools.pairwise(words))
    adjacency = sum(1 for p in answer_pairs if p in pairs) / len(answer_pairs)
    return adjacency < 0.25
