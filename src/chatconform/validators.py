"""Compiled JSON Schema validators, one per (spec sha256, JSON pointer), and their findings.

jsonschema-rs compiles each schema once (refs resolved against the whole normalised document) and
reports the failing keyword's location in the document itself, which is what a reviewer opens.
"""

from __future__ import annotations

import jsonschema_rs

from chatconform.findings import Finding, excerpt, json_path, shorten
from chatconform.specs import LoadedSpec
from chatconform.specs._pointer import escape

MAX_ERRORS = 20
_CACHE: dict[tuple[str, str], jsonschema_rs.Draft202012Validator] = {}
def validator_for(spec: LoadedSpec, pointer: str) -> jsonschema_rs.Draft202012Validator:
    """The compiled validator for the schema at `pointer` of a loaded spec, built once per run."""
    key = (spec.sha256, pointer)
    if key not in _CACHE:
        # The document is the root, so `#/components/...` refs resolve; its other members
        # (openapi, info, paths) are not JSON Schema keywords and are ignored.
        root = {**spec.doc, "$ref": "#" + pointer}
        _CACHE[key] = jsonschema_rs.Draft202012Validator(root, validate_formats=False)
    return _CACHE[key]


def derived_chunk_validator(spec: LoadedSpec, pointer: str) -> jsonschema_rs.Draft202012Validator:
    """The validator of the chunk schema derived from the completion schema at `pointer`."""
    from chatconform.derived import chunk_schema_from

    key = (spec.sha256, pointer + "#derived-chunk")
    if key not in _CACHE:
        _CACHE[key] = jsonschema_rs.Draft202012Validator(chunk_schema_from(spec.doc, pointer),
                                                          validate_formats=False)
    return _CACHE[key]


def validate_derived_chunk(spec: LoadedSpec, pointer: str, instance, *, prefix: str) -> list[Finding]:
    """Findings of a chunk against the derived chunk schema (locations point at the completion schema)."""
    out = _findings(spec, derived_chunk_validator(spec, pointer), instance, "stream.chunk-schema", "schema",
                    "violation", prefix)
    for finding in out:
        finding.schema_at = f"specs/{spec.source.relpath}#{pointer} (derived chunk schema)"
    return out


def is_valid(spec: LoadedSpec, pointer: str, instance) -> bool:
    """True when the instance conforms (fast path, no findings built)."""
    return validator_for(spec, pointer).is_valid(instance)


def validate(spec: LoadedSpec, pointer: str, instance, *, check: str, kind: str = "schema",
             severity: str = "violation", prefix: str = "$") -> list[Finding]:
    """Findings for every way `instance` breaks the schema at `pointer` (at most MAX_ERRORS)."""
    return _findings(spec, validator_for(spec, pointer), instance, check, kind, severity, prefix)


def _findings(spec, validator, instance, check, kind, severity, prefix) -> list[Finding]:
    """At most MAX_ERRORS findings from a compiled validator ([] at once for a valid instance)."""
    if validator.is_valid(instance):
        return []
    findings = []
    for error in validator.iter_errors(instance):
        findings.append(_finding(spec, error, check, kind, severity, prefix))
        if len(findings) >= MAX_ERRORS:
            break
    return findings


def _finding(spec: LoadedSpec, error, check: str, kind: str, severity: str, prefix: str) -> Finding:
    at = json_path(error.instance_path)
    location = "".join("/" + escape(p) for p in error.schema_path)
    keyword = str(error.schema_path[-1]) if len(error.schema_path) else None
    return Finding(check=check, severity=severity, kind=kind, at=prefix + at[1:], message=message(error),
                   keyword=keyword, excerpt=excerpt(error.instance),
                   schema_at=f"specs/{spec.source.relpath}#{location}")


def message(error) -> str:
    """A one-line message; the instance itself is shortened to an excerpt when it is long."""
    return shorten(error.message, error.instance)
