"""Streamed events told apart by their `type`: each is judged against its own schema in a spec's union of
them.

A stream schema such as Anthropic's MessageStreamEvent or OpenAI's ResponseStreamEvent is a oneOf/anyOf of
one schema per event type. Validated whole, an event that breaks its own schema only says "not valid under
any of the schemas"; picked by type, its finding names the field that is wrong, and an event type the
spec does not know is said to be one.
"""

from __future__ import annotations

from typing import Any

from chatconform.model.errors import ChatconformError
from chatconform.model.pointer import PointerError, extend, from_ref, resolve
from chatconform.specs import LoadedSpec

_BRANCHES: dict[tuple[str, str], dict[str, str] | None] = {}


def branches(spec: LoadedSpec, pointer: str) -> dict[str, str] | None:
    """event type -> pointer of its schema, when the schema at `pointer` is a union told apart by `type`."""
    key = (spec.sha256, pointer)
    if key not in _BRANCHES:
        try:
            _BRANCHES[key] = _branches(spec.doc, pointer)
        except (PointerError, ChatconformError, TypeError, AttributeError):
            _BRANCHES[key] = None
    return _BRANCHES[key]


def _branches(doc: dict, pointer: str) -> dict[str, str] | None:
    node, pointer = _followed(doc, pointer)
    if not isinstance(node, dict):
        return None
    union = next((k for k in ("oneOf", "anyOf") if isinstance(node.get(k), list)), None)
    if union is None:
        return None
    out: dict[str, str] = {}
    for number in range(len(node[union])):
        target, at = _followed(doc, extend(pointer, union, number))
        for name in _type_names(target):
            out.setdefault(name, at)
    return out or None


def array_branch(spec: LoadedSpec, pointer: str) -> str | None:
    """The pointer of the one branch of a union at `pointer` that takes arrays (None: none, or several)."""
    try:
        node, pointer = _followed(spec.doc, pointer)
        union = next((k for k in ("oneOf", "anyOf") if isinstance(node.get(k), list)), None)
        found = []
        for number in range(len(node[union]) if union else 0):
            target, at = _followed(spec.doc, extend(pointer, union, number))
            kind = target.get("type") if isinstance(target, dict) else None
            if kind == "array" or (isinstance(kind, list) and "array" in kind) or "items" in (target or {}):
                found.append(at)
    except (PointerError, ChatconformError, TypeError, AttributeError):
        return None
    return found[0] if len(found) == 1 else None


def _followed(doc: dict, pointer: str) -> tuple[Any, str]:  # (a JSON value, as model/ types them)
    """The schema at a pointer with its `$ref`s followed (a few levels), and the pointer it ends at."""
    node = resolve(doc, pointer)
    for _ in range(8):
        target = (
            from_ref(node.get("$ref"))
            if isinstance(node, dict) and set(node) <= {"$ref", "description"}
            else None
        )
        if target is None:
            break
        node, pointer = resolve(doc, target), target
    return node, pointer


def _type_names(schema) -> list[str]:
    """The values a schema allows for its `type` property (const or enum)."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    kind = props.get("type") if isinstance(props, dict) else None
    if not isinstance(kind, dict):
        return []
    if isinstance(kind.get("const"), str):
        return [kind["const"]]
    return [v for v in kind.get("enum") or [] if isinstance(v, str)]
