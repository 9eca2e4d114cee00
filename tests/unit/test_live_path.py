"""The live path against the reference provider: retries, outages, budget (also under xdist)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chatconform import providers
from chatconform.live.budget import BudgetExhausted, Estimate, Ledger
from chatconform.live.calls import Target, run
from chatconform.live.client import RetryPolicy
from chatconform.live.scenarios import BY_ID, SCENARIOS
from chatconform.refserver import ReferenceServer
from chatconform.refserver._http import FAULT_HEADER
from chatconform.specs import SpecStore
from tests.builders import default_data, run_of

DATA = default_data()

ROOT = Path(__file__).resolve().parents[2]
# A provider only a project file declares: its models, reasoning, default limit and endpoint are data.
ACME = """
[providers.acme]
base_url = "https://acme.invalid/api"
key_env = "ACME_KEY"
models = ["acme-think", "acme-plain"]
reasoning_models = ["acme-think"]

[providers.acme.endpoints]
models = { path = "/v1/models", auth = "x-api-key" }

[[providers.acme.documented]]
name = "default_max_tokens"
value = 7
models = ["acme-*"]
says = "The default max_tokens is 7."
source = "https://acme.invalid/docs (as seeded)"
"""


def recording_policy(attempts=3):
    sleeps = []
    return RetryPolicy(
        attempts=attempts, base_delay=0.01, max_delay=0.02, read_timeout=1.0, sleep=sleeps.append
    ), sleeps


def target(server, provider="openai-compatible", contract="openai", model="ref"):
    return Target(
        provider,
        model,
        base_url=server.base_url(contract),
        key_env="CHATCONFORM_REFERENCE_KEY",
        origin="reference",
    )


def test_429_is_retried_honouring_retry_after_then_called_unavailable(reference_server):
    policy, sleeps = recording_policy()
    outcome = run(
        target(reference_server), BY_ID["basic"], None, policy, {FAULT_HEADER: "rate-limit"}, data=DATA
    )
    assert outcome.result.outcome == "provider-unavailable" and outcome.result.attempts == 3
    assert sleeps == [0.0, 0.0]  # Retry-After: 0, honoured instead of the backoff
    assert "HTTP 429" in outcome.result.detail


def test_a_4xx_contract_answer_is_never_retried(reference_server):
    policy, sleeps = recording_policy()
    outcome = run(target(reference_server), BY_ID["invalid-temperature"], None, policy, data=DATA)
    assert (outcome.result.outcome, outcome.result.attempts, sleeps) == ("answered", 1, [])
    assert outcome.result.exchange.response.status == 400


@pytest.mark.parametrize("fault", ["reset", "slow", "bad-gateway-html"])
def test_transport_failures_are_outages_not_contract_failures(reference_server, fault):
    policy, sleeps = recording_policy(attempts=2)
    outcome = run(target(reference_server), BY_ID["basic"], None, policy, {FAULT_HEADER: fault}, data=DATA)
    assert outcome.result.outcome == "provider-unavailable" and len(sleeps) == 1


def test_backoff_is_jittered_and_capped():
    policy = RetryPolicy(base_delay=1, max_delay=4)
    delays = [policy.delay(attempt, None) for attempt in range(8)]
    assert all(0.5 <= d <= 4 for d in delays) and max(delays) <= 4
    assert policy.delay(0, "7") == 7.0 and policy.delay(0, "999") == policy.retry_after_cap


def test_the_ledger_refuses_before_sending(tmp_path):
    ledger = Ledger(tmp_path / "b.json", 0.01)
    ledger.reserve(Estimate(0.006, 10))
    with pytest.raises(BudgetExhausted):
        ledger.reserve(Estimate(0.006, 10))
    ledger.settle(Estimate(0.006, 10), 0.001, 10)
    ledger.reserve(Estimate(0.006, 10))
    snap = ledger.snapshot()
    assert snap["refused"] == 1 and snap["requests"] == 1 and snap["spent_usd"] == pytest.approx(0.001)


@pytest.mark.slow  # a live pytest run in a subprocess
@pytest.mark.parametrize("workers", [None, "2"])
def test_a_tiny_budget_stops_sending_and_reports_the_rest_as_not_run(reference_server, tmp_path, workers):
    # the reference provider's own key: with another one every answer is a 401, which judges nothing
    env = {
        **os.environ,
        "CHATCONFORM_REPORTS": str(tmp_path),
        "REFKEY": os.environ["CHATCONFORM_REFERENCE_KEY"],
    }
    # the plugin is the suite: in live mode the project's cassettes/ folder collects the live catalog
    args = [
        sys.executable,
        "-m",
        "pytest",
        str(ROOT / "cassettes"),
        "-q",
        "--mode",
        "live",
        "--base-url",
        reference_server.base_url("openai"),
        "--api-key-env",
        "REFKEY",
        "--model",
        "ref",
        "--budget-usd",
        "0.003",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(ROOT),
    ]
    if workers:
        args += ["-n", workers]
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    verdicts = [r["verdict"] for r in results["results"]]
    assert verdicts.count("not-run") >= 1 and verdicts.count("pass") >= 1
    assert all("budget" in r["reason"] for r in results["results"] if r["verdict"] == "not-run")
    assert results["spend"]["spent_usd"] <= 0.003
    budget = json.loads((tmp_path / ".budget.json").read_text())
    assert budget["spent_usd"] <= 0.003 and budget["refused"] == verdicts.count("not-run")


@pytest.fixture
def acme(tmp_path, monkeypatch, spec_store):
    """A reference server serving the provider data of ACME's project file (found walking up, as a run
    finds it), and that data."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(providers.CONFIG_ENV, raising=False)
    (tmp_path / "chatconform.toml").write_text(textwrap.dedent(ACME), encoding="utf-8")
    data = providers.ProviderData.load()
    with ReferenceServer(spec_store, data=data) as server:
        yield server, data


