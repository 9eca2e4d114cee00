"""Conformance cases: (exchange, check) pairs of a cassette, with test ids that read as sentences."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chatconform.judging.claims import applicable_claims
from chatconform.judging.judge import SCHEMA, Row, judge
from chatconform.judging.run import RunContext
from chatconform.model.exchange import Exchange
from chatconform.recording.cassettes import load_cassette


@dataclass(frozen=True)
class Case:
    """One check of one exchange."""

    exchange: Exchange
    check: str
    scenario: str

    @property
    def id(self) -> str:
        """A test id that reads as a sentence: <provider>-<model>-<scenario>-<check>, e.g.
        acme-chat-large-docs-example-usage.total_is_sum."""
        model = (self.exchange.model or "no-model").split("/")[-1]
        return f"{self.exchange.provider}-{model}-{self.scenario}-{self.check}"


def cases_in(
    path: Path, run: RunContext, providers=(), models=(), select=None, problems: list | None = None
) -> list[Case]:
    """Every (exchange, check) pair of one cassette by provider and model; `select(ex, checks)` keeps some.
    Given a `problems` list, an interaction that cannot be read is a line there and the others still count."""
    cassette = load_cassette(path, run.data, strict=problems is None)
    if problems is not None:
        problems += cassette.problems
        if not cassette.exchanges and not cassette.problems:
            problems.append(f"{path}: no interactions: nothing to judge")
    cases = []
    for index, ex in enumerate(cassette.exchanges):
        if (providers and ex.provider not in providers) or (models and ex.model not in models):
            continue
        scenario = Path(path).stem + (f"-{index}" if len(cassette.exchanges) > 1 else "")
        checks = [SCHEMA] + [c.id for c in applicable_claims(ex, run)]
        cases += [Case(ex, check, scenario) for check in (select(ex, checks) if select else checks)]
    return cases


def run_case(case: Case, run: RunContext) -> Row:
    """The judged row of one case, through the one judging path."""
    return judge(case.exchange, run, only=case.check).rows[case.check]


__all__ = ["Case", "cases_in", "run_case", "SCHEMA"]
