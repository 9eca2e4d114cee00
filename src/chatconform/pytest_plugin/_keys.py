"""What a run keeps on pytest's config (its stash): the results log, the spec store, where the suite is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from chatconform.pytest_plugin.shards import Shard
from chatconform.reporting.results import ResultsLog

LOG_KEY = pytest.StashKey[ResultsLog]()
STORE_KEY = pytest.StashKey[object]()


@dataclass
class RunState:
    """Where the suite is and what collection had to say."""

    root: Path
    notes: list[str] = field(default_factory=list)
    shard: Shard | None = None  # --shard i/N: only the providers and models hashed to this shard

    def holds(self, provider: str, model: str | None) -> bool:
        """Whether this run judges the rows of this provider and model (always, unless sharded)."""
        return self.shard is None or self.shard.holds(provider, model)

    @property
    def cassettes(self) -> Path:
        """The folder the plugin collects: the project's cassettes/."""
        return self.root / "cassettes"


STATE_KEY = pytest.StashKey[RunState]()