def test_the_reference_serves_a_provider_declared_only_in_a_project_file_by_its_data(acme, spec_store):
    reference_server, data = acme
    run_ctx = run_of(spec_store, data)
    assert {"models"} <= {s.id for s in SCENARIOS if s.for_provider("acme", run_ctx)}
    assert not {"messages", "count-tokens"} & {s.id for s in SCENARIOS if s.for_provider("acme", run_ctx)}
    usage = {}
    for model in ("acme-think", "acme-plain"):  # no max_tokens sent: the documented default of 7 applies
        outcome = run(
            target(reference_server, "acme", "acme", model),
            BY_ID["basic"],
            None,
            recording_policy()[0],
            data=data,
        )
        answer = outcome.result.exchange.json
        assert answer["choices"][0]["finish_reason"] == "length"
        spent = answer["usage"]
        usage[model] = (spent["completion_tokens"], spent["completion_tokens_details"]["reasoning_tokens"])
    assert usage == {"acme-think": (7, 6), "acme-plain": (7, 0)}  # only the declared reasoning model thinks
    listed = run(
        target(reference_server, "acme", "acme", "acme-think"),
        BY_ID["models"],
        None,
        recording_policy()[0],
        data=data,
    )
    request = listed.result.exchange.request
    assert [m["id"] for m in listed.result.exchange.json["data"]] == ["acme-think", "acme-plain"]
    assert (
        "x-api-key" in request.headers and "authorization" not in request.headers
    )  # the endpoint's own auth


def test_a_new_reference_server_loads_its_specs_before_its_first_request():
    class Counting(SpecStore):
        def load(self, source):
            self.loaded = getattr(self, "loaded", set()) | {source.id}
            return super().load(source)

    store = Counting()
    found = [
        store.catalog.spec_for(p.name, model)
        for p in default_data().profiles.values()
        for model in (*p.models, None)
    ]
    wanted = {source.id for source in found if source is not None}  # the specs of the models the data lists
    with ReferenceServer(store):
        assert wanted and getattr(store, "loaded", set()) == wanted  # no first request waits for a spec
