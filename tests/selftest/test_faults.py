"""Every fault of the reference provider is caught by exactly its check; the clean server yields nothing."""

import pytest

from chatconform.refserver import FAULTS
from chatconform.selftest import run_clean, run_fault


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_caught_by_exactly_its_check(reference_server, spec_store, name):
    kill = run_fault(reference_server, name, spec_store)
    assert kill.killed, f"{name}: expected {kill.expected}, caught {kill.caught}"


def test_the_clean_reference_server_yields_no_findings(reference_server, spec_store):
    results = run_clean(reference_server, spec_store)
    assert len(results) > 50
    dirty = {where: [getattr(f, "check", f) for f in found] for where, found in results if found}
    assert dirty == {}
