"""Is the answer about this question, or about another one? A contrast against the rest of the bank.

A fluent answer to a different question shares generic words with any reference, but it is closer to the
reference of the question it really answers. `Contrast.factor` compares the answer's similarity to its own
question (text + reference) with the best similarity to any other, clearly different, question.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from interviewer.grading.evidence import Bag, bag, cosine
from interviewer.grading.idf import IdfTable
from interviewer.grading.text import analyse

_NEAR_DUPLICATE = 0.5  # questions this similar to the graded one are not competitors (same topic asked twice)


@dataclass(frozen=True)
class Contrast:
    """Own similarity, best competing similarity and the resulting score factor in [0.15, 1]."""

    own: float
    best_other: float
    factor: float


class TopicIndex:
    """Bags of `question + reference` for a set of questions, compared against each answer.

    An inverted index (token -> documents) makes one answer's similarity to every document one pass over
    the answer's tokens.
    """

    def __init__(self, documents: Iterable[str], idf: IdfTable) -> None:
        self._idf = idf
        self._docs = list(dict.fromkeys(documents))
        self._bags = [bag(analyse(doc), idf) for doc in self._docs]
        self._norms = [_norm(b) for b in self._bags]
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc_bag in enumerate(self._bags):
            for token, weight in doc_bag.items():
                self._postings.setdefault(token, []).append((i, weight))
        self._rivals: dict[str, tuple[Bag, frozenset[int]]] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def contrast(self, own_document: str, answer: Bag) -> Contrast:
        """Compare the answer with its own question's document and with every clearly different one."""
        own_bag, rivals = self._rivals_of(own_document)
        own = cosine(answer, own_bag)
        answer_norm = _norm(answer)
        best = 0.0
        if answer_norm:
            for i, dot in self._dots(answer).items():
                if i in rivals and self._norms[i]:
                    best = max(best, dot / (answer_norm * self._norms[i]))
        if best <= own or best == 0.0:
            return Contrast(own, best, 1.0)
        ratio = own / best
        return Contrast(own, best, 0.15 + 0.85 * min(1.0, max(0.0, (ratio - 0.5) / 0.5)))

    def _dots(self, answer: Bag) -> dict[int, float]:
        dots: dict[int, float] = {}
        for token, weight in answer.items():
            for i, doc_weight in self._postings.get(token, ()):
                dots[i] = dots.get(i, 0.0) + weight * doc_weight
        return dots

    def _rivals_of(self, own_document: str) -> tuple[Bag, frozenset[int]]:
        if own_document not in self._rivals:
            own_bag = bag(analyse(own_document), self._idf)
            own_norm = _norm(own_bag)
            dots = self._dots(own_bag)
            rivals = frozenset(
                i for i, doc in enumerate(self._docs)
                if doc != own_document
                and (not own_norm or not self._norms[i]
                     or dots.get(i, 0.0) / (own_norm * self._norms[i]) < _NEAR_DUPLICATE)
            )
            self._rivals[own_document] = (own_bag, rivals)
        return self._rivals[own_document]


def _norm(b: Bag) -> float:
    return math.sqrt(sum(w * w for w in b.values()))


def document_of(question_text: str, reference: str | None) -> str:
    """The text that stands for one question in a TopicIndex (same form as `bank_documents`)."""
    return f"{question_text}\n{reference or ''}"
