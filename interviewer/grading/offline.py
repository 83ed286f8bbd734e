"""The offline grader (`offline-v1`): key-point coverage with relevance and explanation checks, no model.

score = 10 x coverage^0.6 x (0.3 + 0.7 x explanation) x relevance, where
- coverage blends the share of key points covered (soft, per point) and the IDF-weighted recall of the
  whole reference, with the question's own words demoted; without key points, the reference's sentences
  (or clauses of a one-sentence reference) are the points;
- explanation is 0 for a bare list of terms and 1 for prose (function words, clause length, density);
- relevance shrinks the score when the answer's specific words are foreign to the question, or when the
  answer is closer to another bank question than to its own (`contrast`).
The answer is graded after `strip_injection`, so injected instructions never raise a score.

Questions with authored key points (schema v2: `accept` wordings) take the keyed path instead (`offline-v2`):
coverage is the weighted share of key points evidenced by their wordings or their claim's words; `kind`
decides how much a terse list counts (fully for `enumerate`, capped elsewhere); asserted misconceptions,
retractions, repetition and word salad cap the score at TAMPER_CAP and are listed as factual errors.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import replace

from interviewer.domain import Grade, GradeFlag, Language, Question, Verdict, verdict_for
from interviewer.grading import tamper
from interviewer.grading.accept import clean
from interviewer.grading.assessment import NAME, Assessment, Unit
from interviewer.grading.bank_tables import BankTables, shipped_documents, shipped_tables, topics_with
from interviewer.grading.contrast import TopicIndex, document_of
from interviewer.grading.evidence import (
    AnswerIndex,
    Recall,
    bag,
    explanation,
    index_answer,
    precision,
    recall,
)
from interviewer.grading.feedback import FeedbackFacts, write_feedback
from interviewer.grading.idf import IdfTable
from interviewer.grading.injection import scan_answer
from interviewer.grading.keyed import assess_keyed
from interviewer.grading.lexicon import DONT_KNOW, TERMS
from interviewer.grading.text import Analysis, analyse, detect_language, normalise, split_units

TAMPER_CAP = 3.0
"""Highest score of an answer that asserts a misconception, retracts itself, repeats itself or is word
salad."""
_DONT_KNOW = re.compile(rf"^\s*(?:{DONT_KNOW})[\s。.!！]*$", re.IGNORECASE)
_CANONICAL_TERMS = frozenset(canonical for canonical, _ in TERMS)
_LOW_CONFIDENCE = 0.5


def _ramp(value: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (value - low) / (high - low)))


def _cross_lingual(reference: Analysis) -> Analysis:
    """Only what an answer in the other language can match: Latin tokens and lexicon terms."""
    content = tuple(t for t in reference.content if t.isascii() or t in _CANONICAL_TERMS)
    return Analysis(content, (), reference.n_tokens, reference.n_function, reference.n_sentences,
                    reference.mean_clause_tokens, reference.language)


class OfflineGrader:
    """Grades by lexical evidence against the reference; `grade_sync` for callers without an event loop."""

    name = NAME

    def __init__(self, idf: IdfTable | None = None, topics: TopicIndex | None = None, *,
                 tables: BankTables | Callable[[], BankTables] | None = None) -> None:
        """`tables`: the bank's IDF table and topic index, or what builds them on first use (e.g.
        `lambda: bank_tables.tables_for(bank)`); `idf`/`topics` replace either. Without them, the shipped
        bank's tables are used (built on first use)."""
        self._idf = idf
        self._topics = topics
        self._tables = tables

    def _injected(self) -> BankTables:
        if self._tables is None:
            return shipped_tables()
        if not isinstance(self._tables, BankTables):
            self._tables = self._tables()
        return self._tables

    @property
    def idf(self) -> IdfTable:
        """The IDF table in use (injected, else the shipped bank's)."""
        if self._idf is None:
            self._idf = self._injected().idf
        return self._idf

    @property
    def topics(self) -> TopicIndex:
        """Other questions the answer is contrasted with (injected, else the shipped bank's)."""
        if self._topics is None:
            idf = self.idf
            tables = self._injected()
            if idf is tables.idf:
                self._topics = tables.topics
            else:  # an IDF table of its own: the same documents, weighted by it
                self._topics = topics_with(shipped_documents(), idf)
        return self._topics

    def warm_up(self) -> None:
        """Load jieba's dictionary and build the bank IDF and topic index now (~1.5 s, once per process).

        Call from a background worker at start-up so the first grade is not the slow one.
        """
        _ = self.topics
        analyse("预热 warm up")

    async def grade(self, question: Question, answer: str, *, language: Language | None = None) -> Grade:
        """Grader protocol: `grade_sync` in a worker thread, so the first call (~2 s of dictionary and IDF
        loading) and long answers never block the event loop."""
        return await asyncio.to_thread(self.grade_sync, question, answer, language=language)

    def grade_sync(self, question: Question, answer: str, *, language: Language | None = None) -> Grade:
        """Grade one answer; never raises for any answer text."""
        started = time.perf_counter()
        cleaned, injection = scan_answer(clean(answer))
        feedback_language = language or _answer_language(cleaned, question.language)
        flags: list[str] = [GradeFlag.INJECTION_ATTEMPT] if injection else []
        if cleaned.strip() and detect_language(cleaned) != question.language:
            flags.append(GradeFlag.LANGUAGE_MISMATCH)
        if not question.has_reference:
            return self._ungraded(question, feedback_language, flags, started)
        if question.status == "seed":
            flags.append(GradeFlag.UNREVIEWED_REFERENCE)
        if _is_empty(cleaned):
            flags.append(GradeFlag.EMPTY_ANSWER)
            facts = FeedbackFacts(language=feedback_language, empty=True, steered=bool(injection),
                                  missed=tuple(u.text for u in _units(question)), question=question.text)
            return Grade(score=0.0, verdict=Verdict.WRONG, missed=tuple(kp.id for kp in question.key_points),
                         feedback=write_feedback(facts), grader=NAME, confidence=0.95,
                         flags=tuple(dict.fromkeys(flags)), latency_ms=_ms(started))
        result = self.assess(question, cleaned, flags=flags)
        return self._grade_from(question, result, feedback_language, started)

    def assess(self, question: Question, answer: str, *, flags: list[str] | None = None) -> Assessment:
        """Measure an (already stripped) answer, with the keyed path when the question has authored key
        points, and apply the caps for misconceptions and gaming."""
        repetition = tamper.remove_repeats(answer)
        text = repetition.text
        flags = list(flags or [])
        if question.authored_key_points:
            result = assess_keyed(question, text, flags, self._recall, self._relevance)
        else:
            result = self._assess_lexical(question, text, flags=flags)
        errors, corrections, caps = list(result.factual_errors), list(result.corrections), []
        if repetition.repeated:
            caps.append(GradeFlag.REPETITION)
        if tamper.retracts(text):
            caps.append(GradeFlag.RETRACTION)
            errors.append("答案最后推翻了自己前面的说法 (the answer retracts its own claims)")
        if tamper.word_salad(analyse(text), analyse(question.reference or ""), text):
            caps.append(GradeFlag.WORD_SALAD)
        if errors and GradeFlag.MISCONCEPTION in result.flags:
            caps.append(GradeFlag.MISCONCEPTION)
        score = min(result.score, TAMPER_CAP) if caps else result.score
        return replace(result, score=score, flags=tuple(dict.fromkeys((*result.flags, *caps))),
                       factual_errors=tuple(dict.fromkeys(errors)),
                       corrections=tuple(dict.fromkeys(corrections)))

    def _assess_lexical(self, question: Question, answer: str, *, flags: list[str] | None = None
                        ) -> Assessment:
        """Measure coverage, relevance and explanation of an (already stripped) answer (`offline-v1`)."""
        flags = list(flags or [])
        mismatch = GradeFlag.LANGUAGE_MISMATCH in flags
        ans = analyse(answer)
        index = index_answer(ans)
        reference = analyse(question.reference or "")
        # Question demoting: words of the question itself weigh little (repeating the question is no answer).
        demote = frozenset(analyse(question.text).content)
        units = tuple(self._score_unit(unit, index, demote, mismatch) for unit in _units(question))
        unit_cover = sum(u.credit for u in units) / len(units)
        ref_recall = self._recall(reference, index, demote, mismatch)
        # Key points are what the reference asks for; the rest of a long reference is context: half each.
        coverage = 0.5 * unit_cover + 0.5 * _ramp(ref_recall.value, 0.05, 0.7)
        relevance, signals = self._relevance(question, ans, index, mismatch, ref_recall.value)
        visible = _cross_lingual(reference) if mismatch else reference
        expl = explanation(ans, reference, ref_recall.value * len(set(visible.content)))
        # A correct bare list fully answers an `enumerate` question: no explanation demanded there.
        form = 1.0 if question.kind == "enumerate" else 0.3 + 0.7 * expl.value
        score = 10 * coverage**0.6 * form * relevance
        on_topic = max(signals["precision"], signals["question_recall"])
        confidence = _confidence(question, units, ref_recall.fuzzy_share, ans, reference, coverage, on_topic,
                                 mismatch)
        if confidence < _LOW_CONFIDENCE:
            flags.append(GradeFlag.LOW_CONFIDENCE)
        details = {**signals, "unit_cover": unit_cover, "function_ratio": expl.function_ratio,
                   "clause_tokens": expl.clause_tokens, "density": expl.density}
        return Assessment(round(min(10.0, score), 1), coverage, ref_recall.value, relevance, expl.value,
                          confidence, units, tuple(dict.fromkeys(flags)), details)

    def _relevance(self, question: Question, ans: Analysis, index: AnswerIndex,
                   mismatch: bool, ref_recall: float) -> tuple[float, dict[str, float]]:
        """Factor in [~0.1, 1]: topical precision x on-topic evidence x contrast with other questions."""
        prec = precision(ans, index_answer(analyse(_topic_text(question))), self.idf)
        question_recall = self._recall(analyse(question.text), index, frozenset(), mismatch).value
        contrast = self.topics.contrast(document_of(question.text, question.reference), bag(ans, self.idf))
        # Mentioning the question's terms or covering the reference: either shows the answer is on topic.
        on_topic = max(question_recall, ref_recall)
        # Across languages only shared terms are compared, which makes the contrast unreliable: soften it.
        contrast_factor = max(contrast.factor, 0.5) if mismatch else contrast.factor
        relevance = ((0.6 + 0.4 * _ramp(prec, 0.1, 0.4)) * (0.7 + 0.3 * _ramp(on_topic, 0.1, 0.4))
                     * contrast_factor)
        signals = {"precision": prec, "question_recall": question_recall, "own_similarity": contrast.own,
                   "best_other": contrast.best_other}
        return relevance, signals

    def _recall(self, text: Analysis, index: AnswerIndex, demote: frozenset[str], mismatch: bool) -> Recall:
        """`recall`, or across languages: recall of the shared terms, scaled down when they are few."""
        if not mismatch:
            return recall(text, index, self.idf, demote)
        shared = _cross_lingual(text)
        measured = recall(shared, index, self.idf, demote)
        # A point with few terms both languages share cannot be shown covered by them alone.
        full = recall(text, index_answer(text), self.idf, demote).mass
        share = measured.mass / full if full else 0.0
        return Recall(measured.value * min(1.0, share / 0.4), measured.fuzzy_share, measured.mass)

    def _score_unit(self, unit: Unit, index: AnswerIndex, demote: frozenset[str], mismatch: bool) -> Unit:
        analysis = analyse(unit.text)
        if not analysis.content:
            return Unit(unit.id, unit.text, 1.0, 0.0)
        measured = self._recall(analysis, index, demote, mismatch)
        return Unit(unit.id, unit.text, _ramp(measured.value, 0.15, 0.6), measured.fuzzy_share)

    def _grade_from(self, question: Question, result: Assessment, language: Language,
                    started: float) -> Grade:
        covered = tuple(u for u in result.units if u.credit >= 0.5)
        missed = tuple(u for u in result.units if u.credit < 0.5)
        facts = FeedbackFacts(
            language=language,
            covered=tuple(u.text for u in covered),
            missed=tuple(u.text for u in missed),
            explained=result.explanation >= 0.45,
            relevant=result.relevance >= 0.7,
            score=result.score,
            question=question.text,
            steered=GradeFlag.INJECTION_ATTEMPT in result.flags,
            corrections=result.corrections,
            suspect=_suspect(result.flags),
        )
        return Grade(
            score=result.score,
            verdict=verdict_for(result.score),
            covered=tuple(u.id for u in covered if u.id),
            missed=tuple(u.id for u in missed if u.id),
            factual_errors=result.factual_errors,
            feedback=write_feedback(facts),
            grader=result.grader,
            confidence=round(result.confidence, 2),
            flags=result.flags,
            latency_ms=_ms(started),
        )

    def _ungraded(self, question: Question, language: Language, flags: list[str], started: float) -> Grade:
        flags.append(GradeFlag.NO_REFERENCE)
        facts = FeedbackFacts(language=language, no_reference=True, question=question.text,
                              steered=GradeFlag.INJECTION_ATTEMPT in flags)
        return Grade(score=None, verdict=Verdict.UNGRADED, feedback=write_feedback(facts), grader=NAME,
                     confidence=0.0, flags=tuple(dict.fromkeys(flags)), latency_ms=_ms(started))


