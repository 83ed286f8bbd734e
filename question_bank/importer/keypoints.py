"""Key points: short, checkable statements taken from the structure of a reference answer.

The answer's items (headings, `一、` items and `xx：` lead lines, numbered items, bold leads, bullets) are
grouped by kind and depth; the shallowest group with a useful number of items (3-8 preferred, else 2-12,
else any >= 2) gives the points; a group whose leads repeat (`Prefix LM` under each aspect) is skipped.
An item's point is `lead：first sentence`, or its children's leads when
it only has a lead. Answers without structure fall back to their sentences (then two halves of a single
sentence). Every point is cut to MAX_CHARS at a sentence or clause end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from question_bank.importer.text import plain

MAX_CHARS = 120
MAX_POINTS = 10

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_CHINESE_NUMBERED = re.compile(r"^(\s*)[一二三四五六七八九十]{1,3}[、.]\s*(.*)$")
_COLON_LEAD = re.compile(  # `内容构成:` alone on a line introduces a list (intro phrases excluded)
    r"^(?!.*(?:以下|如下))(?!下面|具体|例如|比如|总结|总之)([^\s\d：:。，,|#>*-][^：:。，,*]{1,19})[：:]\s*$")
_NUMBERED = re.compile(r"^(\s*)\d{1,2}[.、)）]\s*(.*)$")
_INLINE_LEAD = re.compile(  # a paragraph `数据量和质量：llama2使用了…` (003 writes its lists this way)
    r"^(?!例如|比如|注|总结|总之|以下|如下|因此|所以|另外|此外|首先|其次|最后|具体)"
    r"[^\s：:。，,、*#>|-][^：:。，,、]{1,19}[：:]\s*\S")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_BOLD_LEAD = re.compile(r"^(\s*)\*\*(.+?)\*\*\s*(.*)$")
_LEAD_SPLIT = re.compile(r"^\s*\*\*(.+?)\*\*\s*[：:]?\s*(.*)$|^([^：:。，,]{1,30})[：:]\s*(.*)$")
# `.` ends a sentence before a space, the end, a capital or a CJK character (`标记.MLM 具有`), not in `3.5`.
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[^\d\s]\.)(?=\s|$|[A-Z\u3400-\u9fff])")
_CLAUSE_END = re.compile(r"(?<=[，,、：:])")
_CITATION = re.compile(r"^\s*(?:[-*]\s*)?(引用|参考|来源|source|reference)s?\s*[:：]", re.IGNORECASE)
_TABLE = re.compile(r"^\s*\|")
_DEFINITION = re.compile(r"是指|指的是|是一种|是一类|是一个用于|基本思想|核心")
_GENERIC = re.compile(r"复杂|挑战|关键步骤|重要的考量|以下|如下")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBER_PREFIX = re.compile(r"^\d{1,2}(?:[.、)）]\s*|\s+)")


@dataclass
class _Item:
    group: tuple[int, int]  # (kind rank, depth): smaller is shallower
    text: str
    children: list[str] = field(default_factory=list)
    line: int = 0


def extract(reference: str) -> list[str]:
    """Key point texts (2..MAX_POINTS when the answer allows it) for one reference answer."""
    lines = [line for line in reference.splitlines() if not _CITATION.match(line) and not _TABLE.match(line)]
    zh = bool(_CJK.search(reference))  # joins read `lead：rest` in Chinese answers, `lead: rest` in English
    groups: dict[tuple[int, int], list[_Item]] = {}
    for item in _items(lines):
        groups.setdefault(item.group, []).append(item)
    for low, high in ((3, 8), (2, 12), (2, 10_000)):
        for key in sorted(groups):
            if low <= len(groups[key]) <= high and not _repeats_leads(groups[key]):
                shared = _shared_child_leads(groups[key])
                points = _dedupe([_point(item, shared, zh) for item in groups[key]])
                if len(points) >= 2:
                    return _dedupe([*_lead_in(lines[:groups[key][0].line]), *points])[:MAX_POINTS]
    return _fallback(lines)


def _lead_in(lines: list[str]) -> list[str]:
    """The answer's opening definition (`X是一种…`) before the chosen items; generic openings are skipped."""
    prose = [plain(line) for line in lines if line.strip() and _classify(line) is None]
    if not prose:
        return []
    first = _SENTENCE_END.split(prose[0])[0].strip()
    if len(first) < 15 or not _DEFINITION.search(first) or _GENERIC.search(first):
        return []
    return [_cut(first)]


