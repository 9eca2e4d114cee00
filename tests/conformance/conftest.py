"""Conformance cases are generated from the cassettes (and, in live mode, from live calls)."""

from chatconform.cases import collect
from chatconform.paths import project_root
from chatconform.specs import SpecStore


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        config = metafunc.config
        cases = collect(project_root() / "cassettes", SpecStore(), providers=config.getoption("--provider"),
                        models=config.getoption("--model"))
        metafunc.parametrize("case", cases, ids=[c.id for c in cases])
