"""Published specs: catalog, pinned pull, loading and normalisation."""

from chatconform.specs._catalog import Catalog, Source, load_catalog, read_sources
from chatconform.specs._closure import build
from chatconform.specs._fetch import FetchError, fetch, mirror_path
from chatconform.specs._load import LoadedSpec, Operation, SpecStore
from chatconform.specs._lock import read_lock, sha256_of
from chatconform.specs._prepare import unchecked_parts
from chatconform.specs._problem import Budget
from chatconform.specs._pull import PullResult, pull
from chatconform.specs._refs import inline, reach

__all__ = [
    "Budget",
    "Catalog",
    "FetchError",
    "LoadedSpec",
    "Operation",
    "PullResult",
    "Source",
    "SpecStore",
    "build",
    "fetch",
    "inline",
    "load_catalog",
    "mirror_path",
    "pull",
    "reach",
    "read_lock",
    "read_sources",
    "sha256_of",
    "unchecked_parts",
]
