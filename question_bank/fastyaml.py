"""Fast YAML loading for bank files: libyaml parses, a lean event-driven builder makes Python objects.

PyYAML's composer and SafeConstructor spend most of a bank load in per-node Python calls (resolving the
tag of every scalar, building Node objects). Bank files only use maps, lists and scalars, so the builder
turns libyaml's event stream straight into dicts and lists, resolving plain scalars once per distinct
value. Anything rarer (merge keys, explicit tags, several documents) falls back to `yaml.load` with the
same safe loader, so results always equal `yaml.safe_load`.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # libyaml is ~10x faster; fall back to the pure-Python parser where it is missing
    from yaml import CSafeLoader as FastLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as FastLoader  # type: ignore[assignment]

_STR = "tag:yaml.org,2002:str"
_CACHEABLE = (str, int, float, bool, type(None))
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_PLAIN: dict[str, Any] = {}
"""Plain scalar text -> value (bank files repeat the same keys and values thousands of times)."""


class _Unusual(Exception):
    """The document uses a feature the fast builder leaves to PyYAML."""


def load(text: str) -> Any:
    """Like `yaml.safe_load(text)` for one document, but several times faster on big bank files."""
    try:
        return _build(text)
    except _Unusual:
        return yaml.load(text, Loader=FastLoader)


def _plain(value: str) -> Any:
    result = _PLAIN.get(value, _PLAIN)
    if result is _PLAIN:
        tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
        if tag == _STR:
            result = value
        elif tag == "tag:yaml.org,2002:merge":
            raise _Unusual
        else:
            result = _constructor.construct_object(yaml.ScalarNode(tag, value))
        if isinstance(result, _CACHEABLE) and len(_PLAIN) < 100_000:
            _PLAIN[value] = result
    return result


def _build(text: str) -> Any:
    parser = FastLoader(text)
    try:
        return _walk(parser)
    finally:
        parser.dispose()


def _walk(parser: yaml.SafeLoader) -> Any:
    """Build the document from the event stream in one tight loop (the hot path of a bank load)."""
    # Open containers; an open mapping is followed by its pending key, or by `no_key` between pairs.
    stack: list[Any] = []
    anchors: dict[str, Any] = {}
    root: Any = None
    documents = 0
    no_key = object()
    plain_cache = _PLAIN
    get_event = parser.get_event
    scalar_event, map_start, seq_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end, alias_event = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.AliasEvent
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.tag is not None and event.tag != "!":
                raise _Unusual  # explicit tags (!!int, !!binary, ...) are rare: let PyYAML construct them
            if event.implicit[0]:
                value = plain_cache.get(event.value, plain_cache)
                if value is plain_cache:
                    value = _plain(event.value)
            else:
                value = event.value
            if event.anchor:
                anchors[event.anchor] = value
        elif kind is map_start or kind is seq_start:
            if event.tag not in (None, "!"):
                raise _Unusual
            value = {} if kind is map_start else []
            if event.anchor:
                anchors[event.anchor] = value
            if stack:
                _attach(stack, value, no_key)
            stack.append(value)
            if kind is map_start:
                stack.append(no_key)
            continue
        elif kind is map_end or kind is seq_end:
            if kind is map_end:
                stack.pop()
            value = stack.pop()
            if not stack:
                root = value
            continue
        elif kind is alias_event:
            if event.anchor not in anchors:
                raise _Unusual  # let PyYAML report the undefined alias with its mark
            value = anchors[event.anchor]
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual  # PyYAML reports "expected a single document"
            continue
        elif kind is yaml.StreamEndEvent:
            return root
        else:
            continue
        # A scalar or alias: the key or value of the innermost mapping, or a list item.
        if not stack:
            root = value
            continue
        top = stack[-1]
        if top is no_key:
            if isinstance(value, (dict, list)):
                raise _Unusual  # complex keys: PyYAML raises the proper error
            stack[-1] = (value,)
        elif type(top) is tuple:
            stack[-1] = no_key
            stack[-2][top[0]] = value
        else:
            top.append(value)


def _attach(stack: list[Any], value: Any, pending: object) -> None:
    """Put `value` into the innermost open container (as a key or value of a mapping, or a list item)."""
    if not stack:
        return
    top = stack[-1]
    if type(top) is list:
        top.append(value)
    elif top is pending:
        if isinstance(value, (dict, list)):
            raise _Unusual  # complex keys: PyYAML raises the proper error
        stack[-1] = (value,)
    else:
        stack[-1] = pending
        stack[-2][top[0]] = value
