"""Import interview notes (the five seed formats) into bank files, with a report for every heading."""

from question_bank.importer.pipeline import ImportResult, run_import
from question_bank.importer.writer import render, write

__all__ = ["ImportResult", "render", "run_import", "write"]
