"""`chatconform specs diff`: every change between two versions of a spec, classified for a client.

In the spirit of oasdiff. Requests and responses are judged in opposite directions: a client must still be
able to send what it sent, and must still understand what it receives. Both sides are normalised first,
so equivalent rewrites (property order, `nullable` vs a null alternative, $ref vs inline) are no change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from chatconform.derived import inline_refs
from chatconform.specs._normalise import _METHODS, normalise_document

DOC_KEYS = {"description", "title", "example", "examples", "deprecated", "externalDocs", "x-stainless-const"}
TIGHTER = {"minimum": 1, "exclusiveMinimum": 1, "minLength": 1, "minItems": 1, "minProperties": 1,
           "maximum": -1, "exclusiveMaximum": -1, "maxLength": -1, "maxItems": -1, "maxProperties": -1}


@dataclass(frozen=True)
class Change:
    """One difference: where, what kind, whether it breaks a client, and the detail."""

    path: str
    kind: str
    breaking: bool
    detail: str


def diff_documents(old: dict, new: dict) -> list[Change]:
    """Every classified change between two OpenAPI documents."""
    old_n, new_n = normalise_document(old)[0], normalise_document(new)[0]
    old_ops, new_ops = _operations(old_n), _operations(new_n)
    out = [Change(key, "operation-removed", True, "the operation is gone") for key in old_ops.keys() - new_ops.keys()]
    out += [Change(key, "operation-added", False, "a new operation") for key in new_ops.keys() - old_ops.keys()]
    for key in sorted(old_ops.keys() & new_ops.keys()):
        out += _operation(key, old_n, new_n, old_ops[key], new_ops[key])
    return sorted(out, key=lambda c: (not c.breaking, c.path, c.kind))


def _operations(doc: dict) -> dict:
    return {f"{method.upper()} {path}": op for path, item in (doc.get("paths") or {}).items()
            for method, op in (item or {}).items() if method in _METHODS and isinstance(op, dict)}


def _operation(key: str, old_doc: dict, new_doc: dict, old: dict, new: dict) -> list[Change]:
    out = []
    old_body = ((old.get("requestBody") or {}).get("content") or {}).get("application/json", {}).get("schema")
    new_body = ((new.get("requestBody") or {}).get("content") or {}).get("application/json", {}).get("schema")
    if old_body is not None or new_body is not None:
        out += _schema(f"{key} request", _canon(old_doc, old_body), _canon(new_doc, new_body), "request")
    old_resp, new_resp = old.get("responses") or {}, new.get("responses") or {}
    for status in sorted(set(old_resp) | set(new_resp), key=str):
        where = f"{key} response {status}"
        if status not in new_resp:
            out.append(Change(where, "status-removed", True, f"status {status} is no longer documented"))
        elif status not in old_resp:
            out.append(Change(where, "status-added", False, f"status {status} is now documented"))
        else:
            out += _media(where, old_doc, new_doc, old_resp[status] or {}, new_resp[status] or {})
    return out


def _media(where, old_doc, new_doc, old: dict, new: dict) -> list[Change]:
    old_c, new_c = old.get("content") or {}, new.get("content") or {}
    out = [Change(f"{where} {m}", "media-type-removed", True, f"{m} is no longer documented") for m in old_c.keys() - new_c.keys()]
    out += [Change(f"{where} {m}", "media-type-added", False, f"{m} is now documented") for m in new_c.keys() - old_c.keys()]
    for media in sorted(old_c.keys() & new_c.keys()):
        out += _schema(f"{where} {media}", _canon(old_doc, (old_c[media] or {}).get("schema")),
                       _canon(new_doc, (new_c[media] or {}).get("schema")), "response")
    return out


def _canon(doc: dict, schema):
    """A schema with refs inlined and null alternatives folded into `type`, for comparison."""
    return _fold(inline_refs(doc, schema, depth=12)) if schema is not None else None


def _fold(schema):
    if isinstance(schema, list):
        return [_fold(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _fold(v) for k, v in schema.items()}
    for key in ("anyOf", "oneOf"):
        alts = out.get(key)
        if isinstance(alts, list) and any(a == {"type": "null"} for a in alts):
            rest = [a for a in alts if a != {"type": "null"}]
            if len(rest) == 1 and isinstance(rest[0], dict):
                out.pop(key)
                merged = {**rest[0], **out}
                types = merged.get("type", [])
                types = [types] if isinstance(types, str) else list(types)
                merged["type"] = sorted(set(types) | {"null"}) if types else ["null"]
                out = merged
    if isinstance(out.get("type"), list):
        out["type"] = sorted(out["type"])
        if len(out["type"]) == 1:
            out["type"] = out["type"][0]
    return out


def _schema(where: str, old, new, direction: str) -> list[Change]:
    """Changes between two canonical schemas; `direction` is request (client sends) or response."""
    if old == new:
        return []
    if old is None or new is None:
        return [Change(where, "schema-removed" if new is None else "schema-added", new is None, "")]
    out: list[Change] = []
    out += _types(where, old, new, direction)
    out += _enum(where, old, new, direction)
    out += _bounds(where, old, new, direction)
    out += _defaults(where, old, new)
    out += _properties(where, old, new, direction)
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        out += _schema(f"{where}[]", old["items"], new["items"], direction)
    for key in ("anyOf", "oneOf", "allOf"):
        if old.get(key) != new.get(key) and (old.get(key) or new.get(key)):
            out.append(Change(f"{where}.{key}", f"{key}-changed", True, "the alternatives changed"))
    if not out and {k: v for k, v in old.items() if k not in DOC_KEYS} == {k: v for k, v in new.items() if k not in DOC_KEYS}:
        out.append(Change(where, "documentation-changed", False, "descriptions or examples changed"))
    return out


def _types(where, old, new, direction) -> list[Change]:
    if old.get("type") == new.get("type"):
        return []
    a, b = _as_set(old.get("type")), _as_set(new.get("type"))
    widened, narrowed = b - a, a - b
    if not narrowed and direction == "request":
        return [Change(where, "type-widened", False, f"now also accepts {sorted(widened)}")]
    if not widened and direction == "response":
        return [Change(where, "type-narrowed", False, f"no longer returns {sorted(narrowed)}")]
    return [Change(where, "type-changed", True, f"type {old.get('type')} -> {new.get('type')}")]


def _as_set(value) -> set:
    return {value} if isinstance(value, str) else set(value or [])


def _enum(where, old, new, direction) -> list[Change]:
    if "enum" not in old and "enum" not in new or old.get("enum") == new.get("enum"):
        return []
    a, b = set(map(repr, old.get("enum") or [])), set(map(repr, new.get("enum") or []))
    added, removed = sorted(b - a), sorted(a - b)
    out = []
    if added:  # a response may now carry a value the client does not know; a request may send more
        out.append(Change(where, "enum-widened", direction == "response", f"added {', '.join(added)}"))
    if removed:
        out.append(Change(where, "enum-narrowed", direction == "request", f"removed {', '.join(removed)}"))
    return out


def _bounds(where, old, new, direction) -> list[Change]:
    out = []
    for key, sign in TIGHTER.items():
        if old.get(key) == new.get(key):
            continue
        a, b = old.get(key), new.get(key)
        tightened = b is not None and (a is None or (b - a) * sign > 0)
        breaking = tightened if direction == "request" else not tightened
        out.append(Change(f"{where}.{key}", "bound-tightened" if tightened else "bound-loosened", breaking,
                          f"{key} {a} -> {b}"))
    return out


def _defaults(where, old, new) -> list[Change]:
    if old.get("default") == new.get("default") or ("default" not in old and "default" not in new):
        return []
    if "default" not in new:
        return [Change(f"{where}.default", "default-removed", False, f"default {old['default']!r} removed: "
                       "what a client gets when it sends nothing may change")]
    if "default" not in old:
        return [Change(f"{where}.default", "default-added", False, f"default {new['default']!r} now documented")]
    return [Change(f"{where}.default", "default-changed", False,
                   f"default {old.get('default')!r} -> {new['default']!r}")]


def _properties(where, old, new, direction) -> list[Change]:
    out = []
    a, b = old.get("properties") or {}, new.get("properties") or {}
    ra, rb = set(old.get("required") or []), set(new.get("required") or [])
    for name in sorted(a.keys() - b.keys()):
        out.append(Change(f"{where}.{name}", "property-removed", True, f"{direction} property removed"))
    for name in sorted(b.keys() - a.keys()):
        needed = name in rb and direction == "request"
        out.append(Change(f"{where}.{name}", "required-property-added" if needed else "property-added", needed, ""))
    for name in sorted(a.keys() & b.keys()):
        out += _schema(f"{where}.{name}", a[name], b[name], direction)
    for name in sorted((rb - ra) & a.keys()):
        out.append(Change(f"{where}.{name}", "became-required", direction == "request", "now required"))
    for name in sorted((ra - rb) & b.keys()):
        out.append(Change(f"{where}.{name}", "became-optional", direction == "response", "no longer required"))
    return out


def to_json(changes: list[Change]) -> dict:
    """The `--json` shape."""
    return {"changes": [asdict(c) for c in changes], "breaking": any(c.breaking for c in changes)}
