"""Inverse document frequency over a corpus of questions, so generic words (模型, 数据, use) count little.

The offline grader's table is built from a bank (each question with its reference is one document;
`grading.bank_tables`); the evaluation harness adds the rows' own questions and references.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from interviewer.grading.text import analyse

if TYPE_CHECKING:
    from interviewer.domain import Question


class QuestionSet(Protocol):
    """A bank, or anything else that holds questions."""

    @property
    def questions(self) -> Sequence[Question]: ...

_MIN_WEIGHT = 0.08
_FLOOR = 0.3  # every content word keeps some weight: pure IDF over a small corpus is too noisy


@dataclass(frozen=True)
class IdfTable:
    """Word and CJK-bigram weights; unseen items get the weight of an item seen once."""

    n_docs: int
    word_df: dict[str, int] = field(default_factory=dict)
    bigram_df: dict[str, int] = field(default_factory=dict)
    _memo: dict[int, float] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_texts(cls, documents: Iterable[str]) -> IdfTable:
        """Count document frequencies over `documents` (duplicates are counted once)."""
        word_df: Counter[str] = Counter()
        bigram_df: Counter[str] = Counter()
        n = 0
        for doc in dict.fromkeys(d for d in documents if d and d.strip()):
            analysis = analyse(doc)
            word_df.update(set(analysis.content))
            bigram_df.update(set(analysis.bigrams))
            n += 1
        return cls(n_docs=n, word_df=dict(word_df), bigram_df=dict(bigram_df))

    def _weight(self, df: int) -> float:
        cached = self._memo.get(df)
        if cached is not None:
            return cached
        self._memo[df] = weight = self._compute(df)
        return weight

    def _compute(self, df: int) -> float:
        if self.n_docs < 2:
            return 1.0
        # Normalised probabilistic idf; a word in half the documents weighs about a third of a rare one.
        idf = max(_MIN_WEIGHT, math.log((self.n_docs + 1) / (df + 0.5)) / math.log(self.n_docs + 1))
        return _FLOOR + (1 - _FLOOR) * idf

    def word(self, token: str) -> float:
        """Weight of a content token, in (0, ~1]."""
        return self._weight(self.word_df.get(token, 1))

    def bigram(self, gram: str) -> float:
        """Weight of a CJK character bigram, in (0, ~1]."""
        return self._weight(self.bigram_df.get(gram, 1))


def bank_documents(bank: QuestionSet) -> list[str]:
    """Question text + reference of every question of `bank`: one document each."""
    return [f"{q.text}\n{q.reference or ''}" for q in bank.questions
            if q.status != "draft"]  # a draft's words are not the bank's
