"""Find the YAML line behind a validation error, re-parsing only on the error path (keeps loads fast)."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from question_bank.fastyaml import FastLoader


def node_line(text: str, loc: Sequence[str | int]) -> int:
    """1-based line of the YAML node at `loc` (keys and list indexes), or of its deepest existing parent."""
    try:
        node = yaml.compose(text, Loader=FastLoader)
    except yaml.YAMLError:
        return 1
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return node.value[part] if 0 <= part < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                # A scalar or empty value points at its key's line, which is what an editor shows.
                return value if isinstance(value, yaml.CollectionNode) else key
    return None


def duplicate_key_line(text: str) -> tuple[int, str] | None:
    """First mapping key that appears twice in one mapping (YAML allows it silently; the bank does not)."""
    try:
        root = yaml.compose(text, Loader=FastLoader)
    except yaml.YAMLError:
        return None
    stack = [root] if root is not None else []
    visited: set[int] = set()  # an alias makes the node graph share (or contain) nodes: visit each once
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        return key.start_mark.line + 1, key.value
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None
