"""A project's folder and its pinned specs: a project without specs/sources.toml starts from the catalog
shipped with chatconform (sources.toml, specs.lock, catalog/*.toml), copied into its specs/ to commit.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from chatconform.model.errors import UsageError
from chatconform.providers import ProviderData

MIRROR_ENV = "CHATCONFORM_MIRROR"
_SHIPPED = ("share", "chatconform", "specs", "sources.toml")  # where the wheel's data files put the catalog


def mirror_from(given) -> Path | None:
    """The offline mirror to pull from: the folder given, else $CHATCONFORM_MIRROR, else none (the URLs)."""
    value = given or os.environ.get(MIRROR_ENV)
    if not value:
        return None
    if not Path(value).is_dir():
        raise UsageError(f"mirror {value}: no such folder (from {'--mirror' if given else MIRROR_ENV})")
    return Path(value)


def shipped_catalog() -> Path | None:
    """The folder of the spec catalog chatconform ships, or None (a source checkout uses its own specs/)."""
    try:
        dist = metadata.distribution("chatconform")
    except metadata.PackageNotFoundError:
        dist = None
    for file in (dist.files or []) if dist else []:
        if tuple(file.parts[-4:]) == _SHIPPED:
            return Path(str(file.locate())).resolve().parent  # (locate: its distribution's locate_file)
    checkout = Path(__file__).resolve().parents[3] / "specs"  # an editable install: the repository's own
    return checkout if (checkout / "sources.toml").is_file() else None


def seed(folder: Path) -> str:
    """Copy the shipped catalog and its lock into `folder`; returns the line to print."""
    shipped = shipped_catalog()
    if shipped is None:
        raise UsageError(
            f"{folder / 'sources.toml'}: no spec catalog here and none shipped with this chatconform"
        )
    try:
        (folder / "catalog").mkdir(parents=True, exist_ok=True)
        for name in ("sources.toml", "specs.lock"):
            shutil.copyfile(shipped / name, folder / name)
        for extra in sorted((shipped / "catalog").glob("*.toml")):
            shutil.copyfile(extra, folder / "catalog" / extra.name)
    except OSError as err:
        raise UsageError(f"cannot start {folder} from the shipped catalog ({err.strerror or err})") from None
    return (
        f"chatconform: {folder} had no sources.toml: started from the catalog shipped with chatconform "
        f"(commit sources.toml and specs.lock to pin it)"
    )


@dataclass(frozen=True)
class Declared:
    """The providers and models a run is about: what it pulls documents for and shows docs conflicts of."""

    providers: frozenset
    models: frozenset  # the model ids in play (given, or every model those providers' data lists)
    everything: bool = False  # --all-specs: the whole catalog
    contracts: frozenset = frozenset()  # the named contracts' specs: what any exchange may fall back to

    def wants(self, source) -> bool:
        """True when the run needs this pinned document (a provider-wide one when its provider is in play)."""
        if self.everything or source.id in self.contracts:
            return True
        provider = source.provider or source.id.split("/", 1)[0]
        # a catalog entry mapped to no model covers none; a seed document naming no provider is provider-wide
        return provider in self.providers and (
            "*" in source.models
            or not self.models.isdisjoint(source.models)
            or not (source.models or source.provider)
        )

    def shows(self, provider: str, model: str | None) -> bool:
        """True when a docs conflict of this provider (and model, if it names one) belongs to this run."""
        return self.everything or provider in self.providers and (model is None or model in self.models)


def declared(data: ProviderData, providers=(), models=(), everything: bool = False) -> Declared:
    """What the project declares: the providers and models named (command line, else [run] in
    chatconform.toml), else every provider of the run's data with the models its data lists."""
    from chatconform.dialects import contracts

    tables = data.tables
    chosen = set(providers) or set(tables)
    if models:  # a model names its providers: another provider's documents are not this run's
        listing = {
            name
            for name in chosen
            if name in tables
            and not set(models).isdisjoint([*tables[name]["models"], *tables[name]["aliases"]])
        }
        chosen = listing or chosen
    known = {m for name in chosen if name in tables for m in tables[name]["models"]}
    return Declared(
        frozenset(chosen),
        frozenset(models or known),
        everything,
        frozenset(c.source for c in contracts().values()),
    )


def ensure_specs(
    folder: Path, mirror: Path | None, wanted: Declared | None = None, key_envs: tuple[str, ...] = ()
) -> list[str]:
    """Seed the catalog when there is none, then pull the pinned documents the run needs (`wanted`; all when
    None) that are missing; lines to print. `key_envs`: the run's own key variables (scrubbed from pages)."""
    from chatconform.recording import page_redaction
    from chatconform.specs import Catalog, load_catalog, pull

    notes = [] if (folder / "sources.toml").is_file() else [seed(folder)]
    catalog = load_catalog(folder)
    missing = tuple(
        s for s in catalog.sources if (wanted is None or wanted.wants(s)) and not catalog.path_of(s).is_file()
    )
    if not missing:
        return notes
    failed = [
        r
        for r in pull(Catalog(missing, catalog.folder), mirror=mirror, **page_redaction(key_envs))
        if r.failed
    ]
    if failed:
        hint = (
            "" if mirror else f"; offline, set {MIRROR_ENV} (or --mirror) to a folder laid out like the URLs"
        )
        raise UsageError(
            f"{len(failed)} of {len(missing)} pinned document(s) could not be pulled into {folder}, "
            f"first: {failed[0].message}{hint}"
        )
    return notes + [
        f"chatconform: pulled {len(missing)} pinned document(s) into {folder}"
        + (f" from {mirror}" if mirror else "")
    ]
