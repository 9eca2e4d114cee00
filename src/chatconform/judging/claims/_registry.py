"""A claim: a documented behaviour declared as data plus one check function that takes one Context.

`@claim` only marks the function; chatconform.judging.claims.catalog.load_claims() collects the marks of the
modules it lists. Nothing is registered by importing a module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from chatconform.judging.claims._context import Context
from chatconform.model.finding import GAP_KIND, Finding
from chatconform.providers import Documented, ProviderData

MARK = "__chatconform_claim__"


@dataclass(frozen=True)
class Claim:
    """A documented behaviour: what the provider says, where, when it applies, and its check."""

    id: str
    says: str
    source: str
    severity: str
    applies_to: Callable[[Context], bool]
    check: Callable[[Context], Iterable[Finding]]
    providers: tuple[str, ...] = ("*",)
    implied: bool = False  # True when only OpenAI compatibility implies it, not the provider's own words
    documented: str = ""  # a documented value's name: each provider's findings quote its own sentence for it
    doc: str = ""
    quoted_by_dialect: bool = False  # each dialect's own words for it, from its dialect.toml [quotes]

    def quotes(self, data: ProviderData) -> list[Documented]:
        """Each provider's own sentence for the documented value this claim reads, from a run's data."""
        return data.documented_values(name=self.documented) if self.documented else []


def claim(
    *,
    id: str,
    says: str,
    source: str,
    applies_to,
    severity: str = "violation",
    providers=("*",),
    implied: bool = False,
    documented: str = "",
    quoted_by_dialect: bool = False,
):
    """Declare a check function as the claim `id` (load_claims() collects it)."""

    def declare(func):
        setattr(
            func,
            MARK,
            Claim(
                id=id,
                says=says,
                source=source,
                severity=severity,
                applies_to=applies_to,
                check=func,
                providers=tuple(providers),
                implied=implied,
                documented=documented,
                doc=(func.__doc__ or "").strip(),
                quoted_by_dialect=quoted_by_dialect,
            ),
        )
        return func

    return declare


def declared(module: ModuleType) -> list[Claim]:
    """The claims a module declares, in the order it defines them (imported ones are its source's)."""
    return [
        getattr(value, MARK)
        for value in vars(module).values()
        if isinstance(getattr(value, MARK, None), Claim)
        and getattr(value, "__module__", None) == module.__name__
    ]


def evaluate(c: Claim, ctx: Context) -> list[Finding]:
    """The findings of one claim, stamped with its id, severity, and the quote and source they rest on."""
    own = ctx.documented(c.documented) if c.documented else None
    says, source = (own.says, own.source) if own else (c.says, c.source)
    if c.quoted_by_dialect and ctx.dialect is not None:
        quote = ctx.dialect.facts.data.get("quotes", {}).get(c.id, {})
        says, source = quote.get("says", says), quote.get("source", source)
    out = []
    for finding in _call(c, ctx):
        finding.check = finding.check or c.id
        finding.severity = finding.severity or c.severity
        finding.says = finding.says or says
        finding.source = finding.source or source
        out.append(finding)
    return out


def _call(c: Claim, ctx: Context) -> Iterator[Finding]:
    try:
        yield from c.check(ctx)
    except Exception as err:  # noqa: BLE001 (whatever a check raises, its row must not read as a pass)
        # an answer too malformed for the claim to read (or a bug in the claim): not judged, said why
        text = " ".join(str(err).split())[:200]
        yield Finding(
            c.id,
            "warning",
            GAP_KIND,
            message=f"claim {c.id} could not judge this answer: {type(err).__name__}: {text}",
        )
