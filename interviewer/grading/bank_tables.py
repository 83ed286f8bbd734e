"""The offline grader's tables for one bank: IDF weights and the topic index answers are contrasted with.

Whoever holds a bank builds its tables (`tables_for(bank)`, cached per bank object) and injects them into
`OfflineGrader`; the engine factory does so with the bank it was given. `shipped_tables()` is the one place
that loads the shipped bank for them, for graders built without tables (cached; a bank that cannot be
loaded gives empty tables, so the grader still works in tests and on other data).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.grading.contrast import TopicIndex
from interviewer.grading.idf import IdfTable, QuestionSet, bank_documents


@dataclass(frozen=True)
class BankTables:
    """IDF table and topic index built from one set of question documents (`idf.bank_documents`)."""

    idf: IdfTable
    topics: TopicIndex

    @classmethod
    def from_documents(cls, documents: Sequence[str]) -> BankTables:
        idf = IdfTable.from_texts(documents)
        return cls(idf, topics_with(documents, idf))


def topics_with(documents: Sequence[str], idf: IdfTable) -> TopicIndex:
    """The documents of questions with a reference as a TopicIndex weighted by `idf`."""
    return TopicIndex([d for d in documents if d.split("\n", 1)[1].strip()], idf)


_lock = threading.Lock()
_shipped: BankTables | None = None
_by_bank: dict[int, tuple[QuestionSet, BankTables]] = {}


def shipped_documents() -> list[str]:
    """`bank_documents` of the shipped bank; [] when it cannot be loaded."""
    try:
        from question_bank import load_bank

        bank = load_bank()
    except Exception:  # the grader must work without a bank (tests, eval on other data)
        return []
    return bank_documents(bank)


def shipped_tables() -> BankTables:
    """The shipped bank's tables, built on first use and reused by every grader built without tables."""
    global _shipped
    with _lock:
        if _shipped is None:
            _shipped = BankTables.from_documents(shipped_documents())
        return _shipped


def tables_for(bank: QuestionSet) -> BankTables:
    """The tables of `bank`, built once per bank object (a second or two for the shipped bank)."""
    with _lock:
        kept = _by_bank.get(id(bank))
        if kept is None or kept[0] is not bank:
            kept = (bank, BankTables.from_documents(bank_documents(bank)))
            _by_bank[id(bank)] = kept
        return kept[1]
