"""Lexical evidence of an answer against a reference: key-point coverage, relevance, explanation.

All measures are IDF-weighted recalls or ratios in [0, 1]. Matching a reference token counts 1 when the
answer has the same canonical token, partial credit for a fuzzy match (rapidfuzz, English) or for shared
character bigrams (Chinese, where segmentation of the same phrase may differ).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from interviewer.grading.idf import IdfTable
from interviewer.grading.text import Analysis

_FUZZY_CUTOFF = 84.0
_FUZZY_CREDIT = 0.8
_DEMOTED = 0.25
_WORD_SHARE_ZH = 0.9  # word recall vs bigram recall for Chinese units


@dataclass(frozen=True)
class AnswerIndex:
    """The answer's tokens prepared for repeated look-ups."""

    words: frozenset[str]
    latin_words: tuple[str, ...]
    bigrams: frozenset[str]
    analysis: Analysis


def index_answer(analysis: Analysis) -> AnswerIndex:
    """Sets and lists used by `token_match`."""
    latin = tuple(sorted({w for w in analysis.content if w.isascii() and len(w) >= 4}))
    return AnswerIndex(frozenset(analysis.content), latin, frozenset(analysis.bigrams), analysis)


@lru_cache(maxsize=65536)
def _char_bigrams(token: str) -> tuple[str, ...]:
    if len(token) == 1:
        return (token,)
    return tuple(token[i : i + 2] for i in range(len(token) - 1))


def token_match(token: str, answer: AnswerIndex) -> tuple[float, bool]:
    """(credit in [0, 1], exact) for one reference token against the answer."""
    if token in answer.words:
        return 1.0, True
    if token.isascii():
        if len(token) < 4 or not answer.latin_words:
            return 0.0, False
        best = process.extractOne(token, answer.latin_words, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
        return (_FUZZY_CREDIT, False) if best else (0.0, False)
    grams = _char_bigrams(token)
    if len(token) < 2:
        return 0.0, False
    shared = sum(1 for g in grams if g in answer.bigrams)
    return 0.8 * shared / len(grams), False


@dataclass(frozen=True)
class Recall:
    """How much of a reference text the answer covers."""

    value: float
    """Blended word and bigram recall in [0, 1]."""
    fuzzy_share: float
    """Share of the matched weight that came from fuzzy or partial matches (ambiguous evidence)."""
    mass: float
    """Total IDF weight of the reference text's content (how specific it is)."""


def recall(reference: Analysis, answer: AnswerIndex, idf: IdfTable,
           demote: frozenset[str] = frozenset()) -> Recall:
    """IDF-weighted recall of the reference's content tokens (and CJK bigrams) in the answer.

    Tokens in `demote` (the question's own words) weigh a quarter: repeating the question is not an answer.
    """
    total = matched = fuzzy = 0.0
    counts: dict[str, int] = {}
    for token in reference.content:
        counts[token] = counts.get(token, 0) + 1
    for token, count in counts.items():
        # Terms the reference repeats are its main ideas: sublinear term frequency.
        weight = idf.word(token) * (_DEMOTED if token in demote else 1.0) * (1.0 + math.log(count))
        credit, exact = token_match(token, answer)
        total += weight
        matched += weight * credit
        if not exact:
            fuzzy += weight * credit
    word_recall = matched / total if total else 0.0
    grams = tuple(dict.fromkeys(reference.bigrams))
    if not grams:
        return Recall(word_recall, fuzzy / matched if matched else 0.0, total)
    g_total = sum(idf.bigram(g) for g in grams)
    g_matched = sum(idf.bigram(g) for g in grams if g in answer.bigrams)
    value = _WORD_SHARE_ZH * word_recall + (1 - _WORD_SHARE_ZH) * (g_matched / g_total if g_total else 0.0)
    return Recall(value, fuzzy / matched if matched else 0.0, total)


def precision(answer: Analysis, topic: AnswerIndex, idf: IdfTable) -> float:
    """IDF-weighted share of the answer's content that belongs to the question's topic vocabulary.

    `topic` indexes question text + reference + key points. A fluent answer to another question has
    most of its specific words outside that vocabulary.
    """
    total = matched = 0.0
    for token in answer.content:
        weight = idf.word(token)
        total += weight
        matched += weight * token_match(token, topic)[0]
    return matched / total if total else 0.0


@dataclass(frozen=True)
class Explanation:
    """Does the answer explain, or only list terms?"""

    value: float
    """In [0, 1]: 0 for a bare list of terms, 1 for prose as explained as the reference."""
    function_ratio: float
    clause_tokens: float
    density: float


def explanation(answer: Analysis, reference: Analysis, covered_tokens: float) -> Explanation:
    """Combine function-word ratio, clause length and content tokens per covered reference token.

    Judged relative to the reference's own style, so a terse one-line reference does not demand essays.
    """
    if not answer.n_tokens:
        return Explanation(0.0, 0.0, 0.0, 0.0)
    ratio = answer.n_function / answer.n_tokens
    ref_ratio = reference.n_function / reference.n_tokens if reference.n_tokens else 0.3
    function_score = min(1.0, ratio / max(0.12, 0.7 * ref_ratio))
    ref_clause = max(3.0, min(8.0, reference.mean_clause_tokens))
    clause_score = min(1.0, max(0.0, (answer.mean_clause_tokens - 2.0) / (0.75 * ref_clause - 2.0)))
    # A list of key terms uses ~1 token per covered reference token; an explanation uses several.
    density = min(1.0, len(answer.content) / max(1.0, covered_tokens)) if covered_tokens else 1.0
    value = 0.45 * function_score + 0.45 * clause_score + 0.1 * density
    return Explanation(value, ratio, answer.mean_clause_tokens, density)


Bag = dict[str, float]


def bag(analysis: Analysis, idf: IdfTable) -> Bag:
    """IDF-weighted bag of content tokens with sublinear term frequency, for cosine similarity."""
    counts: dict[str, int] = {}
    for token in analysis.content:
        counts[token] = counts.get(token, 0) + 1
    return {t: (1.0 + math.log(c)) * idf.word(t) for t, c in counts.items()}


def cosine(a: Bag, b: Bag) -> float:
    """Cosine similarity of two bags (0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
