"""What a fault is, and one dialect's set of them (each dialect's module applies only its own; the behaviour
set, dialect EVERY, applies in every dialect)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

EVERY = "every"  # the dialect of a set whose faults break every dialect's answers alike


@dataclass(frozen=True)
class Fault:
    """A way to break the contract: what it does, the scenario that shows it, and the check that must fail
    (or, for a behaviour, the measures and their verdicts)."""

    name: str
    does: str
    scenario: str
    expected: tuple[str, ...]  # check ids, or ("provider-unavailable",) for outages
    completion: Callable | None = None  # mutates a whole answer (request body, answer dict)
    chunks: Callable | None = None  # mutates the list of stream events (request body, events)
    transport: str | None = None  # handled by the HTTP layer
    dialect: str = "openai-chat"  # the dialect whose answers it breaks
    upstream: Callable | None = None  # the request as the answering model sees it: (dialect, body) -> body
    measures: tuple[str, ...] = ()  # "measure=verdict": what the behavioural measures must say, every dialect
    carriers: tuple[str, ...] = ()  # measures sent only for a free one (usage, identity) to read answers of


class FaultSet(dict):
    """name -> Fault for one dialect; `fault(...)` registers one (a function chunks_* mutates events,
    upstream_* rewrites the request, any other the whole answer)."""

    def __init__(self, dialect: str):
        super().__init__()
        self.dialect = dialect

    def fault(self, name, does, scenario, *expected, transport=None, measures=(), carriers=()):
        """Register a fault; the decorated function (if any) mutates an answer, its events or the request."""

        def register(func=None):
            kind = getattr(func, "__name__", "").split("_")[0] if func else ""
            self[name] = Fault(
                name,
                does,
                scenario,
                tuple(expected),
                completion=func if func and kind not in ("chunks", "upstream") else None,
                chunks=func if kind == "chunks" else None,
                transport=transport,
                dialect=self.dialect,
                upstream=func if kind == "upstream" else None,
                measures=tuple(measures),
                carriers=tuple(carriers),
            )
            return func

        return register

    def transports(self, asked) -> frozenset[str]:
        """The transport acts (handled by the HTTP side) of the asked faults of this set."""
        return frozenset(self[name].transport for name in set(asked) & set(self) if self[name].transport)

    def upstream(self, asked, dialect: str, body: dict) -> dict:
        """The request as the answering model sees it under the asked faults of this set."""
        for name in sorted(set(asked) & set(self)):
            if self[name].upstream:
                body = self[name].upstream(dialect, body)
        return body

    def apply(self, asked, body: dict, answer: dict, events: list | None = None) -> None:
        """Apply the asked faults of this set: to the whole answer, then (when streamed) to its events."""
        for name in sorted(set(asked) & set(self)):
            mutate = self[name].completion if events is None else self[name].chunks
            if mutate:
                mutate(body, answer if events is None else events)
