"""The live path against the reference provider: retries, outages, budget (also under xdist)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chatconform.budget import BudgetExhausted, Estimate, Ledger
from chatconform.client import RetryPolicy
from chatconform.live import Target, run
from chatconform.refserver._http import FAULT_HEADER
from chatconform.scenarios import BY_ID

ROOT = Path(__file__).resolve().parents[2]


def recording_policy(attempts=3):
    sleeps = []
    return RetryPolicy(attempts=attempts, base_delay=0.01, max_delay=0.02, read_timeout=1.0,
                       sleep=sleeps.append), sleeps


def target(server, provider="openai-compatible", contract="openai", model="ref"):
    return Target(provider, model, base_url=server.base_url(contract), key_env="CHATCONFORM_REFERENCE_KEY",
                  origin="reference")


def test_429_is_retried_honouring_retry_after_then_called_unavailable(reference_server):
    policy, sleeps = recording_policy()
    outcome = run(target(reference_server), BY_ID["basic"], None, policy, {FAULT_HEADER: "rate-limit"})
    assert outcome.result.outcome == "provider-unavailable" and outcome.result.attempts == 3
    assert sleeps == [0.0, 0.0]  # Retry-After: 0, honoured instead of the backoff
    assert "HTTP 429" in outcome.result.detail


def test_a_4xx_contract_answer_is_never_retried(reference_server):
    policy, sleeps = recording_policy()
    outcome = run(target(reference_server), BY_ID["invalid-temperature"], None, policy)
    assert (outcome.result.outcome, outcome.result.attempts, sleeps) == ("answered", 1, [])
    assert outcome.result.exchange.response.status == 400


@pytest.mark.parametrize("fault", ["reset", "slow", "bad-gateway-html"])
def test_transport_failures_are_outages_not_contract_failures(reference_server, fault):
    policy, sleeps = recording_policy(attempts=2)
    outcome = run(target(reference_server), BY_ID["basic"], None, policy, {FAULT_HEADER: fault})
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


@pytest.mark.parametrize("workers", [None, "2"])
def test_a_tiny_budget_stops_sending_and_reports_the_rest_as_not_run(reference_server, tmp_path, workers):
    env = {**os.environ, "CHATCONFORM_REPORTS": str(tmp_path), "REFKEY": "k"}
    args = [sys.executable, "-m", "pytest", str(ROOT / "tests/conformance/test_live.py"), "-q", "--mode", "live",
            "--base-url", reference_server.base_url("openai"), "--api-key-env", "REFKEY", "--model", "ref",
            "--budget-usd", "0.003", "-p", "no:cacheprovider", "--rootdir", str(ROOT)]
    if workers:
        args += ["-n", workers]
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())
    verdicts = [r["verdict"] for r in results["results"]]
    assert verdicts.count("not-run") >= 1 and verdicts.count("pass") >= 1
    assert all("budget" in r["reason"] for r in results["results"] if r["verdict"] == "not-run")
    assert results["spend"]["spent_usd"] <= 0.003
    budget = json.loads((tmp_path / ".budget.json").read_text())
    assert budget["spent_usd"] <= 0.003 and budget["refused"] == verdicts.count("not-run")