def _repeats_leads(items: list[_Item]) -> bool:
    """True when leads recur a lot (`Prefix LM` under each aspect): the level above is the structure."""
    leads = [lead for lead, _ in map(_split_lead, (item.text for item in items)) if lead]
    return len(set(leads)) < 0.75 * len(leads)


def _items(lines: list[str]) -> list[_Item]:
    """Structural items; each owns the lines up to the next item of the same or a shallower group."""
    found = [(index, item) for index, item in ((i, _classify(line)) for i, line in enumerate(lines)) if item]
    # One pass with a stack of open items (groups strictly deeper towards the top): a new item closes every
    # open item of its group or deeper. Searching forward from each item was quadratic on long lists.
    ends: dict[int, int] = {}
    open_items: list[tuple[int, _Item]] = []
    for index, item in found:
        item.line = index
        while open_items and item.group <= open_items[-1][1].group:
            ends[open_items.pop()[0]] = index
        open_items.append((index, item))
    for index, item in found:
        item.children = [line for line in lines[index + 1:ends.get(index, len(lines))] if line.strip()]
    return [item for _, item in found]


def _classify(line: str) -> _Item | None:
    if match := _HEADING.match(line):
        return _Item((0, len(match.group(1))), match.group(2))
    if match := _CHINESE_NUMBERED.match(line):
        return _Item((1, _depth(match.group(1))), match.group(2))
    if match := _COLON_LEAD.match(line):
        return _Item((1, 0), match.group(1))
    if match := _NUMBERED.match(line):
        return _Item((2, _depth(match.group(1))), match.group(2))
    if match := _BOLD_LEAD.match(line):
        return _Item((3, _depth(match.group(1))), line.strip())
    if match := _BULLET.match(line):
        return _Item((4, _depth(match.group(1))), match.group(2))
    if _INLINE_LEAD.match(line):
        return _Item((3, 0), line.strip())
    return None


def _depth(indent: str) -> int:
    return len(indent.replace("\t", "    ")) // 2


def _point(item: _Item, shared: set[str], zh: bool) -> str:
    lead, rest = _split_lead(item.text)
    if rest:
        return _cut(_join(lead, _first_sentences(rest), zh) if lead else _first_sentences(rest))
    children = [_split_lead(text) for text in _child_texts(item)]
    child_leads = [child_lead for child_lead, _ in children if child_lead]
    if len(child_leads) >= 2 and "、".join(child_leads) not in shared:
        return _cut(_join(lead, ("、" if zh else ", ").join(child_leads), zh))
    if len(child_leads) >= 2:
        # Siblings share the same sub-leads (`Prefix LM` / `Causal LM` under each aspect): say what differs.
        pairs = [_join(c_lead, _first_clause(c_rest), zh) for c_lead, c_rest in children if c_lead]
        return _cut(_join(lead, ("；" if zh else "; ").join(pairs), zh))
    texts = [text for text in map(_strip_markers, item.children) if text]
    if texts:
        child_lead, child_rest = _split_lead(texts[0])
        if child_lead:
            first = _join(child_lead, _first_sentences(child_rest), zh) if child_rest else child_lead
        else:
            first = _first_sentences(plain(texts[0]))
        return _cut(_join(lead, first, zh) if lead else first)
    return _cut(lead)


def _join(lead: str, rest: str, zh: bool) -> str:
    """`lead：rest` in a Chinese answer, `lead: rest` in an English one."""
    if not lead or not rest:
        return lead or rest
    return f"{lead}：{rest}" if zh else f"{lead}: {rest}"


