"""UAX #14 line breaking for mixed Chinese/Latin text (interviewer.line_break), on the shipped bank's
reference answers and on generated text."""

from __future__ import annotations

import itertools
import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from interviewer.line_break import break_offsets, wrap, wrap_markdown
from question_bank.loader import load_bank

# What a line must never start with (kinsoku): CJK and ASCII closing punctuation, separators, nonstarters.
CLOSING = set("，。、；：！？）」』】》〕〉］｝”’…%％,.;:!?)]}")
# A Latin word or number between spaces or CJK text (not inside code such as `a.b` or `...<|x|>`, where
# UAX #14 glues punctuation to it, even across a space before "...").
LATIN_WORD = re.compile(r"(?<![!-~])[A-Za-z0-9]+(?![!-~])")
ANY_WORD = re.compile(r"[A-Za-z0-9]+")


@cache
def mixed_references() -> tuple[str, ...]:
    """Reference answers of the shipped bank that mix Chinese and Latin words."""
    refs = [q.reference for q in load_bank().with_reference if q.reference]
    mixed = tuple(r for r in refs if re.search(r"[\u4e00-\u9fff]", r) and re.search(r"[A-Za-z]{4,}", r))
    assert len(mixed) >= 50
    return mixed


def pieces(paragraph: str, width: int) -> list[str]:
    cuts = [0, *break_offsets(paragraph, width), len(paragraph)]
    return [paragraph[a:b] for a, b in itertools.pairwise(cuts)]


def check_paragraph(paragraph: str, width: int) -> None:
    """The four promises of the wrapper, for one paragraph at one width."""
    offsets = break_offsets(paragraph, width)
    lines = pieces(paragraph, width)
    assert "".join(lines) == paragraph  # nothing lost or added; the spaces at breaks end the line before
    assert offsets == sorted(set(offsets)) and all(0 < o < len(paragraph) for o in offsets)
    for line in lines:
        assert cell_len(line.rstrip()) <= width, (width, line)
    for before, line in itertools.pairwise(lines):
        # Only a run of closing punctuation (or hyphens) wider than the line itself is folded inside.
        assert line[0] not in CLOSING or before.rstrip()[-1:] in CLOSING | {"-", "/"}, (width, line)
        assert not line[0].isspace() or line[0] == "\xa0", (width, line)  # a space ends a line
    for word in LATIN_WORD.finditer(paragraph):
        if word.end() - word.start() <= width - 8:  # with room for the punctuation glued to it: （x）”，
            inside = [o for o in offsets if word.start() < o < word.end()]
            assert not inside, (width, word.group(), paragraph[max(0, word.start() - 10):word.end() + 10])
    # Any word (code included) is cut only by folding a piece wider than the line: the two lines at the cut
    # would not fit on one.
    words = [(word.start(), word.end()) for word in ANY_WORD.finditer(paragraph)]
    cut_inside = {o for start, end in words for o in offsets if start < o < end}
    for line, after, end in zip(lines[:-1], lines[1:], offsets, strict=True):
        if end in cut_inside:
            assert cell_len(line) + cell_len(after.rstrip()) > width, (width, line, after)


@pytest.mark.parametrize("width", [30, 40, 80])
def test_bank_references_wrap_by_uax14(width: int) -> None:
    for reference in mixed_references():
        for paragraph in reference.split("\n"):
            check_paragraph(paragraph, width)
            # Real text has no run of closing punctuation wider than a line: none ever starts one.
            assert not [line for line in pieces(paragraph, width)[1:] if line[0] in CLOSING]


def test_the_issue_example_breaks_at_ideographs_not_inside_words() -> None:
    text = ("遗漏：“指令微调（Prompt Tuning）”是一种参数高效的方法，"
            "它通过Representation学习、LoRA以及P-Tuning v2等技术。")
    assert wrap(text, 30) == [
        "遗漏：“指令微调（Prompt",
        "Tuning）”是一种参数高效的方",
        "法，它通过Representation学习、",
        "LoRA以及P-Tuning v2等技术。",
    ]
    # At 18 cells "，" would start the second line: "法" goes down with it.
    assert wrap("它是一种高效的方法，通过", 18) == ["它是一种高效的方", "法，通过"]
    # Opening punctuation stays with what follows; "——" and "……" are never split.
    assert wrap("一二三四（五六）", 10) == ["一二三四", "（五六）"]
    assert wrap("一二三——四五", 7) == ["一二三", "——四五"]
    assert wrap("一二三……四五", 7) == ["一二", "三……四", "五"]


def test_latin_rules() -> None:
    expected = ["fine-", "tuning", "and GPT-4", "and", "Qwen3-8B"]  # no break before a digit
    assert wrap("fine-tuning and GPT-4 and Qwen3-8B", 9) == expected
    assert wrap("see f(x), 3.14 and -1", 5) == ["see", "f(x),", "3.14", "and", "-1"]
    assert wrap("input/output", 8) == ["input/", "output"]
    assert wrap("    indented text that wraps", 16) == ["    indented", "text that wraps"]
    assert wrap("Representation", 5) == ["Repre", "senta", "tion"]  # wider than the line: folded
    assert wrap("a\u00a0b c", 3) == ["a\u00a0b", "c"]  # no-break space glues


def test_wide_characters_count_two_cells_and_clusters_stay_whole() -> None:
    assert wrap("中文中文中文", 5) == ["中文", "中文", "中文"]
    assert wrap("e\u0301e\u0301e\u0301 x", 3) == ["e\u0301e\u0301e\u0301", "x"]
    family = "👨\u200d👩\u200d👧"
    assert wrap(f"好{family}好", 3) == ["好", family, "好"]


def test_wrap_keeps_newlines_and_drops_break_spaces() -> None:
    assert wrap("ab cd\n\nef", 2) == ["ab", "cd", "", "ef"]


def test_wrap_markdown_keeps_quote_and_list_prefixes() -> None:
    md = ("## 标题很长很长很长很长很长很长\n\n> 回答：指令微调（Prompt Tuning）是参数高效方法\n"
          "- [x] 方差会随维度增大而变大，维度越高越大\n<details>")
    assert wrap_markdown(md, 20).split("\n") == [
        "## 标题很长很长很长很长很长很长",
        "",
        "> 回答：指令微调",
        "> （Prompt Tuning）",
        "> 是参数高效方法",
        "- [x] 方差会随维度增",
        "      大而变大，维度",
        "      越高越大",
        "<details>",
    ]


_ALPHABET = st.sampled_from(
    list("的是一种模型注意力训练数据中文") + list("，。、；：！？）」』】》（「『【《“”…—")
    + list("abcXYZ0123456789") + [" ", " ", " ", "-", "/", ".", ",", "(", ")", "e\u0301", "😀", "\u00a0"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=120).map("".join), st.integers(min_value=8, max_value=100))
def test_any_mixed_text(text: str, width: int) -> None:
    check_paragraph(text, width)
    assert [line for line in wrap(text, width)] == [p.rstrip() for p in pieces(text, width)[:-1]] + [
        pieces(text, width)[-1]]
