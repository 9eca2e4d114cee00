"""What a run keeps on pytest's config (its stash): the results log, the spec store, the provider data, where
the suite and the reports are. Everything a run holds is here, made per session: nothing at module level."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from chatconform.judging.run import RunContext
from chatconform.providers import ProviderData
from chatconform.pytest_plugin.shards import Shard
from chatconform.reporting.results import ResultsLog

LOG_KEY = pytest.StashKey[ResultsLog]()
STORE_KEY = pytest.StashKey[object]()
JUDGING_KEY = pytest.StashKey[RunContext]()


@dataclass
class RunState:
    """The run's provider data, where the suite and its reports are, and what collection had to say."""

    root: Path
    data: ProviderData
    reports: Path  # --results, else reports/ of the project: results.json, regressions, the budget ledger
    key_envs: tuple[str, ...] = ()  # the run's own key variables (its data's key_env, --api-key-env)
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
