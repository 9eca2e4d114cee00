"""Compiled JSON Schema validators, one per (spec sha256, JSON pointer), and their findings.

jsonschema-rs compiles each schema once (refs resolved against the whole normalised document) and
reports the failing keyword's location in the document itself, which is what a reviewer opens.
"""

from __future__ import annotations

import re

import jsonschema_rs

from chatconform.findings import Finding, excerpt, json_path
from chatconform.specs import LoadedSpec
from chatconform.specs._pointer import escape

MAX_ERRORS = 20
_CACHE: dict[tuple[str, str], jsonschema_rs.Draft202012Validator] = {}
_TAIL = re.compile(r"(is not (valid|of|one|a|expected)\b.*|is a required property.*|has non-unique.*|"
                   r"is (less|greater) than.*|is (longer|shorter) than.*|does not match.*|"
                   r"has (more|less|fewer) than.*|should not be valid.*|is (too|not allowed).*)$", re.S)


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
    validator = derived_chunk_validator(spec, pointer)
    out = []
    for error in validator.iter_errors(instance):
        finding = _finding(spec, error, "stream.chunk-schema", "schema", "violation", prefix)
        finding.schema_at = f"specs/{spec.source.relpath}#{pointer} (derived chunk schema)"
        out.append(finding)
        if len(out) >= MAX_ERRORS:
            break
    return out


def is_valid(spec: LoadedSpec, pointer: str, instance) -> bool:
    """True when the instance conforms (fast path, no findings built)."""
    return validator_for(spec, pointer).is_valid(instance)


def validate(spec: LoadedSpec, pointer: str, instance, *, check: str, kind: str = "schema",
             severity: str = "violation", prefix: str = "$") -> list[Finding]:
    """Findings for every way `instance` breaks the schema at `pointer` (at most MAX_ERRORS)."""
    validator = validator_for(spec, pointer)
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
    text = " ".join(str(error.message).split())
    if len(text) > 160:
        tail = _TAIL.search(text)
        if tail:
            text = f"{excerpt(error.instance, 60)} {tail.group(1)}"
    return text if len(text) <= 200 else text[:199] + "…"
