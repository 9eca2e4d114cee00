"""Conformance cases: (exchange, check) pairs collected from cassettes, with readable test ids."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from chatconform.cassettes import find_cassettes, load_cassette
from chatconform.claims import CLAIMS
from chatconform.claims._registry import run_claim
from chatconform.exchange import Exchange
from chatconform.findings import Finding, verdict
from chatconform.profiles import deviation_for
from chatconform.schemacheck import schema_findings

SCHEMA = "schema"


@dataclass(frozen=True)
class Case:
    """One check of one exchange."""

    exchange: Exchange
    check: str
    scenario: str

    @property
    def id(self) -> str:
        """A test id that reads as a sentence: aimlapi-gemini-2.5-flash-docs-example-usage.total_is_sum."""
        model = (self.exchange.model or "no-model").split("/")[-1]
        return f"{self.exchange.provider}-{model}-{self.scenario}-{self.check}"


def collect(folder: Path, store, providers=(), models=()) -> list[Case]:
    """Every (exchange, check) pair of the cassettes below a folder, filtered by provider and model."""
    from chatconform.claims import catalog  # noqa: F401  (registers the claims)

    cases = []
    for path in find_cassettes([folder]):
        cassette = load_cassette(path)
        for index, ex in enumerate(cassette.exchanges):
            if (providers and ex.provider not in providers) or (models and ex.model not in models):
                continue
            scenario = path.stem + (f"-{index}" if len(cassette.exchanges) > 1 else "")
            checks = [SCHEMA] + [c.id for c in CLAIMS.values() if c.applies(ex, store)]
            cases += [Case(ex, check, scenario) for check in checks]
    return cases


def run_case(case: Case, store) -> tuple[list[Finding], float]:
    """The findings of one case and the seconds it took."""
    start = time.perf_counter()
    if case.check == SCHEMA:
        findings = schema_findings(case.exchange, store)
    else:
        findings = run_claim(CLAIMS[case.check], case.exchange, store)
    return findings, time.perf_counter() - start


def known_deviation(case: Case, findings: list[Finding]):
    """The profile's known deviation that explains every violation of this case, if one does."""
    ex = case.exchange
    violations = [f for f in findings if f.severity == "violation"]
    found = [deviation_for(ex.provider, f.check, ex.model, ex.origin) for f in violations]
    return found[0] if found and all(found) else None


__all__ = ["Case", "collect", "run_case", "known_deviation", "verdict", "SCHEMA"]
