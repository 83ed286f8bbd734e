"""`bank lint`: checks of the answer key that the pydantic models cannot make (see SCHEMA.md).

Each finding is `file:line: severity: message`. Errors make the bank unfit to grade against; warnings are
quality problems (seed content, heading-like key points) that `--strict` also refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from interviewer.domain import Question
from question_bank.errors import BankError
from question_bank.files import read_text
from question_bank.loader import BANK_SUFFIXES, GLOSSARY_FILE, BankFile, build_bank, load_file
from question_bank.locate import node_line

Severity = Literal["error", "warning"]

CLAIM_MAX = 80
ACCEPT_MAX = 40
KEY_POINTS_MIN, KEY_POINTS_MAX = 2, 8
NEAR_DUPLICATE_TEXT = 90.0
NEAR_DUPLICATE_REFERENCE = 92.0

# A heading, not a fact: "训练过程", "优点；缺点；训练步骤", "2 微调(SFT...)", "xxx：" with nothing after.
_NUMBERED = re.compile(r"^\s*(\d+(\.\d+)*|[一二三四五六七八九十]+)[\s、.．)）]")
_LIST_OF_LABELS = re.compile(r"^[^，,。.：:]{1,12}(；|;|、)[^，,。.]{1,12}((；|;|、)[^，,。.]{1,12})+$")
_TRAILING_COLON = re.compile(r"[：:]\s*$")
_ACCEPT_STOP = {"模型", "训练", "数据", "参数", "方法", "attention", "model", "training", "data", "llm",
                "大模型", "transformer", "注意力", "token", "推理", "微调"}


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def _split_label(text: str) -> tuple[str, str, str]:
    parts = re.split(r"([：:])", text, maxsplit=1)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (text, "", "")


def looks_like_heading(claim: str) -> bool:
    """A claim that names a topic or lists sub-headings instead of stating a checkable fact."""
    text = claim.strip()
    if _NUMBERED.match(text) or _TRAILING_COLON.search(text) or _LIST_OF_LABELS.match(text):
        return True
    _label, colon, rest = _split_label(text)
    if colon and _LIST_OF_LABELS.match(rest.strip()):
        return True  # "半精度训练：优点；缺点；训练步骤"
    # Short label with no verb-like connective: "训练过程", "优缺点".
    return len(text) <= 8 and not re.search(r"[是为有用不会可能能=≈<>]|\bis\b|\bare\b", text)


def lint_paths(paths: Sequence[Path], known_topics: Iterable[str] | None = None) -> list[Finding]:
    """Lint bank files or directories; a file that does not load is one error finding, not an exception."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in BANK_SUFFIXES and p.is_file()))
        else:
            files.append(path)
    findings: list[Finding] = []
    loaded: list[BankFile] = []
    for path in files:
        try:
            loaded.append(load_file(path, strict=True))
        except BankError as err:
            findings.append(Finding(Path(err.file), err.line, "error", err.message))
    if findings:
        return findings
    try:
        build_bank(loaded)
    except BankError as err:
        return [Finding(Path(err.file), err.line, "error", err.message)]
    topics = set(known_topics) if known_topics is not None else None
    texts = {part.path: read_text(part.path) for part in loaded}
    for part in loaded:
        if part.path.name == GLOSSARY_FILE or part.topic is None:
            continue
        if topics is not None and part.topic.slug not in topics:
            findings.append(Finding(part.path, 1, "error", f"unknown topic {part.topic.slug!r}"))
        if part.path.stem != part.topic.slug:
            findings.append(Finding(part.path, 1, "warning", f"file name {part.path.name!r} differs from "
                                    f"topic slug {part.topic.slug!r}"))
        for index, question in enumerate(part.questions):
            line = node_line(texts[part.path], ["questions", index])
            findings.extend(Finding(part.path, line, sev, f"{question.id}: {msg}")
                            for sev, msg in question_findings(question))
    findings.extend(f for part in loaded for f in _comments(part.path, texts[part.path]))
    findings.extend(_near_duplicates(loaded, texts))
    return sorted(findings, key=lambda f: (str(f.path), f.line))


