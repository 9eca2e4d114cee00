"""What `chatconform check` hands the pytest plugin, and what the run hands back, through pytest's own API.

The command passes a CheckRun to pytest.main(args, plugins=[...]): the plugin takes the command's
provider data from it (read once, with the command's --config) and leaves on it the results.json it wrote,
which the command summarises without parsing the file again. Nothing passes through the environment or a
module's globals, so two runs in one process share nothing; an xdist worker, another process, reads the same
options instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatconform.providers import ProviderData

CHECK_KEY = pytest.StashKey["CheckRun"]()


class CheckRun:
    """One `chatconform check` run as its pytest session sees it."""

    def __init__(self, data: ProviderData) -> None:
        self.data = data
        self.written: tuple[Path, bytes] | None = None  # the results.json this run wrote, and its bytes

    @pytest.hookimpl(tryfirst=True)  # before the plugin's own pytest_configure, which reads it
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[CHECK_KEY] = self

    def results(self, path: Path) -> dict[str, Any] | None:
        """The results this run wrote at `path`, parsed, while the file holds exactly them; else None."""
        if self.written is None or self.written[0].resolve() != Path(path).resolve():
            return None
        try:
            if Path(path).read_bytes() != self.written[1]:
                return None
        except OSError:
            return None
        found: dict[str, Any] = json.loads(self.written[1])
        return found


def hand_back(config: pytest.Config, written: tuple[Path, bytes] | None) -> None:
    """Leave the results.json the session wrote on the command's CheckRun, when a command started it."""
    run = config.stash.get(CHECK_KEY, None)
    if run is not None:
        run.written = written


__all__ = ["CHECK_KEY", "CheckRun", "hand_back"]
