"""Key binding descriptions (footer, help, command palette) in the interface language.

Textual reads a class's `BINDINGS` when the class is defined, before the settings (and so the language) are
known, and copies them into every screen or app when it is created. `localize_bindings` replaces that copy
with one whose descriptions are translated now; the English originals are kept so a later language switch
translates from the source strings again.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from interviewer.i18n import N_, _

# Textual's own strings the interface shows: extracted from here, translated where shown.
TEXTUAL_STRINGS = (
    N_("palette"),
    N_("Open the command palette"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)

_SOURCE_ATTRIBUTE = "_interviewer_source_bindings"


def translated(binding: Binding) -> Binding:
    """`binding` with its description and tooltip in the interface language."""
    return replace(
        binding,
        description=_(binding.description) if binding.description else binding.description,
        tooltip=_(binding.tooltip) if binding.tooltip else binding.tooltip,
    )


def localize_bindings(node: DOMNode) -> None:
    """Translate the descriptions of `node`'s own bindings (call again after a language switch)."""
    source: BindingsMap | None = getattr(node, _SOURCE_ATTRIBUTE, None)
    if source is None:
        source = node._bindings.copy()
        setattr(node, _SOURCE_ATTRIBUTE, source)
    node._bindings = BindingsMap.from_keys(
        {key: [translated(binding) for binding in bindings]
         for key, bindings in source.key_to_bindings.items()}
    )
    node.refresh_bindings()  # the footer redraws (a no-op before the node is mounted)
