"""The catalog of published documents (specs/sources.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from chatconform.errors import UsageError, unknown
from chatconform.paths import specs_dir


@dataclass(frozen=True)
class Source:
    """One published document: where it comes from and where its pulled copy lives."""

    id: str
    kind: str
    url: str
    page: str = ""
    provider: str = ""
    models: tuple[str, ...] = ()

    @property
    def relpath(self) -> str:
        """Path of the pulled copy relative to specs/ (the id plus the URL's file extension)."""
        return self.id + PurePosixPath(urlparse(self.url).path).suffix

    def covers(self, provider: str, model: str | None) -> bool:
        """True when this spec is the contract for the provider's model."""
        if self.kind != "spec" or self.provider != provider:
            return False
        return "*" in self.models or (model is not None and model in self.models)


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

    def spec_for(self, provider: str, model: str | None) -> Source | None:
        """The spec that is the contract for this provider and model, exact model ids first."""
        matches = [s for s in self.sources if s.covers(provider, model)]
        matches.sort(key=lambda s: "*" in s.models)
        return matches[0] if matches else None

    def models_of(self, provider: str) -> list[str]:
        """Model ids named in the catalog for a provider."""
        return [m for s in self.sources if s.provider == provider for m in s.models if m != "*"]

    def path_of(self, source: Source) -> Path:
        """Where the pulled copy of a source lives."""
        return self.folder / source.relpath


def load_catalog(folder: Path | None = None) -> Catalog:
    """Read sources.toml from the specs folder."""
    folder = Path(folder) if folder else specs_dir()
    path = folder / "sources.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no sources.toml (is this a chatconform project?)") from None
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{path}: not valid TOML: {err}") from None
    sources = tuple(_source(entry, path) for entry in data.get("source", []))
    return Catalog(sources=sources, folder=folder)


def _source(entry: dict, path: Path) -> Source:
    """One [[source]] table as a Source."""
    missing = [k for k in ("id", "kind", "url") if k not in entry]
    if missing:
        raise UsageError(f"{path}: a [[source]] lacks {', '.join(missing)}")
    if entry["kind"] not in ("spec", "doc"):
        raise UsageError(f"{path}: source {entry['id']!r} has kind {entry['kind']!r}; known: doc, spec")
    return Source(
        id=entry["id"], kind=entry["kind"], url=entry["url"], page=entry.get("page", ""),
        provider=entry.get("provider", ""), models=tuple(entry.get("models", ())),
    )
