"""The shape of an OpenAPI document and of its schema keywords, checked before anything walks it.

Why: a published document can give `paths` or `responses` as a list, a bound as a string (`maxItems:
"10"`) or a type no JSON Schema knows (`type: file`). Each such part is reported at its pointer and set
aside (a container of the wrong type is dropped, a keyword the validator cannot compile is removed and the
schema part counts as unchecked), so one bad corner never stops the rest of the document being used.
"""

from __future__ import annotations

import re

import jsonschema_rs

from chatconform.model.pointer import REMOVE, apply_fixes, extend, join
from chatconform.specs._normalise import _METHODS, schema_slots
from chatconform.specs._problem import Budget, Problem

_VERSION = re.compile(r"3\.[01]\.\d+")
_ROUNDS = 5  # a schema still invalid after this many rounds of removals is set aside whole
_META = None


def check_shape(doc: dict, where: str) -> tuple[dict, list[Problem]]:
    """The document with every container of the wrong type dropped (a copy if any), and the problems."""
    found: list[tuple[str, str, object, str]] = []  # (pointer, what, value, expected)
    _version(doc, found)
    paths = doc.get("paths", {})
    if _want(paths, dict, "/paths", "`paths`", found):
        for name, item in paths.items():
            at = join("paths", name)
            if not _want(item, dict, at, "a path item", found):
                continue
            _want(item.get("parameters", []), list, extend(at, "parameters"), "`parameters`", found)
            for method, op in item.items():
                if method in _METHODS and _want(op, dict, extend(at, method), "an operation", found):
                    _operation(op, extend(at, method), found)
    _components(doc.get("components", {}), found)
    problems = [
        Problem(at, "spec-lint.shape", f"{what} is {_kind(value)}, not {expected}; ignored")
        for at, what, value, expected in found
        if at
    ]
    problems += [Problem("", "spec-lint.shape", what) for at, what, _, _ in found if not at]
    return apply_fixes(
        doc, [(at, lambda node: REMOVE) for at, *_ in found if at and at != "/openapi"]
    ), problems


def _version(doc: dict, found: list) -> None:
    """`openapi` names a 3.0 or 3.1 document."""
    if "openapi" not in doc:
        found.append(
            ("", "no `openapi` field: not declared an OpenAPI document (read as OpenAPI 3.0)", None, "")
        )
    elif not isinstance(doc["openapi"], str) or not _VERSION.fullmatch(doc["openapi"]):
        found.append(("/openapi", "`openapi`", doc["openapi"], "an OpenAPI version 3.0.x or 3.1.x"))


def _operation(op: dict, at: str, found: list) -> None:
    """An operation's parameters, request body and responses."""
    _want(op.get("parameters", []), list, extend(at, "parameters"), "`parameters`", found)
    body = op.get("requestBody", {})
    if _want(body, dict, extend(at, "requestBody"), "`requestBody`", found):
        _content(body, extend(at, "requestBody"), found)
    responses = op.get("responses", {})
    if _want(responses, dict, extend(at, "responses"), "`responses`", found):
        for status, response in responses.items():
            where = extend(at, "responses", status)
            if _want(response, dict, where, f"response {status}", found):
                _content(response, where, found)


def _content(holder: dict, at: str, found: list) -> None:
    """A `content` map of media type objects, each with a schema object."""
    content = holder.get("content", {})
    if not _want(content, dict, extend(at, "content"), "`content`", found):
        return
    for media, spec in content.items():
        where = extend(at, "content", media)
        if _want(spec, dict, where, f"media type {media}", found) and "schema" in spec:
            _want(spec["schema"], (dict, bool), extend(where, "schema"), "a schema", found)


def _components(components, found: list) -> None:
    """components and its maps."""
    if not _want(components, dict, "/components", "`components`", found):
        return
    for kind in ("schemas", "responses", "parameters", "requestBodies"):
        table = components.get(kind, {})
        if not _want(table, dict, join("components", kind), f"`components.{kind}`", found):
            continue
        for name, value in table.items():
            at = join("components", kind, name)
            if _want(
                value, (dict, bool) if kind == "schemas" else dict, at, f"{kind} entry {name!r}", found
            ) and kind in ("responses", "requestBodies"):
                _content(value, at, found)


