"""Which contract judges an exchange: its dialect, and the spec that documents the call, as the data says.

In order: the spec a provider's data names for the endpoint; the provider's own `spec`, and then the spec its
catalog pins for the model, each where it documents the call; the dialect's own contract (an unknown host's
/v1/messages is judged by Anthropic's, its /responses and /chat/completions by OpenAI's). An exchange no
dialect knows, to a host no provider claims, is not an API call (a recorded image download): not judged.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import cast

from chatconform.dialects import Contract, Dialect, contracts, dialect_named, recognise
from chatconform.judging.run import RunContext
from chatconform.model.errors import ChatconformError
from chatconform.model.exchange import Exchange, view
from chatconform.providers import GENERIC, ProviderData
from chatconform.specs import LoadedSpec, Source, SpecStore


@dataclass(frozen=True)
class Route:
    """The dialect of an exchange and the spec (a catalog source) that judges it, with the reason why."""

    dialect: Dialect | None
    source: Source | None  # None when no spec applies
    why: str
    problem: str = ""  # a spec the data names that does not exist

    @property
    def foreign(self) -> bool:
        """True for an exchange that is no API call at all (no dialect, no provider, no spec)."""
        return self.dialect is None and self.source is None and not self.problem


@view
def route(ex: Exchange, run: RunContext) -> Route:
    """The Route of an exchange, worked out once per exchange and run (a view keyed by the run)."""
    return _route(ex, run)


def dialect_of(ex: Exchange, data: ProviderData | None = None) -> Dialect | None:
    """The dialect an exchange speaks: the one the provider's data declares for the endpoint, else its
    path's.

    Without `data` (a report written after judging): the one decided when the exchange was judged, else its
    path's. Kept on the exchange with the data that decided it."""
    kept = cast("tuple[ProviderData, Dialect | None] | None", ex.views.get(dialect_of))
    if kept is not None and (data is None or kept[0] is data):
        return kept[1]
    if data is None:
        return recognise(ex.request)
    profile = data.get(ex.provider)
    declared = profile.contract_of(ex.request.path)[0] if profile else ""
    dialect = dialect_named(declared) if declared else recognise(ex.request)
    ex.views[dialect_of] = (data, dialect)
    return dialect


def contract_named(name: str) -> Contract | None:
    """The named contract, or None when `name` is not one (it may still be a [[source]] id)."""
    return contracts().get(name)


def _route(ex: Exchange, run: RunContext) -> Route:
    dialect = dialect_of(ex, run.data)
    # everything else a Route reads is the same for every call with this key: worked out once per run
    key = (_route, ex.provider, ex.model, ex.request.method, ex.request.path, dialect)
    return run.once(key, lambda: _worked_out(ex, run, dialect))


def _worked_out(ex: Exchange, run: RunContext, dialect: Dialect | None) -> Route:
    """The Route of a call by its provider, model, method, path and dialect (nothing else of it is read)."""
    data, store = run.data, run.store
    profile = data.get(ex.provider)
    declared_spec = profile.contract_of(ex.request.path)[1] if profile else ""
    if declared_spec:
        return _named(
            store, dialect, declared_spec, f"{ex.provider}'s data names {declared_spec!r} for this endpoint"
        )
    method, path = ex.request.method, ex.request.path
    tried: list[Route] = []
    if profile and profile.spec:
        found = _named(
            store, dialect, profile.spec, f"{ex.provider}'s data names {profile.spec!r} as its spec"
        )
        # (_named gives no source only with a problem)
        if found.problem or found.source is None or _documents(store, found.source, method, path):
            return found
        tried.append(found)
    # the catalog holds hundreds of sources: scanned once per provider, model and path of a run, not per call
    own = run.once(
        ("spec for", ex.provider, ex.model, path), lambda: store.catalog.spec_for(ex.provider, ex.model, path)
    )
    if own is not None:
        mine = Route(
            dialect,
            own,
            f"the spec {ex.provider} publishes for this model"
            if ex.provider != GENERIC
            else "OpenAI's spec, the contract of an OpenAI-compatible host",
        )
        if _documents(store, own, method, path):
            return mine
        tried.append(mine)
    elif ex.provider != GENERIC and store.catalog.models_of(ex.provider):
        # a provider that publishes a spec per model, asked for one it does not pin (a typo, a new model):
        # said as such, with the closest pinned ids, rather than judged by another contract
        return Route(dialect, None, f"{ex.provider} pins no spec for model {ex.model!r}")
    if dialect is not None:
        contract = contracts()[dialect.facts.contract]
        fallback = _source(store, contract.source)
        if fallback is not None:
            return Route(dialect, fallback, _default_why(ex, dialect, contract, tried))
    if ex.provider == GENERIC and dialect is None:
        return Route(
            None,
            None,
            "not an API call: no dialect serves this path, no provider claims this host "
            "and OpenAI's spec does not document it",
        )
    if tried:
        return tried[0]  # a spec that does not document the call: reported as such, never passed
    return Route(dialect, None, f"no spec for {ex.provider}")


def _default_why(ex: Exchange, dialect: Dialect, contract: Contract, tried: list[Route]) -> str:
    first = f"{dialect.facts.title}: judged by {contract.title}"
    if not tried or ex.provider == GENERIC:
        return first
    return f"{first} ({tried[0].why} does not document {ex.request.method} {ex.request.path})"


def _named(store: SpecStore, dialect: Dialect | None, name: str, why: str) -> Route:
    """The Route to a spec named in the data: a named contract, or the id of a source in the catalog."""
    contract = contract_named(name)
    source = _source(store, contract.source if contract else name)
    if source is None:
        known = [*contracts(), *(s.id for s in store.catalog.sources if s.kind == "spec")]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; named contracts: {', '.join(contracts())}"
        return Route(
            dialect,
            None,
            why,
            problem=f"spec {name!r} is neither a named contract nor a [[source]] id "
            f"of specs/sources.toml{hint}",
        )
    return Route(dialect, source, why)


def _source(store: SpecStore, source_id: str) -> Source | None:
    return next((s for s in store.catalog.sources if s.id == source_id and s.kind == "spec"), None)


def _documents(store: SpecStore, source: Source, method: str, path: str) -> bool:
    """True when the spec documents the call. A pinned spec that cannot load (damaged, not pulled) is taken
    at its word: the exchange's rows then say it cannot be read, never quietly judged by another spec."""
    try:
        return store.load(source).find_operation(method, path) is not None
    except ChatconformError:
        return True


def judging_spec(ex: Exchange, run: RunContext) -> LoadedSpec | None:
    """The loaded spec that judges an exchange (None when none does or it cannot load)."""
    source = route(ex, run).source
    try:
        return run.store.load(source) if source is not None else None
    except ChatconformError:
        return None
