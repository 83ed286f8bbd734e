"""The question bank: shipped data files, their loader and the importer of interview notes."""

from question_bank.errors import BankError
from question_bank.loader import Bank, load_bank

__all__ = ["Bank", "BankError", "load_bank"]
