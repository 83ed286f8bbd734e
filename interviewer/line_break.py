"""Line breaking for mixed Chinese/Latin text: where a line may end, by the rules of Unicode UAX #14 that
matter here, measured in terminal cells (a CJK character is two).

Rich and Textual break only at spaces, so a Chinese sentence with an English term is one long "word" that
gets cut anywhere, and a line may start with "，". Here a line may break between two CJK characters,
after spaces, after a hyphen or slash inside a Latin word, but never before closing punctuation
(，。、；：！？）」』】》 and the like, "kinsoku") nor after opening punctuation (（「『【《“), and never
inside a Latin word or a number unless it alone is wider than the line. The subset of UAX #14 implemented
(rule numbers of the standard):

- LB7/LB8/LB11: no break before spaces; a break after a zero-width space; none around a word joiner.
- LB12/LB12a: none around no-break glue (NBSP, U+202F, U+2011).
- LB13/LB16/LB21/LB22 (tailored for Chinese): no break before closing punctuation, ASCII `,.:;!?)]}/`, the
  ellipsis, small kana, postfix signs (`%` `℃`) or a hyphen; after spaces, only the hyphen may start a line.
- LB14/LB24/LB25: no break after opening punctuation or a currency sign (even across spaces).
- LB17: no break inside `——`. LB19: ASCII quotes stick to both neighbours. “ and ‘ open, ” and ’ close
  (the Chinese reading of LB19a).
- LB20a/LB21/LB25: a break after a hyphen, en dash or slash inside a word, not before a digit (`GPT-4`).
- LB28/LB30: letters, digits and ASCII punctuation between them form one unbreakable word (`f(x)`, `3.14`).
- LB31 for ideographs: a break before and after every CJK character, kana, Hangul or wide emoji.
- LB9 (combining marks, ZWJ emoji): breaks only between grapheme clusters, as Rich measures them.

No Textual import: the widgets install `break_offsets` as Textual's and Rich's wrapper
(`interviewer.widgets.line_wrap`), and the plain-terminal Markdown uses `wrap` / `wrap_markdown`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

from rich.cells import cell_len, split_graphemes

# Per-character properties, as bit flags (a character may have several).
_ID = 1  # ideographic: a break before and after is allowed
_SP = 2  # space: lines break after a run of them
_NB = 4  # no break before (closing punctuation, nonstarters)
_NA = 8  # no break after (opening punctuation, prefix signs)
_GL = 16  # glue: no break on either side
_HY = 32  # break after inside a word (hyphen, en dash, slash)
_B2 = 64  # em dash: break on either side, but not inside a run of them
_NU = 128  # digit
_NBS = 256  # no break before even after spaces (closing punctuation proper, not hyphens)
_NAS = 512  # no break after even across spaces (opening punctuation proper, not quotes)

_CLOSING = (
    "!),.:;?]}…‥‼⁇⁈⁉"  # ASCII closing, exclamation, infix separators; ellipsis (IN)
    "、。，．：；！？）］｝〕〉》」』】〙〗〟｠»’”"  # CJK closing and full-width separators (CL, CP, EX, IS)
    "・ー々〻ゝゞヽヾ〜゛゜"  # nonstarters (NS)
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"  # small kana (CJ, as NS)
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "｡｣､･ｰ"  # half-width forms
    "%％‰‱°℃℉′″¢￠"  # postfix signs (PO): not separated from the number or character before
)
_OPENING = "([{¡¿‘“«（［｛〔〈《「『【〘〖〝｟｢$£¥€￥＄￡#＃№"  # OP, and prefix signs (PR) such as ¥
_QUOTES = "\"'"  # ASCII quotes: direction unknown, so they stick to both sides (LB19)
_GLUE = "\u00a0\u202f\u2007\u2011\u0f0c"
_HYPHENS = "-\u2010\u2013/"  # HY, BA (hyphen, en dash) and SY (slash)
_DASHES = "\u2014\u2e3a\u2e3b"  # B2: em dash, two- and three-em dash
# Zero-width characters ride on the cluster before them, so they are looked for at a cluster's end.
_ZERO_WIDTH_SPACE = "\u200b"
_WORD_JOINERS = "\u2060\ufeff"
_SOFT_HYPHEN = "\u00ad"


@lru_cache(maxsize=8192)
def char_flags(char: str) -> int:
    """The line-breaking properties of one character (the `_ID` ... `_NAS` bits)."""
    if char in _GLUE:
        return _GL
    if char.isspace():
        return _SP
    flags = 0
    if unicodedata.east_asian_width(char) in "WFH" and not unicodedata.category(char).startswith("Z"):
        flags |= _ID
    if char in _CLOSING:
        flags |= _NB | _NBS
    if char in _OPENING:
        flags |= _NA | _NAS
    if char in _QUOTES:
        flags |= _NB | _NA
    if char in _HYPHENS:
        flags |= _HY | _NB | (_NBS if char == "/" else 0)
    if char in _DASHES:
        flags |= _B2
    if "0" <= char <= "9":
        flags |= _NU
    return flags


def _clusters(text: str) -> tuple[list[int], list[int]]:
    """Start offsets and cell widths of the grapheme clusters of `text`, as Rich measures them."""
    if text.isascii() and text.isprintable():
        return list(range(len(text))), [1] * len(text)
    spans, _total = split_graphemes(text)
    return [s for s, _e, _c in spans], [c for _s, _e, c in spans]


def _break_allowed(a: int, b: int, a_last: str, before_a: int, last_solid: int) -> bool:
    """Whether a line may break between clusters with flags `a` and `b`.

    `a_last` is the last character of cluster a (zero-width marks ride there), `before_a` the flags of the
    cluster before a (`_SP` at the start of the text), `last_solid` the flags of the last non-space cluster
    so far (0 in leading indentation, which may end a line only when the first word does not fit after it).
    """
    if b & _SP:
        return False
    if a_last == _ZERO_WIDTH_SPACE:
        return True
    if a_last in _WORD_JOINERS:
        return False
    if a & _SP:
        return not (b & _NBS) and not (last_solid & _NAS)
    if b & _NB or a & _NA or (a | b) & _GL:
        return False
    if a & b & _B2:
        return False
    if (a | b) & (_ID | _B2):
        return True
    if a & _HY:
        return not (b & _NU) and not (before_a & (_SP | _NA))
    return a_last == _SOFT_HYPHEN


def break_offsets(text: str, width: int, fold: bool = True, hang_spaces: bool = True) -> list[int]:
    """Offsets (code points) where the lines of `text` (one paragraph, no newline) start, after the first.

    The contract of Rich's `divide_line`: each line is at most `width` cells once its trailing spaces are
    dropped (with `hang_spaces=False` they count too, as in a text editor). A piece with no break opportunity
    that is wider than `width` is folded at cluster boundaries (`fold`), again not before closing punctuation,
    or left to overflow on a line of its own (to be cropped by the caller).
    """
    width = max(width, 1)
    if not text or (len(text) <= width and cell_len(text) <= width):
        return []
    starts, cells = _clusters(text)
    if sum(cells) <= width:
        return []
    flags = [char_flags(text[s]) for s in starts]
    count = len(starts)
    ends = [*starts[1:], len(text)]

    offsets: list[int] = []
    line = 0  # cells on the current line, trailing spaces included

    def place(first: int, end: int, full: int, core: int) -> None:
        """Put the unbreakable piece of clusters `first`..`end` on the current line or the next ones."""
        nonlocal line
        need = core if hang_spaces else full
        if line + need <= width:
            line += full
        elif need > width and fold:
            line = _fold(starts, cells, flags, first, end, width, hang_spaces, offsets, line)
        else:  # fits on a line of its own, or is cropped there
            if first and line:
                offsets.append(starts[first])
            line = full

    seg_start, seg_full = 0, cells[0]  # the current unbreakable piece: first cluster, cells
    seg_core = 0 if flags[0] & _SP else cells[0]  # its cells without trailing spaces
    last_solid = 0
    for i in range(1, count):
        a = flags[i - 1]
        if not a & _SP:
            last_solid = a
        before_a = flags[i - 2] if i >= 2 else _SP
        if _break_allowed(a, flags[i], text[ends[i - 1] - 1], before_a, last_solid):
            place(seg_start, i, seg_full, seg_core)
            seg_start, seg_full, seg_core = i, cells[i], (0 if flags[i] & _SP else cells[i])
        else:
            seg_full += cells[i]
            if not flags[i] & _SP:
                seg_core = seg_full
    place(seg_start, count, seg_full, seg_core)
    return offsets


def _fold(starts: list[int], cells: list[int], flags: list[int], first: int, end: int, width: int,
          hang_spaces: bool, offsets: list[int], line: int) -> int:
    """Cut clusters `first`..`end` (a piece wider than `width`) into lines; returns the last line's cells."""
    if first and line:
        offsets.append(starts[first])
    used = 0
    piece_start = first
    for i in range(first, end):
        if used + cells[i] > width and i > piece_start and not (hang_spaces and flags[i] & _SP):
            cut = i
            while cut > piece_start and flags[cut] & (_NB | _SP):  # kinsoku: no line starts with "，"
                cut -= 1
            if cut == piece_start or sum(cells[cut:i + 1]) > width:  # a run of them wider than a line
                cut = i
            offsets.append(starts[cut])
            piece_start = cut
            used = sum(cells[cut:i])
        used += cells[i]
    return used


