"""Problems with a spec document itself, reported as spec-lint findings (validator results cached by sha256).

The cache entry is keyed by the spec's sha256, the code that prepares it and openapi-spec-validator's
version; one that is not what we write is deleted and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from chatconform.model.errors import ChatconformError
from chatconform.model.finding import Finding, json_path, shorten
from chatconform.model.paths import read_regular, write_atomic
from chatconform.model.pointer import PointerError, join, resolve, to_fragment
from chatconform.specs._cache import discard, entry_path, prune

if TYPE_CHECKING:
    from chatconform.specs._load import LoadedSpec

_CACHE_VERSION = 6
_CACHE_MAX_BYTES = 16 * 1024 * 1024
MAX_ERRORS = 200  # openapi-spec-validator's errors kept per document; the rest is one count
# openapi-spec-validator reads OpenAI's 2.3 MB spec in about 12 s: past this size it is not run (said so)
VALIDATOR_MAX_BYTES = 8 * 1024 * 1024
_MEMORY: dict[str, list[dict]] = {}  # the same document linted twice in one run is linted once
_PENDING: list = []  # the specs lint_ahead's forked workers read (by index: nothing large is pickled)


def lint_findings(spec: LoadedSpec) -> list[Finding]:
    """openapi-spec-validator's errors, the problems set aside on loading, and our rewrites, as findings."""
    items = _MEMORY.get(spec.sha256)
    if items is None:
        items = _read_cache(spec.sha256)
        if items is None:
            doc = spec.checked if spec.checked is not None else spec.raw
            assert doc is not None  # raw is read from its file when asked (_Lazy): never None here
            items = _validate(doc, _size(spec))
            _write_cache(spec.sha256, items)
        _MEMORY[spec.sha256] = items
    findings = [
        Finding(
            check="spec-lint.openapi",
            severity=item.get("severity", "warning"),
            kind="spec-lint",
            at=item["at"],
            message=item["message"],
            schema_at=_loc(spec, item["pointer"]),
        )
        for item in items
    ]
    return findings + problem_findings(spec) + _rewrite_findings(spec)


def lint_ahead(specs: list[LoadedSpec]) -> int:
    """Lint across the machine's cores every spec that no run has linted yet (a cold cache); how many were.

    Why: a catalog of hundreds of specs linted one after another is most of a cold `make check`. What is
    not done here (one core, no fork, a worker that died) lint_findings does in turn, as before.
    """
    global _PENDING
    todo: dict[str, LoadedSpec] = {}
    for spec in specs:
        if spec.sha256 not in _MEMORY and spec.sha256 not in todo:
            items = _read_cache(spec.sha256)
            if items is None:
                todo[spec.sha256] = spec
            else:
                _MEMORY[spec.sha256] = items
    workers = min(_cores(), len(todo))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0  # fork: the workers read the specs already in memory, nothing large is pickled
    _PENDING = sorted(todo.values(), key=_size, reverse=True)  # the largest first: they set the pace
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_validate_pending, range(len(_PENDING))))
    except (OSError, BrokenProcessPool):
        return 0
    finally:
        done, _PENDING = _PENDING, []
    for spec, items in zip(done, results, strict=True):  # one result per pending spec
        _write_cache(spec.sha256, items)
        _MEMORY[spec.sha256] = items
    return len(done)


def _validate_pending(index: int) -> list[dict]:
    """In a forked worker: the validator's items for one spec lint_ahead left there."""
    spec = _PENDING[index]
    return _validate(spec.checked if spec.checked is not None else spec.raw, _size(spec))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def problem_findings(spec: LoadedSpec) -> list[Finding]:
    """What loading set aside (dangling refs, loops, wrong shapes and keywords), each at its pointer."""
    return [
        Finding(
            check=p.check,
            severity=p.severity,
            kind="spec-lint",
            message=p.message,
            schema_at=_loc(spec, p.pointer),
        )
        for p in spec.problems
    ]


