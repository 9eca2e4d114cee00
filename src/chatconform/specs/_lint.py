"""Problems with a spec document itself, reported as spec-lint findings (validator results cached by sha256)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chatconform.errors import ChatconformError
from chatconform.findings import Finding, json_path, shorten
from chatconform.paths import cache_dir, read_regular, write_atomic
from chatconform.specs._pointer import PointerError, join, resolve, to_fragment

if TYPE_CHECKING:
    from chatconform.specs._load import LoadedSpec

_CACHE_VERSION = 5
MAX_ERRORS = 200  # openapi-spec-validator's errors kept per document; the rest is one count
# openapi-spec-validator reads OpenAI's 2.3 MB spec in about 12 s: past this size it is not run (said so)
VALIDATOR_MAX_BYTES = 8 * 1024 * 1024
_CACHE_MAX_BYTES = 16 * 1024 * 1024
_MEMORY: dict[str, list[dict]] = {}  # the same document linted twice in one run is linted once


def lint_findings(spec: LoadedSpec) -> list[Finding]:
    """openapi-spec-validator's errors, the problems set aside on loading, and our rewrites, as findings."""
    items = _MEMORY.get(spec.sha256)
    if items is None:
        items = _read_cache(spec.sha256)
        if items is None:
            items = _validate(spec.checked if spec.checked is not None else spec.raw, _size(spec))
            _write_cache(spec.sha256, items)
        _MEMORY[spec.sha256] = items
    findings = [Finding(check="spec-lint.openapi", severity=item.get("severity", "warning"), kind="spec-lint",
                        at=item["at"], message=item["message"], schema_at=_loc(spec, item["pointer"]))
                for item in items]
    return findings + problem_findings(spec) + _rewrite_findings(spec)


def problem_findings(spec: LoadedSpec) -> list[Finding]:
    """What loading set aside (dangling refs, loops, wrong shapes and keywords), each at its pointer."""
    return [Finding(check=p.check, severity=p.severity, kind="spec-lint", message=p.message,
                    schema_at=_loc(spec, p.pointer)) for p in spec.problems]


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


def _validate(raw: dict, size: int) -> list[dict]:
    """Run openapi-spec-validator; each error as {at, pointer, message} (at most MAX_ERRORS and a count)."""
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    if size > VALIDATOR_MAX_BYTES:
        return [{"at": "$", "pointer": "", "severity": "info", "message": (
            f"not read by openapi-spec-validator: {size:,} bytes is over its {VALIDATOR_MAX_BYTES:,}-byte "
            "limit here (it would take minutes); chatconform's own shape, keyword and $ref checks ran")}]
    version = str(raw.get("openapi", ""))
    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    out = []
    try:
        for error in validator_class(raw).iter_errors():
            if len(out) == MAX_ERRORS:
                out.append({"at": "$", "pointer": "", "message": f"more than {MAX_ERRORS} errors; the rest "
                            "are not listed"})
                break
            parts = list(getattr(error, "path", []) or [])
            out.append({"at": json_path(parts), "pointer": join(*parts),
                        "message": _explain(raw, parts) or short_message(error)})
    except (RecursionError, MemoryError) as err:
        out.append({"at": "$", "pointer": "", "message": f"spec validator gave up: {type(err).__name__}"})
    except Exception as err:  # the validator itself can choke on a broken document (not ours to fix)
        out.append({"at": "$", "pointer": "", "message": f"spec validator failed: {type(err).__name__}: "
                    f"{str(err)[:200]}"})
    return out


def _explain(raw: dict, parts: list) -> str | None:
    """A plainer message for a spec error we recognise (openapi-spec-validator's is a oneOf dump)."""
    try:
        value = resolve(raw, join(*parts))
    except PointerError:
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
    return f"specs/{spec.source.relpath}{to_fragment(pointer)}"


def _size(spec: LoadedSpec) -> int:
    try:
        return spec.path.stat().st_size
    except OSError:
        return 0


def _cache_path(sha: str):
    return cache_dir() / f"lint-{_CACHE_VERSION}-{sha}.json"


def _read_cache(sha: str) -> list | None:
    """The cached items, or None; a file that is not what we write is deleted (rebuilt, never trusted)."""
    path = _cache_path(sha)
    try:
        if path.stat().st_size > _CACHE_MAX_BYTES:
            raise ValueError("larger than any cache we write")
        items = json.loads(read_regular(path, "lint cache"))  # a FIFO planted there is refused, not waited on
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError, ChatconformError):
        items = None
    if _valid_items(items):
        return items
    try:
        path.unlink()
    except OSError:
        pass  # a cache we cannot delete is still never read as valid
    return None


def _valid_items(items) -> bool:
    """True for a list of {at, pointer, message[, severity]} with string values."""
    return isinstance(items, list) and all(
        isinstance(i, dict) and set(i) in ({"at", "pointer", "message"}, {"at", "pointer", "message", "severity"})
        and all(isinstance(v, str) for v in i.values()) and i.get("severity", "warning") in ("warning", "info")
        for i in items)


def _write_cache(sha: str, items: list) -> None:
    try:
        write_atomic(_cache_path(sha), json.dumps(items).encode("utf-8"))
    except (ChatconformError, OSError):
        pass  # a cache that cannot be written only costs time
