"""Fast YAML loading for bank files: libyaml parses, a lean event-driven builder makes Python objects.

PyYAML's composer and SafeConstructor spend most of a bank load in per-node Python calls (resolving the
tag of every scalar, building Node objects). Bank files only use maps, lists and scalars, so the builder
turns libyaml's event stream straight into dicts and lists, resolving plain scalars once per distinct
value. Anything rarer (merge keys, explicit tags, several documents) falls back to `yaml.load` with the
same safe loader, so results always equal `yaml.safe_load` (for what is not refused, below).

Bank files are hand-edited data, so two YAML features are refused with `Refused` (line and message):
aliases (`*name`: a few lines of them expand to billions of nodes, or to a list containing itself) and
nesting deeper than MAX_DEPTH. A scalar that YAML resolves but Python cannot build (`2024-02-30`, an int of
5,000 digits) is refused too, instead of escaping as a ValueError.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # libyaml is ~10x faster; fall back to the pure-Python parser where it is missing
    from yaml import CSafeLoader as FastLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as FastLoader  # type: ignore[assignment]  # no libyaml: same API, slower

_STR = "tag:yaml.org,2002:str"
_CACHEABLE = (str, int, float, bool, type(None))
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_PLAIN: dict[str, Any] = {}
"""Plain scalar text -> value (bank files repeat the same keys and values thousands of times)."""


MAX_DEPTH = 64
"""Deepest nesting of maps and lists accepted (a bank file uses 4)."""


class _Unusual(Exception):
    """The document uses a feature the fast builder leaves to PyYAML."""


class Refused(yaml.MarkedYAMLError):
    """Valid YAML that bank files may not use; `problem_mark` is where, `problem` says what."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _SafeLoader(FastLoader):
    """The fallback loader: a scalar Python cannot build (`2024-13-45`) is refused with its line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except Exception as err:
            # `!!int ""` fails inside PyYAML with an IndexError, `!!timestamp ""` with an AttributeError:
            # say which tag could not be built, not what broke inside PyYAML.
            reason = err if isinstance(err, (ValueError, OverflowError)) else \
                ValueError(f"not a valid {node.tag.rsplit(':', 1)[-1]}")
            raise _scalar_refused(node.value if isinstance(node, yaml.ScalarNode) else "", reason,
                                  node.start_mark) from None


def load(text: str) -> Any:
    """Like `yaml.safe_load(text)` for one document, but several times faster on big bank files."""
    try:
        return _build(text)
    except _Unusual:
        _check_events(text)  # the rare path gets the same alias and depth limits before PyYAML builds
        return yaml.load(text, Loader=_SafeLoader)


def _check_events(text: str) -> None:
    """Refuse aliases and deep nesting in one linear pass over the events (no objects are built)."""
    depth = 0
    for event in yaml.parse(text, Loader=FastLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _alias_refused(event)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _depth_refused(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _alias_refused(event: yaml.AliasEvent) -> Refused:
    return Refused(f"YAML aliases (*{event.anchor}) are not allowed in bank files: write the value out",
                   event.start_mark)


def _depth_refused(event: yaml.Event) -> Refused:
    return Refused(f"nested deeper than {MAX_DEPTH} levels of maps and lists", event.start_mark)


def _scalar_refused(value: str, err: Exception, mark: yaml.Mark | None) -> Refused:
    shown = value if len(value) <= 40 else value[:37] + "..."
    reason = str(err).split(":")[0]  # Python's int-digits message goes on to suggest a sys setting
    return Refused(f"cannot read the value {shown!r} ({reason}); quote it to keep it as text", mark)


def _plain(value: str, mark: yaml.Mark | None = None) -> Any:
    result = _PLAIN.get(value, _PLAIN)
    if result is _PLAIN:
        tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
        if tag == _STR:
            result = value
        elif tag == "tag:yaml.org,2002:merge":
            raise _Unusual
        else:
            try:
                result = _constructor.construct_object(yaml.ScalarNode(tag, value))
            except (ValueError, OverflowError) as err:  # 2024-02-30, or an int past Python's digit limit
                raise _scalar_refused(value, err, mark) from None
        if isinstance(result, _CACHEABLE) and len(_PLAIN) < 100_000:
            _PLAIN[value] = result
    return result


def _build(text: str) -> Any:
    parser = FastLoader(text)
    try:
        return _walk(parser)
    finally:
        parser.dispose()


def _walk(parser: Any) -> Any:
    """Build the document from the event stream in one tight loop (the hot path of a bank load)."""
    # Open containers; an open mapping is followed by its pending key, or by `no_key` between pairs.
    stack: list[Any] = []
    root: Any = None
    documents = depth = 0
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
                    value = _plain(event.value, event.start_mark)
            else:
                value = event.value
        elif kind is map_start or kind is seq_start:
            if event.tag not in (None, "!"):
                raise _Unusual
            value = {} if kind is map_start else []
            depth += 1
            if depth > MAX_DEPTH:
                raise _depth_refused(event)
            if stack:
                _attach(stack, value, no_key)
            stack.append(value)
            if kind is map_start:
                stack.append(no_key)
            continue
        elif kind is map_end or kind is seq_end:
            depth -= 1
            if kind is map_end:
                stack.pop()
            value = stack.pop()
            if not stack:
                root = value
            continue
        elif kind is alias_event:
            raise _alias_refused(event)
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
