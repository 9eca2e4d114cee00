"""Problems with a spec document itself, reported as spec-lint findings (cached by sha256)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chatconform.findings import Finding, json_path, shorten
from chatconform.paths import cache_dir
from chatconform.specs._pointer import escape, resolve

if TYPE_CHECKING:
    from chatconform.specs._load import LoadedSpec

_CACHE_VERSION = 4


def lint_findings(spec: LoadedSpec) -> list[Finding]:
    """openapi-spec-validator's errors plus our normalisation rewrites, as findings."""
    cached = _read_cache(spec.sha256)
    if cached is None:
        cached = _validate(spec.raw)
        _write_cache(spec.sha256, cached)
    findings = [Finding(check="spec-lint.openapi", severity="warning", kind="spec-lint",
                        at=item["at"], message=item["message"], schema_at=_loc(spec, item["pointer"]))
                for item in cached]
    return findings + _rewrite_findings(spec)


def _rewrite_findings(spec: LoadedSpec) -> list[Finding]:
    """Each kind of rewrite the normaliser made, said once with its count."""
    out = []
    for what, count in sorted(spec.rewrites.items()):
        if what == "nullable" and spec.version.startswith("3.0"):
            continue  # the 3.0 keyword in a 3.0 document: nothing to report
        out.append(Finding(
            check="spec-lint.normalised", severity="info" if "3.0" in spec.version else "warning",
            kind="spec-lint", message=f"{spec.display}: OpenAPI {spec.version} document uses {what} "
            f"{count} time(s); read with its evident intent", schema_at=f"specs/{spec.source.relpath}"))
    return out


def _validate(raw: dict) -> list[dict]:
    """Run openapi-spec-validator; each error as {at, pointer, message}."""
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(raw.get("openapi", ""))
    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    out = []
    try:
        errors = list(validator_class(raw).iter_errors())
    except Exception as err:  # the validator itself can choke on a broken document
        return [{"at": "$", "pointer": "", "message": f"spec validator failed: {type(err).__name__}: {err}"}]
    for error in errors:
        parts = list(getattr(error, "path", []) or [])
        out.append({"at": json_path(parts), "pointer": "".join("/" + escape(str(p)) for p in parts),
                    "message": _explain(raw, parts) or short_message(error)})
    return out


def _explain(raw: dict, parts: list) -> str | None:
    """A plainer message for a spec error we recognise (openapi-spec-validator's is a oneOf dump)."""
    try:
        value = resolve(raw, "".join("/" + escape(str(p)) for p in parts))
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    if len(parts) >= 2 and parts[-2] == "responses" and isinstance(value, dict) \
            and "description" not in value:
        return f"response {parts[-1]} has no `description`, which OpenAPI requires of every response object"
    return None


def short_message(error) -> str:
    """A one-line message for a jsonschema-style error, descending into the most relevant sub-error."""
    from jsonschema.exceptions import best_match

    if getattr(error, "context", None):
        error = best_match(error.context) or error
    text = str(getattr(error, "message", error)).split("\n\nFailed validating")[0]
    return shorten(text, getattr(error, "instance", None))


def _loc(spec: LoadedSpec, pointer: str) -> str:
    return f"specs/{spec.source.relpath}#{pointer}"


def _read_cache(sha: str) -> list | None:
    path = cache_dir() / f"lint-{_CACHE_VERSION}-{sha}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_cache(sha: str, items: list) -> None:
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"lint-{_CACHE_VERSION}-{sha}.json").write_text(json.dumps(items), encoding="utf-8")
    except OSError:
        pass  # a cache that cannot be written only costs time