def _suspect(flags: tuple[str, ...]) -> str | None:
    """The first gaming pattern found, for the feedback."""
    for flag in (GradeFlag.RETRACTION, GradeFlag.REPETITION, GradeFlag.WORD_SALAD):
        if flag in flags:
            return flag.value
    return None


def _units(question: Question) -> list[Unit]:
    if question.key_points:
        return [Unit(kp.id, kp.text) for kp in question.key_points]
    return [Unit(None, text) for text in split_units(question.reference or "")]


def _topic_text(question: Question) -> str:
    points = "\n".join(kp.text for kp in question.key_points)
    return f"{question.text}\n{question.reference or ''}\n{points}"


def _is_empty(answer: str) -> bool:
    return not analyse(answer).content or bool(_DONT_KNOW.match(normalise(answer)))


def _answer_language(answer: str, default: Language) -> Language:
    if not answer.strip():
        return default
    return "zh" if detect_language(answer) == "zh" else "en"


def _confidence(question: Question, units: tuple[Unit, ...], fuzzy_share: float, answer: Analysis,
                reference: Analysis, coverage: float, on_topic: float, mismatch: bool) -> float:
    """How far lexical evidence can be trusted for this answer; 1 = decisive, < 0.5 = flag low_confidence."""
    ambiguous = sum(1 for u in units if 0.2 < u.credit < 0.8) / len(units)
    confidence = 0.92 - 0.3 * ambiguous - 0.3 * fuzzy_share
    if mismatch:
        confidence = min(confidence, 0.45)  # cross-lingual: only terms both languages share are evidence
    if not question.key_points:
        confidence -= 0.05
    if len(set(reference.content)) < 8:
        confidence -= 0.1  # a one-line reference leaves little to match
    substantial = len(answer.content) >= max(6.0, min(15.0, 0.25 * len(reference.content)))
    if substantial and coverage < 0.45 and on_topic >= 0.25:
        # Prose about the question's subject that shares few words with the reference: a paraphrase or a
        # wrong answer, lexical evidence cannot tell which.
        confidence = min(confidence, 0.45)
    return min(0.95, max(0.05, confidence))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
