"""Loading pulled specs: lock check, normalisation, lint, and operation lookup."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from chatconform.errors import ChatconformError
from chatconform.findings import Finding
from chatconform.inputs import InputError, parse_json, read_bytes
from chatconform.specs._catalog import Catalog, Source, load_catalog
from chatconform.specs._lint import lint_findings
from chatconform.specs._lock import read_lock, sha256_of
from chatconform.specs._normalise import operations
from chatconform.specs._pointer import extend
from chatconform.specs._prepare import prepare
from chatconform.specs._problem import Problem


@dataclass(frozen=True)
class Operation:
    """One documented operation: its path template, method and where its schemas are."""

    path: str
    method: str
    pointer: str
    request_schema: str | None
    responses: dict[str, dict[str, str | None]]

    def response_for(self, status: int) -> tuple[str | None, dict[str, str | None] | None]:
        """The documented response key for a status ('200', '4XX', 'default') and its media types."""
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in self.responses:
                return key, self.responses[key]
        return None, None


@dataclass
class LoadedSpec:
    """A pulled spec, pinned by its sha256, with a JSON Schema 2020-12 view of its schemas."""

    source: Source
    path: Path
    sha256: str
    raw: dict
    doc: dict
    rewrites: dict
    checked: dict | None = field(default=None, repr=False)  # raw with its shape and refs fixed
    problems: list[Problem] = field(default_factory=list, repr=False)
    _lint: list | None = field(default=None, repr=False)
    _found: dict = field(default_factory=dict, repr=False)  # (method, path) -> Operation: verify asks per exchange

    @property
    def version(self) -> str:
        """The OpenAPI version the document declares."""
        return str(self.raw.get("openapi", ""))

    @property
    def display(self) -> str:
        """Short name for reports: specs/<relpath> (sha256 abcdef123456)."""
        return f"specs/{self.source.relpath} (sha256 {self.sha256[:12]})"

    def lint(self) -> list[Finding]:
        """Problems with the document itself (openapi-spec-validator plus our rewrites), cached."""
        if self._lint is None:
            self._lint = lint_findings(self)
        return self._lint

    @cached_property
    def operations(self) -> list[Operation]:
        """Every operation in the document."""
        return [_operation(path, method, op, at) for at, path, method, op in operations(self.doc)]

    def find_operation(self, method: str, url_path: str) -> Operation | None:
        """The operation whose path template matches the end of a URL path (longest match wins)."""
        key = (method.lower(), "/" + url_path.strip("/"))
        if key not in self._found:
            found = [op for op in self.operations if op.method == key[0] and _matches(op.path, key[1])]
            self._found[key] = max(found, key=lambda op: len(op.path), default=None)
        return self._found[key]


def _operation(path: str, method: str, op: dict, base: str) -> Operation:
    """An Operation with JSON pointers (RFC 6901, escaped) to its request and response schemas."""
    body = _map(_map(op.get("requestBody")).get("content"))
    request = extend(base, "requestBody", "content", "application/json", "schema") \
        if "schema" in _map(body.get("application/json")) else None
    responses = {}
    for status, response in _map(op.get("responses")).items():
        content = _map(_map(response).get("content"))
        responses[str(status)] = {
            media: (extend(base, "responses", status, "content", media, "schema")
                    if "schema" in _map(spec) else None)
            for media, spec in content.items()
        }
    return Operation(path, method, base, request, responses)


def _map(value) -> dict:
    """value when it is an object, else {} (check_shape reported it)."""
    return value if isinstance(value, dict) else {}


def _matches(template: str, url_path: str) -> bool:
    """True when a path template (with {params}) matches the tail of a URL path."""
    want = [p for p in template.split("/") if p]
    have = [p for p in url_path.split("/") if p]
    if len(have) < len(want):
        return False
    tail = have[len(have) - len(want):]
    return all(w.startswith("{") or w == h for w, h in zip(want, tail))


class SpecStore:
    """Loads each pulled spec once and keeps it; the entry point for looking specs up."""

    def __init__(self, catalog: Catalog | None = None):
        self.catalog = catalog or load_catalog()
        self._pins = read_lock(self.catalog.folder)
        self._loaded: dict[str, LoadedSpec | ChatconformError] = {}
        self._sources: dict = {}  # (provider, model) -> Source | None: verify asks once per exchange

    def load(self, source: Source) -> LoadedSpec:
        """The loaded spec of a source; a missing, altered or broken copy is a one-line error (kept, so a
        broken 60 MB copy is read once per run, not once per exchange)."""
        if source.id not in self._loaded:
            try:
                self._loaded[source.id] = self._load(source)
            except ChatconformError as err:
                self._loaded[source.id] = err
        found = self._loaded[source.id]
        if isinstance(found, ChatconformError):
            raise found.with_traceback(None)  # a fresh traceback each time, not one that grows
        return found

    def spec_for(self, provider: str, model: str | None) -> LoadedSpec | None:
        """The loaded contract for a provider's model, or None when the catalog has none."""
        if (provider, model) not in self._sources:
            self._sources[provider, model] = self.catalog.spec_for(provider, model)
        source = self._sources[provider, model]
        return self.load(source) if source else None

    def spec_or_none(self, provider: str, model: str | None) -> LoadedSpec | None:
        """spec_for, with a spec that cannot be loaded read as none (its error is reported elsewhere)."""
        try:
            return self.spec_for(provider, model)
        except ChatconformError:
            return None

    def _load(self, source: Source) -> LoadedSpec:
        path = self.catalog.path_of(source)
        try:
            data = read_bytes(path, "pinned spec")
        except InputError as err:
            if path.exists():
                raise
            raise ChatconformError(f"{source.id}: {path} is missing; run `chatconform specs pull`") from err
        sha = sha256_of(data)
        pin = self._pins.get(source.id)
        if pin is None or pin.sha256 != sha:
            raise ChatconformError(
                f"{source.id}: {path} does not match specs.lock (sha256 {sha[:12]}); "
                "run `chatconform specs pull`")
        raw = parse_json(data, str(path))
        ready = prepare(raw, f"specs/{source.relpath}")
        return LoadedSpec(source=source, path=path, sha256=sha, raw=raw, doc=ready.doc,
                          rewrites=dict(ready.rewrites), checked=ready.checked, problems=ready.problems)
