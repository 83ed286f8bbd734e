"""The keyed path of the offline grader (`offline-v2`): evidence per authored key point.

score = 10 x coverage^0.75 x form x relevance, where
- coverage is the weighted mean of per-point credit: the best of its `accept` wordings, or (scaled by 0.9)
  the ramped recall of its claim's own words, so a paraphrase that shares the claim's terms still counts;
- form is 1 for `enumerate` (a correct bare list answers it) and 0.7-1 by how much the answer explains for
  the other kinds; a bare list of terms on those kinds is capped at BARE_LIST_CAP;
- relevance is the lexical grader's relevance, trusted less once several points are evidenced by wordings.
An asserted misconception is listed in `factual_errors` with its correction and flags `misconception`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from interviewer.domain import GradeFlag, Question
from interviewer.grading.accept import asserted, point_credit, prepare
from interviewer.grading.assessment import KEYED_NAME, Assessment, Unit
from interviewer.grading.evidence import AnswerIndex, Recall, explanation, index_answer
from interviewer.grading.lexicon import EN_STOPWORDS, ZH_STOPWORDS
from interviewer.grading.text import Analysis, analyse, normalise, segment

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z][a-z0-9']*")
_STRUCTURE = re.compile(r"(?<!\d)[：:](?!\d)")  # a `label：` group; a ratio such as 5:1 is a term
_SENTENCE_END = re.compile(r"[。；;!！?？]|\.\s")
_HYPHENATED = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")
_ITEM_SEPARATORS = re.compile(r"[、，,；;\n]+")
BARE_LIST_CAP = 3.0
_BARE_LIST = 0.22
"""Explanation value under which an answer reads as a list of terms, not sentences."""
_LOW_CONFIDENCE = 0.5

RecallFn = Callable[[Analysis, AnswerIndex, frozenset[str], bool], Recall]
RelevanceFn = Callable[[Question, Analysis, AnswerIndex, bool, float], tuple[float, dict[str, float]]]


def _ramp(value: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (value - low) / (high - low)))


def function_words(text: str) -> tuple[int, int]:
    """(words, function words) counting only Chinese words and English words of two letters or more: the
    single letters of "K V Q" are symbols, not the glue of a sentence."""
    words = function = 0
    for token in segment(normalise(text)):
        if _CJK.match(token) or (_LATIN.fullmatch(token) and len(token) >= 2):
            words += 1
            function += token in ZH_STOPWORDS or token in EN_STOPWORDS
    return words, function


def flat_list(text: str) -> bool:
    """Terms separated by 、/commas with nothing tying them together: most items short and without function
    words, and no `label：` groups or sentences ("幂律、6ND、Kaplan、Chinchilla、过训练")."""
    if _STRUCTURE.search(text) or _SENTENCE_END.search(text.strip().rstrip("。.;；")):
        return False
    items = [item.strip() for item in _ITEM_SEPARATORS.split(text) if item.strip()]
    if len(items) == 1 and _CJK.search(text):
        items = text.split()  # Chinese has no spaces between words: space-separated terms are a list
    if len(items) < 4:
        return False
    return sum(1 for item in items if _bare_term(item)) >= 0.6 * len(items)


def _bare_term(item: str) -> bool:
    """A term, not a clause: short (≤ 15 characters or ≤ 3 words) and no function word outside hyphenated
    compounds ("per-token" is a term; "per token basis of the" is not)."""
    words, _ = function_words(item)
    if len(item) > 15 and words > 3:
        return False
    return not function_words(_HYPHENATED.sub(" ", item))[1]


def assess_keyed(question: Question, answer: str, flags: list[str], recall_fn: RecallFn,
                 relevance_fn: RelevanceFn) -> Assessment:
    mismatch = GradeFlag.LANGUAGE_MISMATCH in flags
    ans = analyse(answer)
    index = index_answer(ans)
    prepared = prepare(answer)
    demote = frozenset(analyse(question.text).content)
    units: list[Unit] = []
    from_wordings = 0
    for point in question.key_points:
        by_wording = point_credit(point, prepared)
        claim = analyse(point.claim)
        by_claim = 0.0
        if claim.content:
            by_claim = 0.9 * _ramp(recall_fn(claim, index, demote, mismatch).value, 0.25, 0.7)
        if by_wording >= by_claim and by_wording >= 0.5:
            from_wordings += 1
        units.append(Unit(point.id, point.claim, max(by_wording, by_claim)))
    total_weight = sum(kp.weight for kp in question.key_points)
    weighted = zip(units, question.key_points, strict=True)
    coverage = sum(u.credit * kp.weight for u, kp in weighted) / total_weight
    reference = analyse(question.reference or "")
    relevance, signals = relevance_fn(question, ans, index, mismatch, coverage)
    if from_wordings >= max(1, len(units) // 3):
        relevance = max(relevance, 0.9)  # the answer states the points in the key's own wordings: on topic
    expl = explanation(ans, reference, coverage * len(set(reference.content)))
    enumerate_kind = question.kind == "enumerate"
    form = 1.0 if enumerate_kind else 0.7 + 0.3 * min(1.0, expl.value / 0.5)
    score = 10 * coverage**0.75 * form * relevance
    new_flags = list(flags)
    # Few function words, or clauses of one or two words: terms listed, not sentences.
    # Formulas read as terms to the explanation measure: for derive/code only a flat list counts as one.
    formulaic = question.kind in ("derive", "code")
    listed = (expl.value < _BARE_LIST and not formulaic) or flat_list(answer)
    bare_list = not enumerate_kind and listed and len(ans.content) >= 4
    if bare_list:
        score = min(score, BARE_LIST_CAP)
    errors: list[str] = []
    corrections: list[str] = []
    for miss in question.misconceptions:
        if asserted(miss, prepared):
            errors.append(miss.claim)
            corrections.append(miss.correction)
    if errors:
        new_flags.append(GradeFlag.MISCONCEPTION)
    ambiguous = sum(1 for u in units if 0.3 < u.credit < 0.7) / len(units)
    by_claim_share = 1 - from_wordings / len(units)
    confidence = 0.9 - 0.3 * ambiguous - 0.15 * by_claim_share * (coverage > 0.3)
    if mismatch:
        confidence = min(confidence, 0.7)
    if coverage < 0.35 and len(ans.content) >= 12 and relevance >= 0.7:
        confidence = min(confidence, 0.45)  # on-topic prose without the key's wordings: paraphrase or wrong
    confidence = min(0.95, max(0.05, confidence))
    if confidence < _LOW_CONFIDENCE:
        new_flags.append(GradeFlag.LOW_CONFIDENCE)
    details = {**signals, "unit_cover": coverage, "explanation": expl.value, "bare_list": float(bare_list)}
    return Assessment(round(min(10.0, score), 1), coverage, coverage, relevance, expl.value, confidence,
                      tuple(units), tuple(dict.fromkeys(new_flags)), details, tuple(errors),
                      tuple(corrections), grader=KEYED_NAME)
