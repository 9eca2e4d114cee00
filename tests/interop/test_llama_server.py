"""The live path end to end against a real OpenAI-compatible server we did not write: llama.cpp's
llama-server with a real small model (SmolLM2-135M-Instruct, Q4_1). Its deviations are findings of that
server, written to reports/interop/llama-server.json. The test fails when our machinery does, and when the
set of findings changes (a new deviation, or one fixed): tests/interop/llama_known.py says why each is one.
"""

import time

import pytest

from chatconform.judging.judge import judge
from chatconform.live.calls import Target, run
from chatconform.live.scenarios import SCENARIOS
from chatconform.recording.cassettes import load_cassette
from chatconform.recording.recorder import Scrubber, provenance, use_cassette
from chatconform.specs import SpecStore
from tests.builders import default_data, run_of
from tests.interop.beyond_catalog import EXTRA
from tests.interop.llama_known import MODEL_ID
from tests.interop.llama_known import SCENARIO_FINDINGS as KNOWN
from tests.interop.llama_report import difference, explain, summary
from tools.interop import error_shape_findings, server_findings
from tools.scan import scan_for

CATALOG = [s for s in SCENARIOS if s.for_provider("openai-compatible", run_of(SpecStore()))]


def judged(target, scenario, store):
    """Send one scenario and judge it: chatconform's judge, plus the error object's documented shape."""
    outcome = run(target, scenario, None, data=default_data())
    assert outcome.result.outcome == "answered", f"{scenario.id}: {outcome.result.detail}"
    ex = outcome.result.exchange
    findings = judge(ex, run_of(store)).findings + error_shape_findings(ex, store)
    return ex, findings


def test_llama_server_is_judged_and_its_findings_reported(llama_target, spec_store, interop_report):
    section, shown = {}, set()
    for scenario in [*CATALOG, *EXTRA]:
        started = time.monotonic()
        ex, findings = judged(llama_target, scenario, spec_store)
        own = sorted({f.check for f in server_findings(findings)})
        shown |= {f"{scenario.id}: {check}" for check in own}
        section[scenario.id] = {
            "request": ex.request_json,
            "status": ex.response.status,
            "seconds": round(time.monotonic() - started, 2),
            "verdict": "fail" if any(f.severity == "violation" for f in findings) else "pass",
            "server_findings": own,
            "findings": [f.brief() for f in findings],
        }
    interop_report.section("scenarios", section, explain(shown, KNOWN))
    print("\n" + summary("scenario", section, 28))
    assert section["stream"]["status"] == 200, "the catalog's stream scenario must be answered to be judged"
    assert shown == set(KNOWN), difference(shown, KNOWN)


def test_recording_a_real_server_gives_a_scrubbed_cassette_that_verifies_the_same(
    llama, llama_target, spec_store, tmp_path
):
    target = Target("openai-compatible", MODEL_ID, base_url=llama["base_url"], key_env="LLAMA_SERVER_KEY")
    cassette = tmp_path / "stream.yaml"
    scenario = next(s for s in SCENARIOS if s.id == "stream")
    with use_cassette(
        cassette,
        "record",
        provenance("live", "openai-compatible", target.model, server="llama.cpp llama-server"),
        Scrubber(),
    ):
        outcome = run(target, scenario, None, data=default_data())
    assert scan_for([llama["key"]], [cassette]) == []
    replayed = load_cassette(cassette, default_data())
    assert replayed.provenance["origin"] == "live" and replayed.provenance["recorded_at"]
    live_checks = sorted(f.check for f in judge(outcome.result.exchange, run_of(spec_store)).findings)
    replay_checks = sorted(f.check for f in judge(replayed.exchanges[0], run_of(spec_store)).findings)
    assert live_checks == replay_checks


@pytest.mark.parametrize("scenario", EXTRA, ids=[s.id for s in EXTRA])
def test_scenarios_beyond_the_catalog_are_well_formed(scenario):
    """Each extra scenario is a chat request the catalog does not already send."""
    assert scenario.endpoint == "chat" and scenario.id not in {s.id for s in SCENARIOS}
    assert scenario.body("m")["model"] == "m"