def _shared_child_leads(items: list[_Item]) -> set[str]:
    """Joined sub-lead lists that occur under more than one item of a group."""
    seen: dict[str, int] = {}
    for item in items:
        key = "、".join(lead for lead, _ in map(_split_lead, _child_texts(item)) if lead)
        seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count > 1 and key}


def _child_texts(item: _Item) -> list[str]:
    """Texts of the item's direct sub-items (the shallowest group among its children)."""
    children = [(child, line) for line in item.children if (child := _classify(line)) is not None]
    if not children:
        return []
    top = min(child.group for child, _ in children)
    return [_strip_markers(line) for child, line in children if child.group == top]


def _strip_markers(line: str) -> str:
    for pattern in (_HEADING, _CHINESE_NUMBERED, _NUMBERED, _BULLET):
        if match := pattern.match(line):
            return match.group(2).strip()
    return line.strip()


def _split_lead(text: str) -> tuple[str, str]:
    """`**Lead**：rest` or `Lead：rest` -> (lead, rest); else ('', text), or (text, '') for short labels."""
    text = _strip_markers(text.strip())
    match = _LEAD_SPLIT.match(text)
    if match:
        lead = match.group(1) if match.group(1) is not None else match.group(3)
        rest = match.group(2) if match.group(1) is not None else match.group(4)
        return _NUMBER_PREFIX.sub("", plain(lead)).rstrip("：:"), plain(rest or "")
    words = plain(text).rstrip("：:")
    if len(words) <= 30 and not re.search(r"[。！？!?.]$", words):
        return _NUMBER_PREFIX.sub("", words), ""
    return "", words


def _first_sentences(text: str, minimum: int = 25) -> str:
    """The first sentence, plus following ones while the result is shorter than `minimum` characters."""
    result = ""
    for piece in _SENTENCE_END.split(text):
        result += piece
        if len(result.strip()) >= minimum:
            break
    return result.strip()


def _first_clause(text: str) -> str:
    return re.split(r"(?<=[，,；;。.])", text, maxsplit=1)[0].rstrip("，,；;。.") if text else ""


def _fallback(lines: list[str]) -> list[str]:
    """Sentences of an unstructured answer (intro lines ending in a colon dropped); halves for one-liners."""
    prose = [line for line in lines if line.strip() and not _HEADING.match(line)]
    text = " ".join(plain(_strip_markers(line)) for line in prose)
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 1]
    useful = [s for s in sentences if not s.endswith(("：", ":"))] or sentences
    if len(useful) >= 2:
        return _dedupe([_cut(s) for s in useful])[:6]
    clauses = [c.strip() for c in _CLAUSE_END.split(text) if c.strip()]
    if len(clauses) < 2:
        return [_cut(text)] if text else []
    # Two halves of one long sentence, split at the clause boundary nearest the middle.
    running, cut_at = 0, 1
    for index, clause in enumerate(clauses[:-1], start=1):
        running += len(clause)
        if running >= len(text) / 2:
            cut_at = index
            break
    return _dedupe([_cut(" ".join(clauses[:cut_at])), _cut(" ".join(clauses[cut_at:]))])


def _cut(text: str) -> str:
    """At most MAX_CHARS: the first sentence(s) that fit, else up to a clause end, else a hard cut with …."""
    text = re.sub(r"\s+", " ", text).strip().strip("：:，,、；;").strip()
    if len(text) <= MAX_CHARS:
        return text
    for pattern in (_SENTENCE_END, _CLAUSE_END):
        best = ""
        for piece in pattern.split(text):
            if len(best) + len(piece) > MAX_CHARS:
                break
            best += piece
        if len(best) >= MAX_CHARS // 3:
            return best.strip().rstrip("，,、：:；;")
    return text[: MAX_CHARS - 1].rstrip() + "…"


def _dedupe(points: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for point in points:
        if point and point not in seen:
            seen.add(point)
            result.append(point)
    return result
