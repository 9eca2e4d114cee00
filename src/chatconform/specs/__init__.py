"""Published specs: catalog, pinned pull, loading and normalisation."""

from chatconform.specs._catalog import Catalog, Source, load_catalog
from chatconform.specs._load import LoadedSpec, Operation, SpecStore
from chatconform.specs._pull import PullResult, pull

__all__ = ["Catalog", "Source", "load_catalog", "LoadedSpec", "Operation", "SpecStore", "PullResult", "pull"]
