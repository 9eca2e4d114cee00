"""Compiled JSON Schema validators, one per schema content, and their findings.

jsonschema-rs compiles each schema once (refs resolved inside the normalised document) and reports the
failing keyword's location in the document itself, which is what a reviewer opens. A schema is compiled
from its closure (specs/_closure.py): specs whose schema there is the same share one compiled validator.
"""

from __future__ import annotations

import jsonschema_rs

from chatconform.model.errors import ChatconformError
from chatconform.model.finding import GAP_KIND, Finding, excerpt, json_path, shorten
from chatconform.model.pointer import join, to_fragment
from chatconform.specs import Budget, LoadedSpec, build, reach, unchecked_parts

MAX_ERRORS = 20
_CACHE: dict[tuple[str, str], object] = {}  # (spec sha256, pointer) -> a compiled validator, or its error
_BY_CONTENT: dict[str, object] = {}  # closure sha256 -> compiled validator: the same schema compiled once
_UNCHECKED: dict[tuple[str, str], list] = {}


def validator_for(spec: LoadedSpec, pointer: str) -> jsonschema_rs.Draft202012Validator:
    """The compiled validator for the schema at `pointer` of a loaded spec, built once per run."""
    key = (spec.sha256, pointer)
    found = _CACHE.get(key)  # one look-up: asked for every body of every exchange
    if found is None:
        found = _CACHE[key] = _compiled(spec, pointer)
    return _raise_or(found)


def _compiled(spec: LoadedSpec, pointer: str):
    """The validator of the schema's closure (shared by every spec with the same one), else of the
    document."""
    # The document is the root, so `#/components/...` refs resolve; its other members (openapi, info,
    # paths) are not JSON Schema keywords and are ignored. The pointer is a URI fragment here:
    # `/threads/{thread_id}` must be percent-encoded to be one.
    ref = {"$ref": to_fragment(pointer)}
    try:
        found = spec.closure(pointer)
    except ChatconformError:
        found = None  # refs past the budget: compiled whole, as before (the gap is reported where reached)
    if found is None:
        return _compile(spec, pointer, lambda: {**spec.doc, **ref})
    digest, reached = found
    if digest not in _BY_CONTENT:
        compiled = _compile(spec, pointer, lambda: {**build(spec.doc, reached), **ref})
        if isinstance(compiled, ChatconformError):
            return compiled  # its message names this spec: never shared
        _BY_CONTENT[digest] = compiled
    return _BY_CONTENT[digest]


def _raise_or(compiled):
    """A compiled validator, or the one-line error its schema gave (kept: never compiled twice)."""
    if isinstance(compiled, ChatconformError):
        raise compiled
    return compiled


def _compile(spec: LoadedSpec, pointer: str, schema):
    """Compile offline (a ref to a URL is never fetched); a schema that cannot compile is a one-line error."""
    try:
        return jsonschema_rs.Draft202012Validator(schema(), validate_formats=False, offline=True)
    except (
        jsonschema_rs.ValidationError,
        ValueError,
        ChatconformError,
        KeyError,
        TypeError,
        AttributeError,
    ) as err:
        # (KeyError... from building a derived chunk schema out of a document of an odd shape)
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return ChatconformError(
            f"specs/{spec.relpath}{to_fragment(pointer)}: the schema there cannot be used ({first[:200]})"
        )


def unchecked_findings(spec: LoadedSpec, pointer: str) -> list[Finding]:
    """A gap finding for each part of the schema at `pointer` that loading had to set aside."""
    key = (spec.sha256, pointer)
    parts = _UNCHECKED.get(key)
    if parts is None:
        found = spec.closure(pointer)
        reached = found[1] if found else reach(spec.doc, pointer, Budget(f"specs/{spec.relpath}"))
        parts = _UNCHECKED[key] = [(p.pointer, p.message) for p in unchecked_parts(spec.problems, reached)]
    if not parts:
        return []
    return [
        Finding(
            "spec-gap.unchecked",
            "warning",
            GAP_KIND,
            message=(f"{spec.display}: {message} (reached from the schema at {to_fragment(pointer)})"),
            schema_at=f"specs/{spec.relpath}{to_fragment(at)}",
        )
        for at, message in parts
    ]


