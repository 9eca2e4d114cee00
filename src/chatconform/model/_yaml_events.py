"""YAML built straight from libyaml's C events: the value SafeLoader gives, at a fraction of its cost.

yaml.load(CSafeLoader) pays for a Python node and a Python resolver call per scalar; pulling the C parser's
events and building dicts and lists from them costs about a third of that. Only what is common in cassettes
and specs is built here (plain, quoted and block scalars, `!!binary` and the other scalar tags, mappings,
sequences, anchors nothing refers to); anything else (an alias, a merge key `<<`, a collection tag, a
complex key, several documents, a parse error, a value past the bounds) returns FALLBACK and the caller loads
that document with SafeLoader, so every result is the one SafeLoader gives and every error is its own.
Plain scalars go through SafeLoader's own resolver table and constructors; only ASCII decimals skip them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

try:
    from yaml._yaml import CParser as _CParser

    CParser: type[_CParser] | None = _CParser
except ImportError:  # PyYAML without libyaml: the caller's own path is used
    CParser = None

FALLBACK = object()  # "load this document with SafeLoader": something here is not built by this module
_NO_KEY = object()  # a mapping waiting for its next key
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR, _BINARY = "tag:yaml.org,2002:str", "tag:yaml.org,2002:binary"
# tags whose SafeLoader constructor makes a scalar from the text alone (merge `<<`, value `=` are left out)
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)
_EXPLICIT = _SCALAR_TAGS | {_STR, _BINARY}
_CONSTRUCTOR = SafeConstructor()  # `self` for SafeLoader's scalar constructors (they read only the node)


def load(text: str, max_depth: int, max_nodes: int) -> Any:
    """The single document's value as SafeLoader gives it, within the bounds, or FALLBACK."""
    if CParser is None or _LOADER.yaml_path_resolvers or None in _LOADER.yaml_implicit_resolvers:
        return FALLBACK  # no libyaml, or resolvers that depend on more than a scalar's own text
    try:
        return _stream(CParser(text).get_event, max_depth, max_nodes)
    except Exception:  # noqa: BLE001  malformed, or a value SafeLoader refuses: its own load says so, its way
        return FALLBACK


def _stream(get: Callable[[], Any], max_depth: int, max_nodes: int) -> Any:
    """The one document of an event stream (None for an empty stream), or FALLBACK."""
    get()  # StreamStartEvent
    if type(get()) is StreamEndEvent:
        return None
    value = _document(get, max_depth, max_nodes)  # after its DocumentStartEvent
    if value is FALLBACK or type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        return FALLBACK  # a second document is SafeLoader's error to give
    return value


def _document(get: Callable[[], Any], max_depth: int, max_nodes: int) -> Any:
    """A document's root value (after its DocumentStartEvent), or FALLBACK."""
    event = get()
    kind = type(event)
    if kind is ScalarEvent and max_nodes >= 1:
        return _scalar(event.value, event.tag, event.implicit[0], _LOADER.yaml_implicit_resolvers)
    if kind is not MappingStartEvent and kind is not SequenceStartEvent or event.tag is not None:
        return FALLBACK  # an alias, or a tagged collection (!!set, !!omap...)
    return _collection({} if kind is MappingStartEvent else [], get, max_depth, max_nodes)


def _collection(root: Any, get: Callable[[], Any], max_depth: int, max_nodes: int) -> Any:
    """The root collection filled from its events, one open collection at a time, or FALLBACK."""
    resolvers = _LOADER.yaml_implicit_resolvers  # (an anchor alone changes no value: anchors are not read)
    outer: list[tuple[Any, bool]] = []  # (collection, is a list) of each enclosing level
    top, is_list, key = root, type(root) is list, _NO_KEY  # key: what the next value of a mapping goes under
    depth, nodes = 1, 1  # the depth of the values put in `top`; values so far (check_bounds counts no keys)
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            value, tag = event.value, event.tag
            if tag is not None or event.implicit[0] and value[:1] in resolvers:  # else a str, as quoted
                value = _scalar(value, tag, True, resolvers)
                if value is FALLBACK:
                    return FALLBACK
            if is_list:
                top.append(value)
            elif key is _NO_KEY:
                key = value
                continue
            else:
                top[key] = value  # a repeated key: the first place, the last value, as SafeLoader
                key = _NO_KEY
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            value = _open(event, top, is_list, key)
            if value is FALLBACK:
                return FALLBACK
            outer.append((top, is_list))
            top, is_list, key = value, kind is SequenceStartEvent, _NO_KEY
            depth += 1
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not outer:
                return root
            top, is_list = outer.pop()
            depth -= 1
            continue
        else:  # an alias
            return FALLBACK
        nodes += 1
        if nodes > max_nodes or depth - (kind is not ScalarEvent) > max_depth:
            return FALLBACK  # the caller's bounds refuse it, with their own message


def _open(event: Any, top: Any, is_list: bool, key: Any) -> Any:
    """A new empty collection put in its place in `top`, or FALLBACK."""
    if event.tag is not None or not is_list and key is _NO_KEY:
        # a tagged collection (!!set, !!omap...), or a collection as a key (SafeLoader refuses it)
        return FALLBACK
    value: dict[Any, Any] | list[Any] = {} if type(event) is MappingStartEvent else []
    if is_list:
        top.append(value)
    else:
        top[key] = value  # a repeated key: the first place, the last value, as SafeLoader
    return value


def _scalar(value: str, tag: str | None, plain: bool, resolvers: Any) -> Any:
    """A scalar as SafeLoader constructs it: resolved when plain and untagged, else by its tag."""
    constructors = _LOADER.yaml_constructors
    if tag is None:
        return (
            _plain(value, resolvers[value[:1]], constructors) if plain and value[:1] in resolvers else value
        )
    if tag == _STR:
        return value
    return constructors[tag](_CONSTRUCTOR, ScalarNode(tag, value)) if tag in _EXPLICIT else FALLBACK


def _plain(value: str, resolvers: Any, constructors: Any) -> Any:
    """A plain scalar as SafeLoader resolves (its first matching resolver) and constructs it."""
    if value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
        # what the int resolver and constructor make of it (no float or date is digits only)
        return int(value)
    tag = next((tag for tag, regexp in resolvers if regexp.match(value)), _STR)
    if tag == _STR:
        return value
    if tag in _SCALAR_TAGS:
        return constructors[tag](_CONSTRUCTOR, ScalarNode(tag, value))
    return FALLBACK
