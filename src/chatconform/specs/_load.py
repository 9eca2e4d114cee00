"""Loading pulled specs: lock check, normalisation, lint, and operation lookup."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from chatconform.model.errors import ChatconformError
from chatconform.model.finding import Finding
from chatconform.model.inputs import InputError, parse_document, read_bytes
from chatconform.model.pointer import extend
from chatconform.specs._catalog import Catalog, Source, load_catalog
from chatconform.specs._closure import closure_of, operation_pointers, plain_text
from chatconform.specs._lint import lint_ahead, lint_findings
from chatconform.specs._lock import read_lock, sha256_of
from chatconform.specs._normalise import operations
from chatconform.specs._prepare import prepare, read_prepared, write_prepared
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


class _Lazy:
    """A field given as None (a spec read back from the cache) and computed from the file on first read."""

    def __init__(self, name: str, compute):
        self.slot, self.compute = f"_lazy_{name}", compute

    def __get__(self, spec, owner=None):
        if spec is None:
            return None  # the field's default
        value = spec.__dict__.get(self.slot)
        if value is None:
            value = spec.__dict__[self.slot] = self.compute(spec)
        return value

    def __set__(self, spec, value):
        spec.__dict__[self.slot] = value


def _read_raw(spec: LoadedSpec) -> dict:
    """The document as published, read again from its pinned file (only when asked for)."""
    data = read_bytes(spec.path, "pinned spec")
    if sha256_of(data) != spec.sha256:
        raise ChatconformError(f"{spec.source.id}: {spec.path} changed while it was in use; run it again")
    return parse_document(data, str(spec.path), spec.path.name)


def _prepare_again(spec: LoadedSpec) -> dict | None:
    """The document with its shape and refs fixed (what the spec validator reads), prepared again."""
    return prepare(spec.raw, f"specs/{spec.source.relpath}").checked


@dataclass
class LoadedSpec:
    """A pulled spec, pinned by its sha256, with a JSON Schema 2020-12 view of its schemas."""

    source: Source
    path: Path
    sha256: str
    raw: dict | None = field(default=None, repr=False, compare=False)  # None: read from the file when asked
    doc: dict = field(default_factory=dict, repr=False)
    rewrites: dict = field(default_factory=dict)
    checked: dict | None = field(
        default=None, repr=False, compare=False
    )  # raw, shape and refs fixed; lazy too
    problems: list[Problem] = field(default_factory=list, repr=False)
    plain: bool | None = field(default=None, repr=False)  # None: not known yet (see is_plain)
    closures: dict = field(default_factory=dict, repr=False)  # pointer -> (sha256, reached pointers)
    _lint: list | None = field(default=None, repr=False)
    _found: dict = field(
        default_factory=dict, repr=False
    )  # (method, path) -> Operation: verify asks per exchange

    @property
    def version(self) -> str:
        """The OpenAPI version the document declares (`openapi` is kept as read in the prepared document)."""
        return str(self.doc.get("openapi", ""))

    @cached_property
    def relpath(self) -> str:
        """The pulled copy's path below specs/ (asked for by every finding: worked out once)."""
        return self.source.relpath

    @property
    def display(self) -> str:
        """Short name for reports: specs/<relpath> (sha256 abcdef123456)."""
        return f"specs/{self.relpath} (sha256 {self.sha256[:12]})"

    @property
    def is_plain(self) -> bool:
        """True when a schema's closure stands for the whole document (see specs/_closure.py)."""
        if self.plain is None:
            self.plain = plain_text(json.dumps(self.doc, ensure_ascii=False, default=repr))
        return self.plain

    def closure(self, pointer: str) -> tuple[str, list[str]] | None:
        """(content hash, reached pointers) of the schema at `pointer`, computed once; None when the document
        must be compiled whole. InputError when its refs run past the budget."""
        if not self.is_plain:
            return None
        if pointer not in self.closures:
            self.closures[pointer] = closure_of(self.doc, pointer, f"specs/{self.relpath}")
        return self.closures[pointer]

    def every_closure(self) -> dict:
        """The closure of every operation's request and response schema (kept with the prepared spec)."""
        if self.is_plain:
            for pointer in operation_pointers(self.doc, self.operations):
                try:
                    self.closure(pointer)
                except InputError:
                    continue  # worked out (and reported) again when a validator asks for it
        return self.closures

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
    request = (
        extend(base, "requestBody", "content", "application/json", "schema")
        if "schema" in _map(body.get("application/json"))
        else None
    )
    responses = {}
    for status, response in _map(op.get("responses")).items():
        content = _map(_map(response).get("content"))
        responses[str(status)] = {
            media: (
                extend(base, "responses", status, "content", media, "schema")
                if "schema" in _map(spec)
                else None
            )
            for media, spec in content.items()
        }
    return Operation(path, method, base, request, responses)


