"""Judging an exchange: the ONE path from an Exchange to findings and verdicts, per check.

Replay, verify, live, fuzzing and the self-test all call judge(); each check that applies (the spec's
rules as `schema`, then every claim) becomes a Row whose verdict already counts the provider's known
deviations, so a live row and a replay row of the same model and check read the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial

from chatconform.judging.route import route  # at the top: judge() is called per exchange
from chatconform.judging.run import RunContext
from chatconform.model.errors import ChatconformError
from chatconform.model.exchange import Exchange
from chatconform.model.finding import GAP_KIND, Finding
from chatconform.model.verdict import CONFLICT, EVERYWHERE, FAIL, GAP, KNOWN, NOT_RUN, PASS, worst
from chatconform.providers import Deviation, ProviderData

DOCS = "docs"  # the origin of an exchange printed in a provider's documentation

SCHEMA = "schema"
Declared = dict[str, Deviation | None]  # check -> the deviation declared for it (see _declared)


@dataclass
class Row:
    """One check of one exchange: its findings, its verdict and why."""

    check: str
    findings: list[Finding]
    verdict: str = PASS
    reason: str | None = None
    seconds: float = 0.0
    deviation: Deviation | None = None  # the profile's Deviation that explains this row's violations
    stale: Deviation | None = None  # a Deviation declared for this check that this exchange no longer shows
    acknowledged: Deviation | None = None  # the profile's acknowledgement that lets this gap stay unjudged


@dataclass
class Judgement:
    """An exchange with one Row per check that applied."""

    exchange: Exchange
    rows: dict[str, Row] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every row."""
        return [f for row in self.rows.values() for f in row.findings]

    @property
    def verdict(self) -> str:
        """The worst row verdict: fail only for a violation no known deviation explains."""
        return worst(row.verdict for row in self.rows.values())

    def known(self) -> list[Row]:
        """The rows that fail as declared known deviations."""
        return [row for row in self.rows.values() if row.verdict == KNOWN]


def judge(ex: Exchange, run: RunContext, only: str | None = None) -> Judgement:
    """Every applicable check of one exchange (or just `only`) with a run's provider data and specs; a spec
    that cannot load is a gap, not a crash."""
    from chatconform.judging.claims import applicable_claims, context, evaluate

    judgement = Judgement(exchange=ex)
    way = route(ex, run)
    if way.foreign:  # a recorded image download beside the API calls: nothing of an API to judge
        judgement.rows[SCHEMA] = Row(
            SCHEMA,
            [Finding("exchange.not-an-api-call", "info", "skip", message=way.why)],
            verdict=NOT_RUN,
            reason=way.why,
        )
        return judgement
    declared = _declared(ex, run)
    if only in (None, SCHEMA):
        judgement.rows[SCHEMA] = _row(ex, run.data, SCHEMA, lambda: _schema(ex, run), declared)
    ctx = context(ex, run)  # the one every claim reads (what run_claim would look up claim by claim)
    for claim in applicable_claims(ex, run):
        if only in (None, claim.id):
            judgement.rows[claim.id] = _row(ex, run.data, claim.id, partial(evaluate, claim, ctx), declared)
    for row in judgement.rows.values():
        _sides(ex, row, run)
        _defect_link(ex, row, run)
    return judgement


def _defect_link(ex: Exchange, row: Row, run: RunContext) -> None:
    """A declared spec defect links to the spec that judged this exchange (it is that document's defect), not
    to the one spec the declaration names as its example (a qwen3-32b row linked to a Gemini spec)."""
    deviation = row.deviation
    if row.verdict == KNOWN and deviation is not None and deviation.kind == "spec-defect":
        from chatconform.judging.route import judging_spec

        spec = judging_spec(ex, run)
        if spec is not None and spec.source.url and spec.source.url != deviation.link:
            _known(row, replace(deviation, link=spec.source.url))


def _sides(ex: Exchange, row: Row, run: RunContext) -> None:
    """A docs example's conflict row: its first violation quotes both documents (the example, the rule)."""
    if row.verdict == CONFLICT:
        from chatconform.judging.example_conflict import conflict_extra

        first = next(f for f in row.findings if f.severity == "violation")
        first.extra = conflict_extra(ex, first, run)


def _schema(ex: Exchange, run: RunContext) -> list[Finding]:
    from chatconform.judging.schema import schema_findings

    try:
        return schema_findings(ex, run)
    except ChatconformError as err:
        return [Finding("spec-gap.unloadable", "warning", GAP_KIND, message=str(err))]


def _row(
    ex: Exchange,
    data: ProviderData,
    check: str,
    run: Callable[[], Iterable[Finding]],
    declared: Declared | None = None,
) -> Row:
    """Run one check and give it its verdict, known deviations applied (`declared`: see _declared; a table
    of its own when not given)."""
    declared = {} if declared is None else declared
    start = time.perf_counter()
    findings = list(run())
    row = Row(check=check, findings=findings, seconds=time.perf_counter() - start)
    if not findings:  # most rows: a pass, unless a deviation declared for this check has gone stale
        row.stale = _stale(ex, data, check, declared)
        return row
    violations = [f for f in findings if f.severity == "violation"]
    deviations = [_deviation(ex, data, f.check, declared) for f in violations]  # each remembered
    if violations and deviations[0] is not None and all(deviations):
        _known(row, deviations[0])
    elif violations and ex.origin == DOCS:
        # a documentation example is the provider's document, not its behaviour: breaking the provider's
        # spec or prose there means its documents disagree (reported for reviewers, not a provider failure)
        row.verdict = CONFLICT
        row.reason = f"the provider's documented example breaks this rule: {violations[0].message}"
    elif violations:
        row.verdict = FAIL
    elif any(f.kind == GAP_KIND for f in findings):
        gaps = [f for f in findings if f.kind == GAP_KIND]
        row.verdict, row.reason = GAP, "; ".join(f.message for f in gaps)
        row.acknowledged = data.acknowledgement_for(
            ex.provider, check, ex.model, ex.origin, [f.check for f in gaps]
        )
    else:
        row.stale = _stale(ex, data, check, declared)
    return row


def _known(row: Row, deviation: Deviation) -> None:
    """A row failing as a declared deviation: its verdict, the deviation, and the reason with its link."""
    row.verdict, row.deviation = KNOWN, deviation
    said = EVERYWHERE if getattr(deviation, "everywhere", False) else "known deviation"
    row.reason = f"{said}: {deviation.reason} ({deviation.link})"


def _stale(ex: Exchange, data: ProviderData, check: str, declared: Declared) -> Deviation | None:
    """A deviation declared for a check this exchange passes (one declared to show only sometimes is not)."""
    found = _deviation(ex, data, check, declared)
    return None if found is None or found.sometimes else found


def _declared(ex: Exchange, run: RunContext) -> Declared:
    """check -> the deviation declared for it, of this exchange's provider, model, origin and endpoint: one
    table per run and combination, filled as rows ask (the rows of every call to one endpoint share it)."""
    return run.once((_declared, ex.provider, ex.model, ex.origin, ex.request.path), dict)


def _deviation(ex: Exchange, data: ProviderData, check: str, declared: Declared) -> Deviation | None:
    """The deviation covering `check` here, kept in the table (see _declared) for the next row."""
    if check not in declared:
        declared[check] = data.deviation_for(ex.provider, check, ex.model, ex.origin, ex.request.path)
    found: Deviation | None = declared[check]
    return found