def question_findings(question: Question) -> list[tuple[Severity, str]]:
    """Problems of one question, by the rules in SCHEMA.md."""
    out: list[tuple[Severity, str]] = []
    if question.status == "draft":
        out.append(("error", "a draft in the bank: review it, then `interviewer bank accept` it"))
    if question.status == "seed":
        out.append(("warning", "status seed: reference not reviewed"))
    if question.reference is None:
        out.append(("warning", "no reference answer: cannot be graded"))
        return out
    if question.status == "revised" and not question.erratum:
        out.append(("error", "status revised without `erratum` (what the seed's answer got wrong)"))
    if question.status in ("revised", "authored") and not question.citations:
        out.append(("error", f"status {question.status} without `citations`"))
    reviewed = question.status in ("revised", "authored", "draft")
    sev: Severity = "error" if reviewed else "warning"
    if not KEY_POINTS_MIN <= len(question.key_points) <= KEY_POINTS_MAX:
        out.append((sev, f"{len(question.key_points)} key points (want {KEY_POINTS_MIN}–{KEY_POINTS_MAX})"))
    seen_claims: set[str] = set()
    for point in question.key_points:
        where = f"key point {point.id}"
        if looks_like_heading(point.claim):
            out.append((sev, f"{where} looks like a heading, not a checkable fact: {point.claim[:40]!r}"))
        if len(point.claim) > CLAIM_MAX:
            out.append((sev, f"{where}: claim is {len(point.claim)} characters (max {CLAIM_MAX})"))
        if not point.accept:
            out.append((sev, f"{where}: no `accept` wordings"))
        if not point.follow_up:
            out.append((sev, f"{where}: no `follow_up`"))
        for wording in point.accept:
            for part in wording.split("&"):
                part = part.strip()
                if not part or part.casefold() in _ACCEPT_STOP:
                    out.append(("error", f"{where}: accept {wording!r} has a generic or empty part {part!r}"))
            if len(wording) > ACCEPT_MAX:
                out.append(("warning", f"{where}: accept {wording[:20]!r}… is {len(wording)} characters "
                            f"(max {ACCEPT_MAX}); candidates will not type it verbatim"))
        if point.claim in seen_claims:
            out.append(("error", f"{where}: same claim as another key point"))
        seen_claims.add(point.claim)
    ids = [p.id for p in question.key_points]
    if len(set(ids)) != len(ids):
        out.append(("error", "duplicate key point ids"))
    for miss in question.misconceptions:
        for wording in miss.accept:
            if wording.strip().casefold() in _ACCEPT_STOP:
                out.append(("error", f"misconception {miss.claim[:20]!r}: generic accept {wording!r}"))
    return out


_BLOCK_START = re.compile(r"[|>][-+]?\s*$")


def _comments(path: Path, text: str) -> list[Finding]:
    """YAML drops everything after ` #` in a plain value ("加 ## 前缀" loads as "加"): bank files have no
    comments, so one outside a block scalar is a value cut short."""
    out: list[Finding] = []
    block_indent: int | None = None
    for number, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        if _BLOCK_START.search(line):
            block_indent = indent
            continue
        if re.search(r"(^|\s)#", line) and not _quoted_hash(line):
            message = "text after ' #' is a YAML comment and is dropped: quote the value"
            out.append(Finding(path, number, "error", message))
    return out


def _quoted_hash(line: str) -> bool:
    """Every `#` of the line sits inside a quoted string."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote:
            if char == quote and line[index - 1] != "\\":
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return False
    return True


def _near_duplicates(parts: Sequence[BankFile], texts: dict[Path, str]) -> list[Finding]:
    items: list[tuple[Path, int, Question]] = []
    for part in parts:
        for index, question in enumerate(part.questions):
            items.append((part.path, node_line(texts[part.path], ["questions", index]), question))
    out: list[Finding] = []
    for i, (path, line, question) in enumerate(items):
        for _other_path, _other_line, other in items[i + 1:]:
            text_score = fuzz.token_set_ratio(question.text, other.text)
            if text_score >= NEAR_DUPLICATE_TEXT and min(len(question.text), len(other.text)) >= 6:
                out.append(Finding(path, line, "warning", f"{question.id}: near-duplicate question of "
                                   f"{other.id} ({text_score:.0f}% alike): merge, or retire one"))
                continue
            if question.reference and other.reference and min(len(question.reference),
                                                                len(other.reference)) >= 80:
                ref_score = fuzz.ratio(question.reference, other.reference)
                if ref_score >= NEAR_DUPLICATE_REFERENCE:
                    out.append(Finding(path, line, "warning", f"{question.id}: reference nearly the same as "
                                       f"{other.id}'s ({ref_score:.0f}% alike)"))
    return out