def _map(value) -> dict:
    """value when it is an object, else {} (check_shape reported it)."""
    return value if isinstance(value, dict) else {}


# Set after the dataclass is made, so its __init__ stores through them and its repr and == never read them.
# (mypy knows the fields' declared types only; a descriptor assigned later is outside what it checks)
LoadedSpec.raw = _Lazy("raw", _read_raw)  # type: ignore[assignment]
LoadedSpec.checked = _Lazy("checked", _prepare_again)  # type: ignore[assignment]


def _matches(template: str, url_path: str) -> bool:
    """True when a path template (with {params}) matches the tail of a URL path."""
    want = [p for p in template.split("/") if p]
    have = [p for p in url_path.split("/") if p]
    if len(have) < len(want):
        return False
    tail = have[len(have) - len(want) :]
    return all(w.startswith("{") or w == h for w, h in zip(want, tail, strict=True))  # tail: len(want)


class SpecStore:
    """Loads each pulled spec once and keeps it; the entry point for looking specs up."""

    def __init__(self, catalog: Catalog | None = None):
        self.catalog = catalog or load_catalog()
        self._pins = read_lock(self.catalog.folder)
        self._loaded: dict[str, LoadedSpec | ChatconformError] = {}
        self._sources: dict = {}  # (provider, model, path) -> Source | None: verify asks once per exchange

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

    def spec_for(self, provider: str, model: str | None, path: str | None = None) -> LoadedSpec | None:
        """The loaded contract for a provider's model (for a call to `path`), or None when the catalog has
        none."""
        if (provider, model, path) not in self._sources:
            self._sources[provider, model, path] = self.catalog.spec_for(provider, model, path)
        source = self._sources[provider, model, path]
        return self.load(source) if source else None

    def lint_ahead(self) -> None:
        """Lint every pinned spec no run has linted yet, across cores (a spec that cannot load is left to
        whoever asks for it, who reports it)."""
        specs = []
        for source in self.catalog.sources:
            if source.kind == "spec":
                try:
                    specs.append(self.load(source))
                except ChatconformError:
                    continue
        lint_ahead(specs)

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
            raise ChatconformError(
                f"{source.id}: {path} is missing (a run pulls the documents of the models its "
                "project names): run `chatconform specs pull`, or `chatconform check "
                "--all-specs`"
            ) from err
        sha = sha256_of(data)
        pin = self._pins.get(source.id)
        if pin is None or pin.sha256 != sha:
            raise ChatconformError(
                f"{source.id}: {path} does not match specs.lock (sha256 {sha[:12]}); "
                "run `chatconform specs pull`"
            )
        cached = read_prepared(sha)
        if cached is not None:  # prepared by this code in an earlier run: read back, not prepared again
            ready, is_plain, closures = cached
            return LoadedSpec(
                source=source,
                path=path,
                sha256=sha,
                doc=ready.doc,
                rewrites=dict(ready.rewrites),
                problems=ready.problems,
                plain=is_plain,
                closures=dict(closures),
            )
        raw = parse_document(data, str(path), path.name)
        ready = prepare(raw, f"specs/{source.relpath}")
        spec = LoadedSpec(
            source=source,
            path=path,
            sha256=sha,
            raw=raw,
            doc=ready.doc,
            rewrites=dict(ready.rewrites),
            checked=ready.checked,
            problems=ready.problems,
        )
        write_prepared(sha, ready, spec.is_plain, spec.every_closure())
        return spec
