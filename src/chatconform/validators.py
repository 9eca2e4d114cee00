"""Compiled JSON Schema validators, one per (spec sha256, JSON pointer), and their findings."""

from __future__ import annotations

from functools import lru_cache

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from chatconform.findings import Finding, excerpt, json_path
from chatconform.specs import LoadedSpec
from chatconform.specs._lint import short_message
from chatconform.specs._pointer import escape, resolve

MAX_ERRORS = 20
_SPECS: dict[str, LoadedSpec] = {}


def _uri(sha: str) -> str:
    return f"urn:chatconform:spec:{sha}"


@lru_cache(maxsize=64)
def _registry(sha: str) -> Registry:
    """A registry holding the normalised document, so that `#/components/...` refs resolve."""
    resource = Resource.from_contents(_SPECS[sha].doc, default_specification=DRAFT202012)
    return Registry().with_resource(_uri(sha), resource)


@lru_cache(maxsize=1024)
def compiled(sha: str, pointer: str) -> Draft202012Validator:
    """The validator for the schema at `pointer` of the spec with this sha256, built once."""
    schema = {"$ref": f"{_uri(sha)}#{pointer}"}
    return Draft202012Validator(schema, registry=_registry(sha))


def validator_for(spec: LoadedSpec, pointer: str) -> Draft202012Validator:
    """The compiled validator for a schema of a loaded spec."""
    _SPECS.setdefault(spec.sha256, spec)
    return compiled(spec.sha256, pointer)


def validate(spec: LoadedSpec, pointer: str, instance, *, check: str, kind: str = "schema",
             severity: str = "violation", prefix: str = "$") -> list[Finding]:
    """Findings for every way `instance` breaks the schema at `pointer` (at most MAX_ERRORS)."""
    validator = validator_for(spec, pointer)
    findings = []
    for error in validator.iter_errors(instance):
        findings.append(_finding(spec, pointer, error, check, kind, severity, prefix))
        if len(findings) >= MAX_ERRORS:
            break
    return findings


def is_valid(spec: LoadedSpec, pointer: str, instance) -> bool:
    """True when the instance conforms (fast path, no findings built)."""
    return validator_for(spec, pointer).is_valid(instance)


def _finding(spec, pointer, error, check, kind, severity, prefix) -> Finding:
    at = json_path(error.absolute_path)
    if prefix != "$":
        at = prefix + at[1:]
    return Finding(
        check=check, severity=severity, kind=kind, at=at, message=short_message(error),
        keyword=str(error.validator), excerpt=excerpt(error.instance),
        schema_at=f"specs/{spec.source.relpath}#{schema_location(spec.doc, pointer, error)}",
    )


def schema_location(doc: dict, pointer: str, error) -> str:
    """The JSON pointer in the spec of the keyword that failed, following $refs on the way."""
    here = pointer
    path = list(error.absolute_schema_path)[1:]  # [0] is the wrapper's own "$ref"
    for token in path:
        if token == "$ref":
            try:
                here = _ref_target(resolve(doc, here)["$ref"])
                continue
            except (KeyError, IndexError, TypeError):
                return here
        here = f"{here}/{escape(token)}"
    return here


def _ref_target(ref: str) -> str:
    """The pointer a local $ref names."""
    return ref.split("#", 1)[1] if "#" in ref else ""