def _rewrite_findings(spec: LoadedSpec) -> list[Finding]:
    """Each kind of rewrite the normaliser made, said once with its count."""
    out = []
    for what, count in sorted(spec.rewrites.items()):
        if what == "nullable" and spec.version.startswith("3.0"):
            continue  # the 3.0 keyword in a 3.0 document: nothing to report
        out.append(
            Finding(
                check="spec-lint.normalised",
                severity="info" if "3.0" in spec.version else "warning",
                kind="spec-lint",
                message=f"{spec.display}: OpenAPI {spec.version} document uses {what} "
                f"{count} time(s); read with its evident intent",
                schema_at=f"specs/{spec.relpath}",
            )
        )
    return out


def _validate(raw: dict, size: int) -> list[dict]:
    """Run openapi-spec-validator; each error as {at, pointer, message} (at most MAX_ERRORS and a count)."""
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    if size > VALIDATOR_MAX_BYTES:
        return [
            {
                "at": "$",
                "pointer": "",
                "severity": "info",
                "message": (
                    f"not read by openapi-spec-validator: {size:,} bytes is over its "
                    f"{VALIDATOR_MAX_BYTES:,}-byte limit here"
                    " (it would take minutes); chatconform's own shape, keyword and $ref checks ran"
                ),
            }
        ]
    version = str(raw.get("openapi", ""))
    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    out: list[dict] = []
    try:
        for error in validator_class(raw).iter_errors():
            if len(out) == MAX_ERRORS:
                out.append(
                    {
                        "at": "$",
                        "pointer": "",
                        "message": f"more than {MAX_ERRORS} errors; the rest are not listed",
                    }
                )
                break
            parts = list(getattr(error, "path", []) or [])
            out.append(
                {
                    "at": json_path(parts),
                    "pointer": join(*parts),
                    "message": _explain(raw, parts) or short_message(error),
                }
            )
    except (RecursionError, MemoryError) as err:
        out.append({"at": "$", "pointer": "", "message": f"spec validator gave up: {type(err).__name__}"})
    except Exception as err:  # the validator itself can choke on a broken document (not ours to fix)
        out.append(
            {
                "at": "$",
                "pointer": "",
                "message": f"spec validator failed: {type(err).__name__}: {str(err)[:200]}",
            }
        )
    return out


def _explain(raw: dict, parts: list) -> str | None:
    """A plainer message for a spec error we recognise (openapi-spec-validator's is a oneOf dump)."""
    try:
        value = resolve(raw, join(*parts))
    except PointerError:
        return None
    if (
        len(parts) >= 2
        and parts[-2] == "responses"
        and isinstance(value, dict)
        and "description" not in value
    ):
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
    return f"specs/{spec.relpath}{to_fragment(pointer)}"


def _size(spec: LoadedSpec) -> int:
    try:
        return spec.path.stat().st_size
    except OSError:
        return 0


@lru_cache(maxsize=1)
def _salt() -> str:
    """What else lint results depend on: this module's code and the spec validator's version."""
    try:
        found = version("openapi-spec-validator")
    except PackageNotFoundError:
        found = "unknown"
    try:
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:
        code = str(_CACHE_VERSION)
    return f"lint {_CACHE_VERSION} {code} openapi-spec-validator {found}"


def _cache_path(sha: str):
    return entry_path("lint", sha, _salt())


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
    discard(path)
    return None


def _valid_items(items) -> bool:
    """True for a list of {at, pointer, message[, severity]} with string values."""
    return isinstance(items, list) and all(
        isinstance(i, dict)
        and set(i) in ({"at", "pointer", "message"}, {"at", "pointer", "message", "severity"})
        and all(isinstance(v, str) for v in i.values())
        and i.get("severity", "warning") in ("warning", "info")
        for i in items
    )


def _write_cache(sha: str, items: list) -> None:
    try:
        write_atomic(_cache_path(sha), json.dumps(items).encode("utf-8"))
    except (ChatconformError, OSError):
        return  # a cache that cannot be written only costs time
    prune(_cache_path(sha))
