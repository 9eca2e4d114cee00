"""Loading pulled specs: lock check, normalisation, lint, and operation lookup."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from chatconform.errors import ChatconformError
from chatconform.findings import Finding
from chatconform.specs._catalog import Catalog, Source, load_catalog
from chatconform.specs._lint import lint_findings
from chatconform.specs._lock import read_lock, sha256_of
from chatconform.specs._normalise import _METHODS, normalise_document
from chatconform.specs._pointer import escape


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
    _lint: list | None = field(default=None, repr=False)

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
        ops = []
        for path, item in (self.doc.get("paths") or {}).items():
            for method, op in (item or {}).items():
                if method in _METHODS and isinstance(op, dict):
                    ops.append(_operation(path, method, op))
        return ops

    def find_operation(self, method: str, url_path: str) -> Operation | None:
        """The operation whose path template matches the end of a URL path (longest match wins)."""
        method = method.lower()
        url_path = "/" + url_path.strip("/")
        found = [op for op in self.operations if op.method == method and _matches(op.path, url_path)]
        return max(found, key=lambda op: len(op.path), default=None)


def _operation(path: str, method: str, op: dict) -> Operation:
    """An Operation with JSON pointers to its request and response schemas."""
    base = f"/paths/{escape(path)}/{method}"
    body = (op.get("requestBody") or {}).get("content") or {}
    request = f"{base}/requestBody/content/{escape('application/json')}/schema" \
        if "schema" in (body.get("application/json") or {}) else None
    responses = {}
    for status, response in (op.get("responses") or {}).items():
        content = (response or {}).get("content") or {}
        responses[str(status)] = {
            media: (f"{base}/responses/{escape(status)}/content/{escape(media)}/schema"
                    if "schema" in (spec or {}) else None)
            for media, spec in content.items()
        }
    return Operation(path, method, base, request, responses)


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
        self._loaded: dict[str, LoadedSpec] = {}

    def load(self, source: Source) -> LoadedSpec:
        """The loaded spec of a source; a missing, altered or broken copy is a one-line error."""
        if source.id not in self._loaded:
            self._loaded[source.id] = self._load(source)
        return self._loaded[source.id]

    def spec_for(self, provider: str, model: str | None) -> LoadedSpec | None:
        """The loaded contract for a provider's model, or None when the catalog has none."""
        source = self.catalog.spec_for(provider, model)
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
            data = path.read_bytes()
        except OSError:
            raise ChatconformError(f"{source.id}: {path} is missing; run `chatconform specs pull`") from None
        sha = sha256_of(data)
        pin = self._pins.get(source.id)
        if pin is None or pin.sha256 != sha:
            raise ChatconformError(
                f"{source.id}: {path} does not match specs.lock (sha256 {sha[:12]}); "
                "run `chatconform specs pull`")
        try:
            raw = json.loads(data)
        except ValueError as err:
            raise ChatconformError(f"{source.id}: {path} is not valid JSON ({err})") from None
        doc, rewrites = normalise_document(raw)
        return LoadedSpec(source=source, path=path, sha256=sha, raw=raw, doc=doc, rewrites=dict(rewrites))
