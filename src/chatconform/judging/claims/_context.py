"""What a claim reads: one Context per exchange (the exchange, the specs, the provider's data, the
completion)."""

from __future__ import annotations

from functools import cached_property

from chatconform.judging.claims._view import assembled, completion_choices
from chatconform.model.exchange import Exchange
from chatconform.providers import Documented, current, documented_value
from chatconform.providers.profiles import GENERIC, PROFILES


class _Documented:
    """documented_value per (provider, name, model), for the data in force: every exchange asks the same."""

    data: object = None
    known: dict = {}

    @classmethod
    def value(cls, provider: str, name: str, model: str | None) -> Documented | None:
        data = current()
        if data is not cls.data:  # other data put in force (a project file): forget what it said before
            cls.data, cls.known = data, {}
        key = (provider, name, model)
        if key not in cls.known:
            cls.known[key] = documented_value(provider, name, model)
        return cls.known[key]


class Context:
    """One exchange as the claims see it; built once per exchange and store (see context())."""

    def __init__(self, ex: Exchange, store) -> None:
        self.ex = ex
        self.store = store
        self._kept: dict = {}

    @property
    def sent(self) -> dict:
        """The request body as JSON ({} when it is not a JSON object)."""
        return self.ex.request_json

    @property
    def completion(self) -> dict | None:
        """The completion as a client ends up with it (the body, or the stream put together), computed
        once."""
        return assembled(self.ex)

    @property
    def choices(self) -> list[dict]:
        """The choices of the assembled completion ([] when there is none)."""
        return completion_choices(self.ex)

    @cached_property
    def dialect(self):
        """The exchange's dialect (None for a call no dialect knows)."""
        from chatconform.judging.route import dialect_of  # judging sits above the claims it runs

        return dialect_of(self.ex)

    @cached_property
    def answer(self):
        """The successful answer read in every dialect's shared terms (None when there is none)."""
        return self.dialect.answer(self.ex) if self.dialect is not None else None

    @cached_property
    def profile(self):
        """The provider's profile in the data in force (None for a provider the data does not know)."""
        return PROFILES.get(self.ex.provider)

    def documented(self, name: str) -> Documented | None:
        """What this provider documents under `name` for this model (its own sentence and source), if
        anything."""
        return self.once(
            f"documented {name}", lambda ctx: _Documented.value(ctx.ex.provider, name, ctx.ex.model)
        )

    def contract(self, name: str) -> Documented | None:
        """The provider's own documented value, else the generic OpenAI-compatible contract's."""
        return self.documented(name) or _Documented.value(GENERIC, name, self.ex.model)

    def once(self, name: str, compute):
        """A value derived from the exchange, computed by the first claim that asks and kept for the
        others."""
        if name not in self._kept:
            self._kept[name] = compute(self)
        return self._kept[name]


def context(ex: Exchange, store) -> Context:
    """The Context of an exchange for a spec store, kept on the exchange so every claim shares it."""
    kept = ex.__dict__.get("_cc_context")
    if kept is None or kept.store is not store:
        kept = ex.__dict__["_cc_context"] = Context(ex, store)
    return kept


def release(ex: Exchange) -> None:
    """Forget the Context kept on an exchange: the two refer to each other, so only the collector frees
    them."""
    ex.__dict__.pop("_cc_context", None)
