"""What one run judges with: its provider data, its spec store and the caches that depend on them.

Made once per run (the CLI's command, the pytest plugin's session, the reference provider) and passed to
judge(); nothing of it lives at module level, so two runs in one process judge independently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from chatconform.providers import ProviderData
from chatconform.specs import SpecStore

T = TypeVar("T")


@dataclass(eq=False)
class RunContext:
    """The provider data and pulled specs of one run, and what is worked out once from them."""

    data: ProviderData
    store: SpecStore
    _kept: dict[Any, Any] = field(default_factory=dict, repr=False)

    def once(self, key: Any, compute: Callable[[], T]) -> T:
        """A value of this run (of its data and specs), computed on first use and kept for the run."""
        if key not in self._kept:
            self._kept[key] = compute()
        value: T = self._kept[key]
        return value


def run_context(store: SpecStore | None = None, data: ProviderData | None = None) -> RunContext:
    """A run's context: the store given (else the project's pulled specs) and the data given (else loaded
    from the built-in files and the project file found as ProviderData.load finds it)."""
    return RunContext(data if data is not None else ProviderData.load(), store or SpecStore())


__all__ = ["RunContext", "run_context"]
