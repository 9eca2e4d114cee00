"""Live scenarios (--mode live / record): each request judged by the spec and every claim that applies."""

import pytest

from chatconform.budget import Ledger
from chatconform.judge import judge
from chatconform.live import run
from chatconform.paths import project_root, reports_dir
from chatconform.report.allure_attach import annotate
from chatconform.recorder import Scrubber, provenance, save_regression, use_cassette
from chatconform.scenarios import SCENARIOS
from chatconform.targets import describe, live_targets

pytestmark = pytest.mark.live


def pytest_generate_tests(metafunc):
    if "target_case" not in metafunc.fixturenames:
        return
    config = metafunc.config
    targets = live_targets(config.getoption("--provider"), config.getoption("--model"),
                           config.getoption("--base-url"), config.getoption("--api-key-env"))
    cases = [(t, why, s) for t, why in targets for s in SCENARIOS if s.for_provider(t.provider)]
    metafunc.parametrize("target_case", cases, ids=[f"{t.id}-live-{s.id}" for t, _, s in cases])


@pytest.fixture(scope="session")
def ledger(pytestconfig):
    """The run's budget, shared by xdist workers through a locked file."""
    return Ledger(reports_dir() / ".budget.json", pytestconfig.getoption("--budget-usd"))


def test_live_scenario(target_case, ledger, spec_store, results_log, cc_mode, request):
    target, missing_key, scenario = target_case
    if missing_key:
        pytest.skip(missing_key)
    cassette = project_root() / "cassettes" / target.provider / target.model.split("/")[-1] / f"{scenario.id}.yaml"
    if cc_mode == "record":
        with use_cassette(cassette, "record", provenance("live", target.provider, target.model, scenario=scenario.id),
                          Scrubber()):
            outcome = run(target, scenario, ledger)
    else:
        outcome = run(target, scenario, ledger)
    label = f"{target.id}/{scenario.id}"
    results_log.spend.update(ledger.snapshot())
    if outcome.not_run:
        results_log.add(provider=target.provider, model=target.model, check="live." + scenario.id, verdict="not-run",
                        origin="live", label=label, findings=[], reason=outcome.not_run, test_id=request.node.nodeid)
        pytest.skip(outcome.not_run)
    if outcome.result.outcome == "provider-unavailable":
        results_log.add(provider=target.provider, model=target.model, check="live." + scenario.id,
                        verdict="unavailable", origin="live", label=label, findings=[], reason=outcome.result.detail,
                        test_id=request.node.nodeid)
        pytest.skip(f"provider-unavailable ({describe(target)}): {outcome.result.detail}")
    findings = judge(outcome.result.exchange, spec_store).findings
    annotate(outcome.result.exchange, "live." + scenario.id, findings,
             spec_store.spec_for(target.provider, target.model))
    violations = [f for f in findings if f.severity == "violation"]
    results_log.add(provider=target.provider, model=target.model, check="live." + scenario.id,
                    verdict="fail" if violations else "pass", origin="live", label=label, findings=findings,
                    test_id=request.node.nodeid, exchange=outcome.result.exchange)
    if violations:
        saved = save_regression(outcome.result.exchange, project_root() / "cassettes", violations[0].check)
        pytest.fail(f"{len(violations)} violation(s) from {describe(target)}; saved {saved}:\n" + "\n".join(
            f"  {f.check} {f.at}: {f.message}" for f in violations))
