"""A provider's documented example that breaks its own spec or prose: both documents, each quoted with its
source.

Such a row is a docs conflict, like two pages disagreeing, so it carries what a reviewer needs to see both
sides: what the example shows (at its JSON path, on the page it was printed on) and what the rule it breaks
says (the claim's quoted sentence, or the schema's own words at its location in the spec that judged it).
"""

from __future__ import annotations

from typing import Any

from chatconform.judging.run import RunContext
from chatconform.model.exchange import Exchange
from chatconform.model.finding import Finding, excerpt

CONSEQUENCE = "reported, not failed: a documented example is the provider's document, not its behaviour"


def conflict_extra(ex: Exchange, finding: Finding, run: RunContext) -> dict[str, Any]:
    """The finding's `extra` for a docs example breaking it: subject, the two sides, consequence."""
    where = ex.provenance.get("document") or ex.provenance.get("page") or str(ex.label or "the example")
    shown = finding.received if finding.received is not None else finding.excerpt
    example = {
        "source": str(where),
        "says": f"{finding.at}: {shown}" if shown is not None else finding.message,
    }
    rule = {
        "source": finding.source or finding.schema_at or finding.check,
        "says": finding.says or _schema_words(ex, finding, run) or finding.message,
    }
    return {
        **finding.extra,
        "subject": f"{finding.check}: the documented example of {ex.model} breaks it",
        "sides": [example, rule],
        "consequence": CONSEQUENCE,
    }


def _schema_words(ex: Exchange, finding: Finding, run: RunContext) -> str | None:
    """The schema's JSON at the finding's location, in the pinned spec that judged the exchange (or None)."""
    from chatconform.judging.route import judging_spec
    from chatconform.model.pointer import PointerError, resolve

    relpath, _, inner = (finding.schema_at or "").partition("#")
    spec = judging_spec(ex, run) if relpath else None
    if spec is None or f"specs/{spec.source.relpath}" != relpath:
        return None
    try:
        value = resolve(spec.raw, inner)
    except PointerError:
        return None
    words = excerpt(value, 300)
    return (
        f"{finding.keyword}: {words}" if finding.keyword and inner.endswith("/" + finding.keyword) else words
    )


__all__ = ["conflict_extra"]