def derived_chunk_validator(spec: LoadedSpec, pointer: str) -> jsonschema_rs.Draft202012Validator:
    """The validator of the chunk schema derived from the completion schema at `pointer`."""
    from chatconform.judging.derived import chunk_schema_from

    key = (spec.sha256, pointer + "#derived-chunk")
    if key not in _CACHE:
        # the document's members ride along (ignored as unknown keywords) so a ref left in a loop resolves
        _CACHE[key] = _compile(spec, pointer, lambda: {**spec.doc, **chunk_schema_from(spec.doc, pointer)})
    return _raise_or(_CACHE[key])


def validate_derived_chunk(spec: LoadedSpec, pointer: str, instance, *, prefix: str) -> list[Finding]:
    """Findings of a chunk against the derived chunk schema (locations point at the completion schema)."""
    out = _findings(
        spec,
        derived_chunk_validator(spec, pointer),
        instance,
        "stream.chunk-schema",
        "schema",
        "violation",
        prefix,
    )
    for finding in out:
        finding.schema_at = f"specs/{spec.relpath}{to_fragment(pointer)} (derived chunk schema)"
    return out


def is_valid(spec: LoadedSpec, pointer: str, instance) -> bool:
    """True when the instance conforms (fast path, no findings built)."""
    return validator_for(spec, pointer).is_valid(instance)


def validate(
    spec: LoadedSpec,
    pointer: str,
    instance,
    *,
    check: str,
    kind: str = "schema",
    severity: str = "violation",
    prefix: str = "$",
) -> list[Finding]:
    """Findings for every way `instance` breaks the schema at `pointer` (at most MAX_ERRORS)."""
    return _findings(spec, validator_for(spec, pointer), instance, check, kind, severity, prefix)


def _findings(spec, validator, instance, check, kind, severity, prefix, depth: int = 0) -> list[Finding]:
    """At most MAX_ERRORS findings from a compiled validator ([] at once for a valid instance)."""
    if validator.is_valid(instance):
        return []
    findings = []
    for error in validator.iter_errors(instance):
        typed = _by_type(spec, error, check, kind, severity, prefix, depth)
        findings.extend(
            typed if typed is not None else [_finding(spec, error, check, kind, severity, prefix)]
        )
        if len(findings) >= MAX_ERRORS:
            break
    return findings[:MAX_ERRORS]


def _by_type(spec, error, check, kind, severity, prefix, depth) -> list[Finding] | None:
    """A failed oneOf/anyOf whose branches are told apart by `type`, judged by the branch of the instance's
    type (its findings name the field that is wrong), or said to be of a type the spec does not list."""
    from chatconform.judging.events import (
        array_branch,
        branches,
    )  # events reads the spec, validators compile it

    keyword = str(error.schema_path[-1]) if len(error.schema_path) else ""
    value = error.instance
    if keyword not in ("oneOf", "anyOf") or depth > 4:
        return None
    union = join(*list(error.schema_path)[:-1])
    at = prefix + json_path(error.instance_path)[1:]
    if isinstance(value, list):  # a string-or-array union given an array: judged by its array branch
        target = array_branch(spec, union)
        return (
            None
            if target is None
            else _findings(spec, validator_for(spec, target), value, check, kind, severity, at, depth + 1)
        )
    typed = branches(spec, union) if isinstance(value, dict) and isinstance(value.get("type"), str) else None
    if not typed:
        return None
    target = typed.get(value["type"])
    if target is None:
        shown = ", ".join(sorted(typed)[:8]) + ("..." if len(typed) > 8 else "")
        return [
            Finding(
                check=check,
                severity=severity,
                kind=kind,
                at=f"{at}.type",
                keyword=keyword,
                message=f"type {value['type']!r} is not one the spec documents here ({shown})",
                excerpt=excerpt(value),
                schema_at=f"specs/{spec.relpath}{to_fragment(union)}",
            )
        ]
    return _findings(spec, validator_for(spec, target), value, check, kind, severity, at, depth + 1)


def _finding(spec: LoadedSpec, error, check: str, kind: str, severity: str, prefix: str) -> Finding:
    at = json_path(error.instance_path)
    location = to_fragment(join(*error.schema_path))
    keyword = str(error.schema_path[-1]) if len(error.schema_path) else None
    return Finding(
        check=check,
        severity=severity,
        kind=kind,
        at=prefix + at[1:],
        message=message(error),
        keyword=keyword,
        excerpt=excerpt(error.instance),
        schema_at=f"specs/{spec.relpath}{location}",
    )


def message(error) -> str:
    """A one-line message; the instance itself is shortened to an excerpt when it is long."""
    return shorten(error.message, error.instance)
