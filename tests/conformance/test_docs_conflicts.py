"""Disagreements between a provider's own documents: shown to reviewers, never silently resolved."""

import warnings

import pytest

from chatconform.claims.conflicts import docs_conflicts
from chatconform.findings import Finding
from chatconform.specs import SpecStore


class DocsConflict(UserWarning):
    """Two documents of one provider disagree."""


CONFLICTS = docs_conflicts(SpecStore())


@pytest.mark.parametrize("conflict", CONFLICTS, ids=[c.id for c in CONFLICTS])
def test_docs_conflict_is_reported(conflict, results_log, request, pytestconfig):
    providers = pytestconfig.getoption("--provider")
    if providers and conflict.provider not in providers:
        pytest.skip(f"provider {conflict.provider} not selected")
    findings = [Finding(f"docs-conflict.{conflict.id}", "warning", "docs-conflict", message=(
        f"{conflict.subject}: " + " vs ".join(f'{s.source} says "{s.says}"' for s in conflict.sides)
        + f"; {conflict.consequence}"), source=conflict.sides[0].source, says=conflict.sides[0].says,
        extra=conflict.to_dict())]
    results_log.add(provider=conflict.provider, model=None, check=f"docs-conflict.{conflict.id}",
                    verdict="conflict", origin="docs", label=conflict.subject, findings=findings,
                    test_id=request.node.nodeid)
    assert len(conflict.sides) >= 2 and all(side.says for side in conflict.sides)
    warnings.warn(DocsConflict(findings[0].message))
