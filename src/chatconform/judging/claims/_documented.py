"""Documented values a claim compares against: the provider data's, and the pinned spec's own defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chatconform.model.pointer import from_ref, resolve
from chatconform.providers import Documented, ProviderData


def request_schema(spec, op) -> tuple[dict | None, str | None]:
    """(schema, pointer) of an operation's request body, following one local $ref to a component."""
    if op is None or op.request_schema is None:
        return None, None
    pointer = op.request_schema
    schema = resolve(spec.doc, pointer)
    target = from_ref(schema.get("$ref")) if isinstance(schema, dict) else None
    if target is not None:
        pointer, schema = target, resolve(spec.doc, target)
    return (schema, pointer) if isinstance(schema, dict) else (None, None)


def request_property(spec, op, name: str) -> tuple[dict | None, str | None]:
    """(schema, pointer) of a top-level request property, following one $ref to a component."""
    schema, pointer = request_schema(spec, op)
    prop = ((schema or {}).get("properties") or {}).get(name)
    return (prop, f"{pointer}/properties/{name}") if isinstance(prop, dict) else (None, None)


def spec_default(store, provider: str, model: str | None, path: str) -> Documented | None:
    """The `default` the pinned spec gives max_tokens for this model's chat operation, if any."""
    spec = store.spec_or_none(provider, model)
    if spec is None:
        return None
    prop, pointer = request_property(spec, spec.find_operation("post", path), "max_tokens")
    if not prop or "default" not in prop:
        return None
    return Documented(
        prop["default"],
        f"max_tokens default: {prop['default']}",
        f"specs/{spec.source.relpath}#{pointer}/default",
    )


def declared_shapes(data: ProviderData, provider: str) -> dict[str, Mapping[str, Any]]:
    """The request shapes other than the spec's that a provider's data declares (name -> its table)."""
    table = data.tables.get(provider) or {}
    return dict(table.get("shapes") or {})
