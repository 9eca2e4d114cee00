"""What a claim reads: one Context per exchange (the exchange, the run's specs and provider data, the
completion)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from chatconform.judging.claims._view import assembled, completion_choices
from chatconform.judging.run import RunContext
from chatconform.model.exchange import Exchange
from chatconform.providers import Documented, Profile, ProviderData

if TYPE_CHECKING:
    from chatconform.dialects import Answer, Dialect
    from chatconform.specs import SpecStore

T = TypeVar("T")


class Context:
    """One exchange as the claims see it; built once per exchange and run (see context())."""

    def __init__(self, ex: Exchange, run: RunContext) -> None:
        self.ex = ex
        self.run = run
        self._kept: dict[Any, Any] = {}

    @property
    def store(self) -> SpecStore:
        """The run's pulled specs."""
        return self.run.store

    @property
    def data(self) -> ProviderData:
        """The run's provider data."""
        return self.run.data

    @property
    def sent(self) -> dict[str, Any]:
        """The request body as JSON ({} when it is not a JSON object)."""
        return self.ex.request_json

    @property
    def completion(self) -> dict[str, Any] | None:
        """The completion as a client ends up with it (the body, or the stream put together), computed
        once."""
        return assembled(self.ex)

    @property
    def choices(self) -> list[dict[str, Any]]:
        """The choices of the assembled completion ([] when there is none)."""
        return completion_choices(self.ex)

    @cached_property
    def dialect(self) -> Dialect | None:
        """The exchange's dialect (None for a call no dialect knows)."""
        from chatconform.judging.route import dialect_of  # judging sits above the claims it runs

        return dialect_of(self.ex, self.run.data)

    @cached_property
    def answer(self) -> Answer | None:
        """The successful answer read in every dialect's shared terms (None when there is none: never for a
        non-2xx, whatever a dialect's answer() does, as the claims' predicates count on)."""
        return self.dialect.answer(self.ex) if self.dialect is not None and self.ex.ok else None

    @cached_property
    def profile(self) -> Profile | None:
        """The provider's profile in the run's data (None for a provider the data does not know)."""
        return self.run.data.get(self.ex.provider)

    def documented(self, name: str) -> Documented | None:
        """What this provider documents under `name` for this model (its own sentence and source), if
        anything."""
        return self.run.data.documented_value(self.ex.provider, name, self.ex.model)

    def contract(self, name: str) -> Documented | None:
        """The provider's own documented value, else the generic OpenAI-compatible contract's."""
        return self.run.data.contract_value(self.ex.provider, name, self.ex.model)

    def once(self, name: Any, compute: Callable[[Context], T]) -> T:
        """A value derived from the exchange, computed by the first claim that asks and kept for the
        others."""
        if name not in self._kept:
            self._kept[name] = compute(self)
        value: T = self._kept[name]
        return value


def context(ex: Exchange, run: RunContext) -> Context:
    """The Context of an exchange for a run, kept on the exchange so every claim shares it."""
    kept = ex.__dict__.get("_cc_context")
    if kept is None or kept.run is not run:
        kept = ex.__dict__["_cc_context"] = Context(ex, run)
    assert isinstance(kept, Context)
    return kept


def release(ex: Exchange) -> None:
    """Forget the Context kept on an exchange: the two refer to each other, so only the collector frees
    them."""
    ex.__dict__.pop("_cc_context", None)
