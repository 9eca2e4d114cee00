"""Judging an exchange: the spec's rules plus every documented behaviour that applies to it."""

from __future__ import annotations

from dataclasses import dataclass

from chatconform.errors import ChatconformError
from chatconform.exchange import Exchange
from chatconform.findings import Finding, verdict
from chatconform.schemacheck import schema_findings
from chatconform.specs import SpecStore


@dataclass
class Judgement:
    """An exchange with its findings and verdict."""

    exchange: Exchange
    findings: list[Finding]

    @property
    def verdict(self) -> str:
        """pass, fail or gap."""
        return verdict(self.findings)


def judge(ex: Exchange, store: SpecStore) -> Judgement:
    """All findings for one exchange; a spec that cannot be loaded is a finding, not a crash."""
    try:
        findings = schema_findings(ex, store)
    except ChatconformError as err:
        findings = [Finding("spec-gap.unloadable", "warning", "gap", message=str(err))]
    from chatconform.claims import claim_findings

    findings += claim_findings(ex, store)
    return Judgement(exchange=ex, findings=findings)
