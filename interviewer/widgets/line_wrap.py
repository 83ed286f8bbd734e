"""Make Textual and Rich wrap text by `interviewer.line_break` (UAX #14 for mixed Chinese/Latin) instead of at
spaces only.

Every widget wraps its text at render time through one function: Textual's `Content` (Static, Label,
Markdown blocks, Collapsible titles) calls `textual.content.divide_line`, Rich's `Text.wrap` (tables and
other Rich renderables) calls `rich.text.divide_line`, and the TextArea of the answer editor calls
`compute_wrap_offsets` in `textual.document._wrapped_document`. Replacing those names covers every widget,
Markdown included, and keeps reflow on resize (it is still computed per render width). They are private
names of Textual 8 and Rich 15: after an upgrade that moved one, the app still runs (that site wraps at
spaces again, and a warning is logged), while a test that checks `installed()` fails in CI.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from interviewer.line_break import break_offsets

# (module, attribute): the wrappers Textual and Rich look up at call time.
_DIVIDE_LINE_SITES = (("textual.content", "divide_line"), ("rich.text", "divide_line"))
_EDITOR_SITE = ("textual.document._wrapped_document", "compute_wrap_offsets")


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Rich's `divide_line` contract, by UAX #14: offsets where the lines after the first start."""
    return break_offsets(text, width, fold=fold)


def _editor_wrapper(original: Callable[..., list[int]]) -> Callable[..., list[int]]:
    def compute_wrap_offsets(text: str, width: int, tab_size: int, fold: bool = True,
                             precomputed_tab_sections: Any = None) -> list[int]:
        """The TextArea's wrap: trailing spaces count toward the width (the cursor sits there); a line
        with tabs keeps Textual's own wrap, which knows the tab stops."""
        if "\t" in text:
            return original(text, width, tab_size, fold, precomputed_tab_sections)
        return break_offsets(text, width, fold=fold, hang_spaces=False)

    compute_wrap_offsets.wrapped = original  # type: ignore[attr-defined]
    return compute_wrap_offsets


def install_line_breaking() -> list[str]:
    """Route Textual's and Rich's line wrapping through `interviewer.line_break` (idempotent).

    Returns the sites a Textual or Rich upgrade moved (`module.attribute`), which keep their own wrapping.
    """
    missing = []
    for module_name, attribute in (*_DIVIDE_LINE_SITES, _EDITOR_SITE):
        current = _site(module_name, attribute)
        if current is None:
            missing.append(f"{module_name}.{attribute}")
            continue
        if current is divide_line or hasattr(current, "wrapped"):
            continue
        replacement = divide_line if attribute == "divide_line" else _editor_wrapper(current)
        setattr(importlib.import_module(module_name), attribute, replacement)
    if missing:
        logging.getLogger(__name__).warning("line breaking not installed for %s", ", ".join(missing))
    return missing


def _site(module_name: str, attribute: str) -> Any:
    try:
        return getattr(importlib.import_module(module_name), attribute, None)
    except ImportError:
        return None


def installed() -> bool:
    """Whether every wrapping site already goes through `interviewer.line_break`."""
    sites = [_site(m, a) for m, a in _DIVIDE_LINE_SITES]
    editor = _site(*_EDITOR_SITE)
    return all(site is divide_line for site in sites) and hasattr(editor, "wrapped")
