"""A provider's published catalog: discovery of its model pages and specs, and its examples as cassettes."""

from chatconform.discovery._examplescmd import run_examples
from chatconform.discovery._synccmd import run_sync

__all__ = ["run_examples", "run_sync"]  # what `chatconform catalog sync|examples` (cli/catalog.py) runs
