"""OpenAPI schema objects (3.0 and 3.1) as JSON Schema 2020-12, with every rewrite counted.

Why: OpenAPI 3.0 schemas are not JSON Schema (`nullable`, boolean `exclusiveMinimum`), and published
3.1 documents still use the 3.0 keyword `nullable` (OpenAI's does, over a hundred times). We honour the
evident intent (null allowed) and count each rewrite so that it is reported as a spec-lint finding.
"""

from __future__ import annotations

import copy
from collections import Counter

from chatconform.model.pointer import extend, join

_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_ONE_KEYWORDS = (
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
)
_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
_DOC_ONLY = {"description", "title", "example", "examples", "deprecated", "externalDocs", "xml"}


def normalise_document(doc: dict) -> tuple[dict, Counter]:
    """A copy of an OpenAPI document whose schema objects are JSON Schema 2020-12, and a rewrite count."""
    out = _tree_copy(doc) if isinstance(doc, dict) else {}
    counts: Counter = Counter()
    for schema_holder, key in _schema_slots(out):
        schema_holder[key] = normalise_schema(schema_holder[key], counts)
    return out, counts


def _tree_copy(value):
    """A copy of parsed JSON (dicts and lists new, scalars shared): several times faster than deepcopy on
    hundreds of catalog specs; anything that is not JSON is deep-copied as before."""
    if isinstance(value, dict):
        return {key: _tree_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_tree_copy(item) for item in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    return copy.deepcopy(value)


def normalise_schema(schema, counts: Counter, branch: bool = False):
    """One schema object as JSON Schema 2020-12 (a new object; the input is not changed).

    `branch` is True for an alternative of anyOf/oneOf, where a bare `{nullable: true}` means "or null".
    """
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in _MAP_KEYWORDS:
        if isinstance(out.get(key), dict):
            out[key] = {name: normalise_schema(sub, counts) for name, sub in out[key].items()}
    for key in _ONE_KEYWORDS:
        if isinstance(out.get(key), dict):
            out[key] = normalise_schema(out[key], counts)
    for key in _LIST_KEYWORDS + ("items",):
        if isinstance(out.get(key), list):
            alternatives = key in ("anyOf", "oneOf")
            out[key] = [normalise_schema(sub, counts, alternatives) for sub in out[key]]
    _exclusive_bounds(out, counts)
    if "type" in out and out["type"] is None:
        # a generator's "no type of its own" (Anthropic's Model: `"type": null` beside an anyOf): JSON Schema
        # has no such value; the evident intent is that the alternatives alone say what is allowed
        counts['"type": null (read as no type constraint)'] += 1
        del out["type"]
    return _nullable(out, counts, branch)


def _exclusive_bounds(out: dict, counts: Counter) -> None:
    """OpenAPI 3.0's boolean exclusiveMinimum/Maximum become 2020-12's numeric ones."""
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(flag), bool):
            counts[f"boolean {flag}"] += 1
            if out.pop(flag) and bound in out:
                out[flag] = out.pop(bound)


def _nullable(out: dict, counts: Counter, branch: bool) -> dict:
    """`nullable: true` becomes an explicit null alternative; `nullable: false` is dropped."""
    if "nullable" not in out or not isinstance(out["nullable"], bool):
        return out
    if not out.pop("nullable"):
        return out
    counts["nullable"] += 1
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list):
        out["type"] = kind if "null" in kind else [*kind, "null"]
    elif set(out) <= _DOC_ONLY and branch:
        # `{nullable: true}` alone as an anyOf branch (AIML's `stop`): 3.0 gives it no effect, so the
        # branch would accept anything; the evident intent is "or null".
        counts["a bare {nullable: true} anyOf/oneOf branch (read as null)"] += 1
        return {**out, "type": "null"}
    elif set(out) <= _DOC_ONLY:
        # e.g. `additionalProperties: {nullable: true}`: any value, null included; nothing to add.
        return out
    else:
        return {"anyOf": [out, {"type": "null"}]}
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out


def _schema_slots(doc: dict):
    """Every (container, key) in an OpenAPI document whose value is a schema object."""
    for _, holder, key in schema_slots(doc):
        yield holder, key


def schema_slots(doc: dict):
    """Every (pointer, container, key) whose value is a schema object; containers of the wrong type are
    skipped (check_shape reports them)."""
    components = _map(doc.get("components"))
    for name in _map(components.get("schemas")):
        yield join("components", "schemas", name), components["schemas"], name
    for at, holder in _media_holders(doc):
        for media, spec in _map(holder.get("content")).items():
            if isinstance(spec, dict) and "schema" in spec:
                yield extend(at, "content", media, "schema"), spec, "schema"
    for at, param in _parameters(doc):
        if isinstance(param, dict) and "schema" in param:
            yield extend(at, "schema"), param, "schema"


def operations(doc: dict):
    """Every (pointer, path, method, operation object) of the document."""
    for path, item in _map(doc.get("paths")).items():
        for method, op in _map(item).items():
            if isinstance(op, dict) and method in _METHODS:
                yield join("paths", path, method), path, method, op


def _map(value) -> dict:
    """value when it is an object, else {} (a wrong type is reported by check_shape, not tripped over)."""
    return value if isinstance(value, dict) else {}


def _media_holders(doc: dict):
    """(pointer, object) of request bodies, responses and headers that hold `content` maps."""
    components = _map(doc.get("components"))
    for at, _, _, op in operations(doc):
        if isinstance(op.get("requestBody"), dict):
            yield extend(at, "requestBody"), op["requestBody"]
        for status, response in _map(op.get("responses")).items():
            if isinstance(response, dict):
                yield extend(at, "responses", status), response
    for kind in ("requestBodies", "responses"):
        for name, holder in _map(components.get(kind)).items():
            if isinstance(holder, dict):
                yield join("components", kind, name), holder


def _parameters(doc: dict):
    """(pointer, object) of every parameter (path level, operation level, components)."""
    for path, item in _map(doc.get("paths")).items():
        params = _map(item).get("parameters")
        for i, param in enumerate(params if isinstance(params, list) else []):
            yield join("paths", path, "parameters", i), param
    for at, _, _, op in operations(doc):
        params = op.get("parameters")
        for i, param in enumerate(params if isinstance(params, list) else []):
            yield extend(at, "parameters", i), param
    for name, param in _map(_map(doc.get("components")).get("parameters")).items():
        yield join("components", "parameters", name), param


_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
