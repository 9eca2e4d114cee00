"""What a fault is, and one dialect's set of them (each dialect's module applies only its own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Fault:
    """A way to break the contract: what it does, the scenario that shows it, and the check that must fail."""

    name: str
    does: str
    scenario: str
    expected: tuple[str, ...]  # check ids, or ("provider-unavailable",) for outages
    completion: Callable | None = None  # mutates a whole answer (request body, answer dict)
    chunks: Callable | None = None  # mutates the list of stream events (request body, events)
    transport: str | None = None  # handled by the HTTP layer
    dialect: str = "openai-chat"  # the dialect whose answers it breaks


class FaultSet(dict):
    """name -> Fault for one dialect; `fault(...)` registers one (a function chunks_* mutates events)."""

    def __init__(self, dialect: str):
        super().__init__()
        self.dialect = dialect

    def fault(self, name, does, scenario, *expected, transport=None):
        """Register a fault; the decorated function (if any) mutates an answer or its list of events."""
        def register(func=None):
            kind = getattr(func, "__name__", "")
            self[name] = Fault(name, does, scenario, tuple(expected),
                               completion=func if func and not kind.startswith("chunks_") else None,
                               chunks=func if func and kind.startswith("chunks_") else None,
                               transport=transport, dialect=self.dialect)
            return func
        return register

    def transports(self, asked) -> frozenset[str]:
        """The transport acts (handled by the HTTP side) of the asked faults of this set."""
        return frozenset(self[name].transport for name in set(asked) & set(self) if self[name].transport)

    def apply(self, asked, body: dict, answer: dict, events: list | None = None) -> None:
        """Apply the asked faults of this set: to the whole answer, then (when streamed) to its events."""
        for name in sorted(set(asked) & set(self)):
            mutate = self[name].completion if events is None else self[name].chunks
            if mutate:
                mutate(body, answer if events is None else events)
