"""JSON pointers into spec documents (RFC 6901), and their form as a URI fragment (`#/a/b`)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, unquote

# RFC 3986 fragment characters (pchar, "/" and "?") that need no percent-encoding
_FRAGMENT_SAFE = "/?:@!$&'()*+,;=-._~"


class PointerError(KeyError):
    """A pointer that names nothing in the document (a KeyError, so old `except KeyError` still holds)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "bad pointer"


def escape(token: object) -> str:
    """One JSON-pointer token: '~' becomes ~0 and '/' becomes ~1."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """The key a JSON-pointer token names."""
    return token.replace("~1", "/").replace("~0", "~")


def join(*parts: object) -> str:
    """The pointer naming a path of keys and indexes ('' for none)."""
    return "".join("/" + escape(p) for p in parts)


def extend(pointer: str, *parts: object) -> str:
    """A pointer one or more steps below another."""
    return pointer + join(*parts)


def step(pointer: str, key: object) -> str:
    """A pointer one step below another (the fast path of extend, for walks over whole documents)."""
    key = str(key)
    return f"{pointer}/{key}" if "~" not in key and "/" not in key else f"{pointer}/{escape(key)}"


def to_fragment(pointer: str) -> str:
    """A pointer as a URI fragment, percent-encoded (`{`, space and `%` are not valid in a URI)."""
    return "#" + quote(pointer, safe=_FRAGMENT_SAFE)


def from_ref(ref: object) -> str | None:
    """The pointer a local `$ref` ('#/a/b', percent-encoded or not) names; None when it is not local."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    pointer = unquote(ref[1:])
    return pointer if pointer == "" or pointer.startswith("/") else None


def resolve(doc: Any, pointer: str) -> Any:
    """The value at a JSON pointer ('' or '/a/b'); PointerError naming the first token that fails."""
    if pointer and not pointer.startswith("/"):
        raise PointerError(f"{pointer!r} is not a JSON pointer (it must start with '/')")
    node = doc
    for depth, token in enumerate(pointer.split("/")[1:] if pointer else [], 1):
        key = unescape(token)
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node) and key == str(int(key)):
            node = node[int(key)]
        else:
            where = "/".join(pointer.split("/")[:depth]) or "/"
            raise PointerError(f"{pointer}: nothing at {where!r} ({_kind(node)} has no {key!r})")
    return node


def _kind(node: object) -> str:
    """A short name for what a pointer step landed on."""
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(node), "a number" if isinstance(node, (int, float)) else type(node).__name__
    )


REMOVE = object()  # a fix that returns this removes the key (or list item) it was given


def apply_fixes(doc: Any, fixes: Sequence[tuple[str, Callable[[Any], Any]]], own: bool = False) -> Any:
    """doc with each fix (pointer, node -> new node) applied, parents first: in a deep copy unless the
    caller owns doc (`own`); doc itself when there is nothing to fix."""
    if not fixes:
        return doc
    out = doc if own else copy.deepcopy(doc)
    # parents first; among siblings of one list, the last index first, so removals do not shift the rest
    order = sorted(fixes, key=lambda f: (f[0].count("/"), _index_key(f[0])))
    for pointer, fix in order:
        parent_at, _, last = pointer.rpartition("/")
        try:
            parent = resolve(out, parent_at)
            key = int(last) if isinstance(parent, list) else unescape(last)
            new = fix(parent[key])
        except (PointerError, ValueError, IndexError, KeyError, TypeError):
            continue  # the site went with a fix of its parent
        if new is REMOVE:
            del parent[key]
        else:
            parent[key] = new
    return out


def _index_key(pointer: str) -> tuple[str, int]:
    """Sort key putting higher list indexes of one parent first."""
    head, _, last = pointer.rpartition("/")
    return (head, -int(last)) if last.isdigit() else (head, 0)


def property_names(doc: Any, pointer: str, depth: int = 0) -> frozenset[str]:
    """The property names of the schema at `pointer`, of the schema its $ref names, and of its allOf parts."""
    schema = resolve(doc, pointer)
    if depth > 8 or not isinstance(schema, dict):
        return frozenset()
    ref = schema.get("$ref")
    names = (
        property_names(doc, ref[1:], depth + 1)
        if isinstance(ref, str) and ref.startswith("#")
        else frozenset()
    )
    names |= frozenset(schema["properties"]) if isinstance(schema.get("properties"), dict) else frozenset()
    parts = schema.get("allOf")
    count = len(parts) if isinstance(parts, list) else 0
    return names.union(*(property_names(doc, f"{pointer}/allOf/{i}", depth + 1) for i in range(count)))
