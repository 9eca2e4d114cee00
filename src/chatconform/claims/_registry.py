"""The claim registry: a documented behaviour is data plus one check function."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from chatconform.exchange import Exchange
from chatconform.findings import Finding


@dataclass(frozen=True)
class Claim:
    """A documented behaviour: what the provider says, where, when it applies, and its check."""

    id: str
    says: str
    source: str
    severity: str
    applies_to: Callable[[Exchange], bool]
    check: Callable[..., Iterable[Finding]]
    providers: tuple[str, ...] = ("*",)
    implied: bool = False  # True when only OpenAI compatibility implies it, not the provider's own words
    doc: str = ""

    def applies(self, ex: Exchange, store=None) -> bool:
        """True when this claim judges the exchange (a predicate may also read the specs)."""
        if "*" not in self.providers and ex.provider not in self.providers:
            return False
        if _arity(self.applies_to) > 1:
            return bool(self.applies_to(ex, store))
        return bool(self.applies_to(ex))


def _arity(func) -> int:
    code = getattr(func, "__code__", None)
    return code.co_argcount if code else 1


CLAIMS: dict[str, Claim] = {}


def claim(*, id: str, says: str, source: str, applies_to, severity: str = "violation",
          providers=("*",), implied: bool = False):
    """Register a check function as the claim `id`."""
    def register(func):
        if id in CLAIMS:
            raise ValueError(f"claim {id!r} registered twice")
        CLAIMS[id] = Claim(id=id, says=says, source=source, severity=severity, applies_to=applies_to,
                           check=func, providers=tuple(providers), implied=implied,
                           doc=(func.__doc__ or "").strip())
        return func
    return register


def run_claim(c: Claim, ex: Exchange, store) -> list[Finding]:
    """The findings of one claim, stamped with its id, severity, quote and source."""
    out = []
    for finding in _call(c, ex, store):
        finding.check = finding.check or c.id
        finding.severity = finding.severity or c.severity
        finding.says = finding.says or c.says
        finding.source = finding.source or c.source
        out.append(finding)
    return out


def _call(c: Claim, ex: Exchange, store) -> Iterator[Finding]:
    try:
        yield from c.check(ex, store) if _arity(c.check) > 1 else c.check(ex)
    except (KeyError, TypeError, IndexError, AttributeError) as err:
        # A response too malformed for the claim to read is already a schema finding; say why here.
        yield Finding(c.id, "warning", "claim", message=f"could not evaluate: {type(err).__name__}: {err}")


def applicable_claims(ex: Exchange, store) -> list[Claim]:
    """The claims that judge this exchange."""
    from chatconform.claims import catalog  # noqa: F401  (registers the claims)

    return [c for c in CLAIMS.values() if c.applies(ex, store)]


def claim_findings(ex: Exchange, store) -> list[Finding]:
    """Findings of every claim that applies to the exchange."""
    from chatconform.claims import catalog  # noqa: F401  (registers the claims)

    out: list[Finding] = []
    for c in CLAIMS.values():
        if c.applies(ex, store):
            out += run_claim(c, ex, store)
    return out
