"""The catalog of published documents (specs/sources.toml)."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from chatconform.model.errors import UsageError, unknown
from chatconform.model.paths import check_relative, inside, read_regular, specs_dir

_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}")


@dataclass(frozen=True)
class Source:
    """One published document: where it comes from and where its pulled copy lives."""

    id: str
    kind: str
    url: str
    page: str = ""
    provider: str = ""
    models: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # the calls (by path ending) a spec is the contract for; () for any

    @property
    def relpath(self) -> str:
        """Path of the pulled copy relative to specs/ (the id plus the URL's file extension)."""
        suffix = PurePosixPath(urlparse(self.url).path).suffix
        # the extension comes from a URL: only a plain one may become part of a file name
        return self.id + (suffix if _EXTENSION.fullmatch(suffix) else "")

    def covers(self, provider: str, model: str | None) -> bool:
        """True when this spec is the contract for the provider's model."""
        if self.kind != "spec" or self.provider != provider:
            return False
        return "*" in self.models or (model is not None and model in self.models)

    def rank(self, path: str | None) -> int:
        """How well the spec fits a call: 0 it names the call's path, 1 it names no path, 2 it names
        others."""
        if not self.paths:
            return 1
        return 0 if path is not None and any(path.rstrip("/").endswith(p) for p in self.paths) else 2


@dataclass(frozen=True)
class Catalog:
    """All sources, with the folder their pulled copies live in."""

    sources: tuple[Source, ...]
    folder: Path

    def get(self, source_id: str) -> Source:
        """The source with this id, or a usage error listing the known ids."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise unknown("source", source_id, [s.id for s in self.sources])

    def spec_for(self, provider: str, model: str | None, path: str | None = None) -> Source | None:
        """The spec that is the contract for this provider and model (for the call to `path`): a spec naming
        that path first (AIML's <model>-RESPONSES.json for /v1/responses), then one naming none, exact model
        ids before "*"."""
        matches = [s for s in self.sources if s.covers(provider, model)]
        matches.sort(key=lambda s: (s.rank(path), "*" in s.models))
        return matches[0] if matches else None

    def models_of(self, provider: str) -> list[str]:
        """Model ids named in the catalog for a provider."""
        return [m for s in self.sources if s.provider == provider for m in s.models if m != "*"]

    def path_of(self, source: Source) -> Path:
        """Where the pulled copy of a source lives."""
        return inside(self.folder, source.relpath)


def load_catalog(folder: Path | None = None) -> Catalog:
    """Read and validate sources.toml from the specs folder; any mistake is one line naming file and key."""
    folder = Path(folder) if folder else specs_dir()
    path = folder / "sources.toml"
    sources = read_sources(path)
    for extra in sorted((folder / "catalog").glob("*.toml")):  # written by `chatconform catalog sync`
        sources += read_sources(extra)
    _check_unique(path, sources)
    return Catalog(sources=sources, folder=folder)


def read_sources(path: Path) -> tuple[Source, ...]:
    """The [[source]] tables of one file, validated; any mistake is one line naming file and key."""
    try:
        seen = Path(path).stat()
    except OSError:
        return _read_sources(Path(path), None)  # the read names what is wrong
    # a run reads the catalog several times (check, collection, the spec store): parsed once per file version
    return _read_sources(Path(path), (seen.st_mtime_ns, seen.st_size, seen.st_ino))


@lru_cache(maxsize=64)
def _read_sources(path: Path, version) -> tuple[Source, ...]:
    try:
        data = tomllib.loads(read_regular(path, "sources file").decode("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no sources.toml (is this a chatconform project?)") from None
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: not UTF-8 ({err.reason} at byte {err.start})") from None
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{path}: not valid TOML: {err}") from None
    _check_keys(path, data, {"source": list}, "the top level")
    return tuple(_source(entry, path, n) for n, entry in enumerate(data.get("source", []), 1))


# Every key a [[source]] may have and its type; anything else is a typo to name, never to ignore.
_FIELDS = {"id": str, "kind": str, "url": str, "page": str, "provider": str, "models": list, "paths": list}
_RESERVED = ("sources.toml", "specs.lock")


def _check_keys(path: Path, table, known: dict, where: str) -> None:
    """Unknown keys name the closest known one; a value of the wrong type names the type expected."""
    if not isinstance(table, dict):
        raise UsageError(f"{path}: {where} must be a table ([[source]]), not {_tname(table)}")
    for key, value in table.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(known))}"
            raise UsageError(f"{path}: unknown key {key!r} in {where}; {hint}")
        if not isinstance(value, known[key]):
            raise UsageError(f"{path}: {key!r} in {where} must be {_tname(known[key])}, not {_tname(value)}")


def _tname(value) -> str:
    """A TOML-ish name for a Python type or a value's type."""
    kind = value if isinstance(value, type) else type(value)
    return {
        str: "a string",
        list: "an array",
        dict: "a table",
        int: "an integer",
        float: "a float",
        bool: "a boolean",
    }.get(kind, kind.__name__)


def _source(entry, path: Path, number: int) -> Source:
    """One [[source]] table as a Source, validated."""
    where = f"[[source]] #{number}" + (
        f" ({entry['id']!r})" if isinstance(entry, dict) and isinstance(entry.get("id"), str) else ""
    )
    _check_keys(path, entry, _FIELDS, where)
    missing = [k for k in ("id", "kind", "url") if k not in entry]
    if missing:
        raise UsageError(f"{path}: {where} lacks {', '.join(missing)}")
    if entry["kind"] not in ("spec", "doc"):
        raise UsageError(f"{path}: {where} has kind {entry['kind']!r}; known: doc, spec")
    check_relative(entry["id"], f"{path}: {where}: id")
    url = urlparse(entry["url"])
    if url.scheme not in ("http", "https") or not url.netloc:
        raise UsageError(f"{path}: {where}: url {entry['url']!r} is not an http(s) URL")
    models = entry.get("models", [])
    if not all(isinstance(m, str) for m in models):
        raise UsageError(f"{path}: 'models' in {where} must be an array of strings")
    paths = entry.get("paths", [])
    if not all(isinstance(p, str) and p.startswith("/") for p in paths):
        raise UsageError(f"{path}: 'paths' in {where} must be an array of URL paths (each starting with /)")
    return Source(
        id=entry["id"],
        kind=entry["kind"],
        url=entry["url"],
        page=entry.get("page", ""),
        provider=entry.get("provider", ""),
        models=tuple(models),
        paths=tuple(paths),
    )


def _check_unique(path: Path, sources: tuple[Source, ...]) -> None:
    """Two sources never share an id or a pulled file (one would silently re-pin the other)."""
    ids: dict[str, int] = {}
    files: dict[str, int] = {}
    for number, source in enumerate(sources, 1):
        for seen, key, what in ((ids, source.id, "id"), (files, source.relpath, "pulled file")):
            folded = key.casefold()  # two names differing in case are one file on a case-insensitive disk
            if folded in seen:
                raise UsageError(
                    f"{path}: [[source]] #{number} has the same {what} as #{seen[folded]} "
                    f"({key!r}); each source needs its own"
                )
            seen[folded] = number
        if source.relpath in _RESERVED:
            raise UsageError(f"{path}: source {source.id!r} would overwrite specs/{source.relpath}")
