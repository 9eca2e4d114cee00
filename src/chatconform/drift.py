"""Differences between two versions of a JSON document (the base of `specs diff`)."""

from __future__ import annotations

import json

from chatconform.specs._pointer import escape


def changed_pointers(old, new, here: str = "") -> list[tuple[str, str]]:
    """(pointer, 'added'|'removed'|'changed') for every place two JSON values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in old.keys() | new.keys():
            child = f"{here}/{escape(key)}"
            if key not in new:
                out.append((child, "removed"))
            elif key not in old:
                out.append((child, "added"))
            else:
                out += changed_pointers(old[key], new[key], child)
        return sorted(out)
    if old != new:
        return [(here or "/", "changed")]
    return []


def summarise(old_bytes: bytes, new_bytes: bytes, limit: int = 3) -> str:
    """A one-line summary of what changed between two JSON documents."""
    try:
        changes = changed_pointers(json.loads(old_bytes), json.loads(new_bytes))
    except ValueError:
        return "one side is not JSON"
    if not changes:
        return "same JSON, different bytes (formatting only)"
    shown = "; ".join(f"{kind} {ptr}" for ptr, kind in changes[:limit])
    more = f" and {len(changes) - limit} more" if len(changes) > limit else ""
    return f"{len(changes)} place(s) changed: {shown}{more}"
