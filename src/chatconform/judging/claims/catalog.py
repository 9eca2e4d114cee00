"""The claim catalog: ONE explicit loader, load_claims(), collects what the listed claim modules declare
and what installed packages add under the `chatconform.claims` entry point group."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import import_module
from types import MappingProxyType, ModuleType

from chatconform.judging.claims._context import context
from chatconform.judging.claims._predicates import facts, needs_of
from chatconform.judging.claims._registry import MARK, Claim, declared, evaluate
from chatconform.judging.run import RunContext
from chatconform.model.errors import UsageError
from chatconform.model.exchange import Exchange
from chatconform.model.extensions import CLAIMS, extensions
from chatconform.model.finding import Finding

# The claim modules, in the order the catalog lists their claims (one line each).
MODULES = (
    "dialects",
    "messages",
    "responses",
    "choices",
    "tools",
    "limits",
    "finish",
    "model",
    "modelslab",
    "requests",
    "streaming",
    "usage",
    "docs_pages",  # reads the provenance `catalog examples` writes
)


# Module-level on purpose: the claims are the package's code, the same for every run of this process; what a
# claim compares against (the provider data) reaches it through each run's Context, never through this.
@lru_cache(maxsize=1)
def load_claims() -> Mapping[str, Claim]:
    """id -> Claim for every built-in claim (the modules listed above), then every installed extension's."""
    registry: dict[str, Claim] = {}
    where: dict[str, str] = {}
    built_in = [(name, declared(import_module(f"chatconform.judging.claims.{name}"))) for name in MODULES]
    extended = [(f"entry point {name!r}", _claims_in(name, found)) for name, found in extensions(CLAIMS)]
    for origin, claims in [*built_in, *extended]:
        for found in claims:
            if found.id in registry:
                raise UsageError(f"claim {found.id!r} declared twice: in {where[found.id]} and in {origin}")
            registry[found.id], where[found.id] = found, origin
    return MappingProxyType(registry)


def _claims_in(name: str, found: object) -> list[Claim]:
    """The claims an extension's entry point names: a module's @claim functions, or one @claim function."""
    mark = getattr(found, MARK, None)
    claims = declared(found) if isinstance(found, ModuleType) else [mark] if isinstance(mark, Claim) else []
    if not claims:
        raise UsageError(f"the {CLAIMS} entry point {name!r} names no @claim function")
    return claims


def applicable_claims(ex: Exchange, run: RunContext) -> list[Claim]:
    """The claims that judge this exchange."""
    # asked once per collected exchange and again by each of its checks: worked out once, kept on its Context
    found = context(ex, run).once(
        ("applicable claims",),
        lambda ctx: [c for c in candidates(ex.provider, facts(ctx)) if c.applies_to(ctx)],
    )
    return list(found)


# Module-level on purpose: a function of the provider's name and the code's claims only (no run's data).
@lru_cache(maxsize=256)
def claims_for(provider: str) -> tuple[Claim, ...]:
    """The claims that may judge this provider's exchanges, in catalog order (Claim.applies' provider
    test)."""
    return tuple(c for c in load_claims().values() if "*" in c.providers or provider in c.providers)


# Module-level on purpose, as claims_for: a function of the code's claims and an exchange's facts only.
@lru_cache(maxsize=1024)
def candidates(provider: str, found: frozenset[str]) -> tuple[Claim, ...]:
    """The provider's claims whose predicates can hold for an exchange with these facts (the others cannot:
    each needs a fact the exchange lacks)."""
    return tuple(c for c in claims_for(provider) if needs_of(c.applies_to) <= found)


def run_claim(c: Claim, ex: Exchange, run: RunContext) -> list[Finding]:
    """The findings of one claim on one exchange (its Context shared with every other claim)."""
    return evaluate(c, context(ex, run))