def wrap(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` cells (a word wider than that is cut); newlines are kept as line
    ends, and the spaces where a line was broken are dropped."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        cuts = [0, *break_offsets(paragraph, width), len(paragraph)]
        pieces = [paragraph[start:stop] for start, stop in pairwise(cuts)]
        lines += [piece.rstrip() for piece in pieces[:-1]] + [pieces[-1]]
    return lines


# Markdown lines that are not prose (headings, HTML, tables) keep their length.
_NOT_PROSE = re.compile(r" {0,3}(#|<|\||```|~~~)")
_PREFIX = re.compile(r" {0,3}(?:(?:> ?)+|[-*+] \[[ xX]\] |[-*+] |\d{1,9}[.)] )")


def wrap_markdown(markdown: str, width: int) -> str:
    """Markdown for a terminal of `width` columns: prose, block quotes and list items hard-wrapped by
    `wrap`, a block quote's continuation lines quoted again and a list item's indented under its text;
    headings, HTML lines, tables and fenced code unchanged."""
    out: list[str] = []
    in_code = False
    for line in markdown.split("\n"):
        fence = line.lstrip().startswith(("```", "~~~"))
        if fence:
            in_code = not in_code
        if in_code or fence or not line.strip() or _NOT_PROSE.match(line):
            out.append(line)
            continue
        match = _PREFIX.match(line)
        prefix = match.group(0) if match else ""
        follow = prefix if prefix.lstrip().startswith(">") else " " * cell_len(prefix)
        body = wrap(line[len(prefix):], max(width - cell_len(prefix), 8))
        out += [prefix + body[0], *((follow + piece).rstrip() for piece in body[1:])]
    return "\n".join(out)