def _want(value, kind, at: str, what: str, found: list) -> bool:
    """True when value is of kind; else a problem is noted (the caller then skips it)."""
    if isinstance(value, kind):
        return True
    expected = "an object" if kind is dict else "a list" if kind is list else "an object or a boolean"
    found.append((at, what, value, expected))
    return False


def check_keywords(doc: dict, where: str, own: bool = False) -> tuple[dict, list[Problem]]:
    """Remove every schema keyword JSON Schema 2020-12 cannot take (a bound that is a string...)."""
    budget = Budget(where, what="checking schema keywords")
    fixes, problems = [], []
    for at, holder, key in list(schema_slots(doc)):
        budget.spend()
        schema, removed = _repair(holder[key])
        if removed:
            fixes.append((at, lambda node, s=schema: s))
            problems += [_keyword_problem(at, path, error) for path, error in removed]
    return apply_fixes(doc, fixes, own), problems


def _repair(schema) -> tuple[object, list]:
    """The schema without the keywords the meta-schema refuses, and [(keyword path, error)] removed."""
    removed: list = []
    for _ in range(_ROUNDS):
        errors = _meta_errors(schema)
        if not errors:
            return schema, removed
        first: dict[tuple, object] = {}
        for error in errors:
            first.setdefault(_keyword_of(error), error)
        removed += list(first.items())
        if () in first:
            return {}, removed  # the schema itself is not one
        schema = apply_fixes(schema, [(join(*path), _fix_for(path)) for path in first])
    if _meta_errors(schema):
        return {}, removed + [((), None)]
    return schema, removed


def _fix_for(path: tuple):
    """Remove the keyword; `required` naming a property twice is read once (the evident intent)."""

    def fix(node):
        if path[-1:] == ("required",) and _repeated_names(node):
            return list(dict.fromkeys(node))
        return REMOVE

    return fix


def _repeated_names(value) -> bool:
    """True for a list of strings with a repeat (OpenAI's `required` lists some names twice)."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value) and len(set(value)) < len(value)


def _meta_errors(schema) -> list:
    """The 2020-12 meta-schema's errors for a schema (jsonschema-rs bundles the meta-schemas: no fetch)."""
    global _META
    if _META is None:
        _META = jsonschema_rs.Draft202012Validator({"$ref": "https://json-schema.org/draft/2020-12/schema"})
    if _META.is_valid(schema):
        return []
    return list(_META.iter_errors(schema))[:50]


def _keyword_of(error) -> tuple:
    """The path of the keyword to remove: the value itself for a map entry, the keyword for a list item."""
    path = tuple(error.instance_path)
    for i in range(len(path) - 1, -1, -1):
        if isinstance(path[i], int):
            return path[:i]  # `required: ["a", 5]`: the whole list goes (the keyword is one value)
    return path


def _keyword_problem(at: str, path: tuple, error) -> Problem:
    """The problem for one removed keyword."""
    if error is None:
        return Problem(
            at,
            "spec-lint.schema-keyword",
            f"schema still not JSON Schema after {_ROUNDS} rounds "
            "of removals; set aside whole, so it checks nothing",
            unchecked=True,
        )
    name = str(path[-1]) if path else "the schema"
    if name == "required" and "non-unique" in error.message:
        return Problem(
            extend(at, *path),
            "spec-lint.schema-keyword",
            f"required: {error.message[:160]}; each name read once (the evident intent)",
        )
    if name in _NOT_CONSTRAINTS:
        return Problem(
            extend(at, *path),
            "spec-lint.schema-keyword",
            f"{name}: {error.message[:160]}; ignored (it constrains nothing)",
        )
    return Problem(
        extend(at, *path),
        "spec-lint.schema-keyword",
        f"{name}: {error.message[:160]}; not a valid JSON Schema keyword value, so it is not checked",
        unchecked=True,
    )


# keywords whose removal loosens nothing: annotations and identifiers
_NOT_CONSTRAINTS = {
    "title",
    "description",
    "$comment",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
    "$anchor",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "$schema",
    "$id",
    "contentMediaType",
    "contentEncoding",
    "format",
}


def _kind(value) -> str:
    """A short name for a value's type, with the value when short."""
    names = {list: "a list", dict: "an object", str: "a string", bool: "a boolean", type(None): "null"}
    text = names.get(type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)
    shown = repr(value)
    return f"{text} ({shown})" if len(shown) <= 30 and not isinstance(value, (list, dict)) else text
