"""A project's folder and its pinned specs: a project without specs/sources.toml starts from the catalog
shipped with chatconform (sources.toml, specs.lock, catalog/*.toml), copied into its specs/ to commit.
"""

from __future__ import annotations

import os
import shutil
from importlib import metadata
from pathlib import Path

from chatconform.errors import UsageError
from chatconform.providers import PROJECT_FILE

MIRROR_ENV = "CHATCONFORM_MIRROR"
_SHIPPED = ("share", "chatconform", "specs", "sources.toml")  # where the wheel's data files put the catalog


def project_folder() -> Path:
    """CHATCONFORM_ROOT, else the nearest folder holding chatconform.toml or specs/sources.toml, else here."""
    env = os.environ.get("CHATCONFORM_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file() or (folder / "specs" / "sources.toml").is_file():
            return folder
    return here


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
            return Path(dist.locate_file(file)).resolve().parent
    checkout = Path(__file__).resolve().parents[3] / "specs"  # an editable install: the repository's own
    return checkout if (checkout / "sources.toml").is_file() else None


def seed(folder: Path) -> str:
    """Copy the shipped catalog and its lock into `folder`; returns the line to print."""
    shipped = shipped_catalog()
    if shipped is None:
        raise UsageError(f"{folder / 'sources.toml'}: no spec catalog here and none shipped with this chatconform")
    try:
        (folder / "catalog").mkdir(parents=True, exist_ok=True)
        for name in ("sources.toml", "specs.lock"):
            shutil.copyfile(shipped / name, folder / name)
        for extra in sorted((shipped / "catalog").glob("*.toml")):
            shutil.copyfile(extra, folder / "catalog" / extra.name)
    except OSError as err:
        raise UsageError(f"cannot start {folder} from the shipped catalog ({err.strerror or err})") from None
    return (f"chatconform: {folder} had no sources.toml: started from the catalog shipped with chatconform "
            f"(commit sources.toml and specs.lock to pin it)")


def ensure_specs(folder: Path, mirror: Path | None) -> list[str]:
    """Seed the catalog when there is none, then pull every pinned document that is missing; lines to print."""
    from chatconform.specs import Catalog, load_catalog, pull

    notes = [] if (folder / "sources.toml").is_file() else [seed(folder)]
    catalog = load_catalog(folder)
    missing = tuple(s for s in catalog.sources if not catalog.path_of(s).is_file())
    if not missing:
        return notes
    failed = [r for r in pull(Catalog(missing, catalog.folder), mirror=mirror) if r.failed]
    if failed:
        hint = "" if mirror else f"; offline, set {MIRROR_ENV} (or --mirror) to a folder laid out like the URLs"
        raise UsageError(f"{len(failed)} of {len(missing)} pinned document(s) could not be pulled into {folder}, "
                         f"first: {failed[0].message}{hint}")
    return notes + [f"chatconform: pulled {len(missing)} pinned document(s) into {folder}"
                    + (f" from {mirror}" if mirror else "")]
