"""A number input that leaves letter keys to the screen's bindings (Home's i/p/d work from the fields)."""

from __future__ import annotations

from textual.widgets import Input

NUMBER_CHARACTERS = frozenset("0123456789.-+eE_")


class NumberField(Input):
    """`Input` for integers or decimals that claims only the characters a number can hold.

    A plain `Input` claims every printable key, which hides the screen's letter bindings while it has focus
    (and the letter is then rejected by the number restriction: the key just vanishes). Bound as priority
    bindings on the screen, those letters now act even with the focus here."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in NUMBER_CHARACTERS
