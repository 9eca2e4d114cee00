"""The claim catalog: ONE explicit loader, load_claims(), collects what the listed claim modules declare."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import import_module
from types import MappingProxyType

from chatconform.judging.claims._context import context
from chatconform.judging.claims._registry import Claim, declared, evaluate
from chatconform.model.exchange import Exchange
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


@lru_cache(maxsize=1)
def load_claims() -> Mapping[str, Claim]:
    """id -> Claim for every built-in claim, read once from the modules listed above."""
    registry: dict[str, Claim] = {}
    for name in MODULES:
        for found in declared(import_module(f"chatconform.judging.claims.{name}")):
            if found.id in registry:
                raise ValueError(f"claim {found.id!r} declared twice")
            registry[found.id] = found
    return MappingProxyType(registry)


def applicable_claims(ex: Exchange, store) -> list[Claim]:
    """The claims that judge this exchange."""
    # asked once per collected exchange and again by each of its checks: worked out once, kept on its Context
    found = context(ex, store).once(
        ("applicable claims",), lambda ctx: [c for c in claims_for(ex.provider) if c.applies_to(ctx)]
    )
    return list(found)


@lru_cache(maxsize=256)
def claims_for(provider: str) -> tuple[Claim, ...]:
    """The claims that may judge this provider's exchanges, in catalog order (Claim.applies' provider
    test)."""
    return tuple(c for c in load_claims().values() if "*" in c.providers or provider in c.providers)


def run_claim(c: Claim, ex: Exchange, store) -> list[Finding]:
    """The findings of one claim on one exchange (its Context shared with every other claim)."""
    return evaluate(c, context(ex, store))
