"""The budgeted fuzzer against llama-server, with the strategies tests/fuzz uses against the reference
provider.

Valid requests must succeed and conform; invalid ones must get a 4xx. Where llama-server does otherwise that
is its finding (with the shrunk request that shows it) in reports/interop/llama-server.json; the test fails
only when the set of findings changes from tests/interop/llama_known.py, or when the machinery breaks.
"""

from collections import Counter

import pytest

from chatconform.judging.judge import judge
from chatconform.live.calls import run
from chatconform.live.client import RetryPolicy
from chatconform.live.scenarios import Scenario
from chatconform.live.strategies import chat_request, invalid_chat_request
from tests.builders import default_data, run_of
from tests.interop.llama_known import FUZZ_INVALID_FINDINGS as KNOWN_INVALID
from tests.interop.llama_known import FUZZ_VALID_FINDINGS as KNOWN_VALID
from tests.interop.llama_known import MODEL_ID
from tests.interop.llama_report import difference, explain
from tools.interop import error_shape_findings, flattened, fuzz, refusal, server_findings

pytestmark = pytest.mark.fuzz
# The bound is the number of requests (deterministic, so the same run shows the same findings); the seconds
# are a safety net on a loaded machine, and a run they cut short says so in the report and the failure.
EXAMPLES, VALID_SENDS, INVALID_SENDS, SECONDS = 25, 50, 60, 45
LIMIT = 4  # max_tokens of every valid example at most this: a real model's tokens are what costs time
CAP = 1  # max_tokens added to an invalid example that does not break it: an accepted one costs one token
KEEP = (
    "model",
    "messages",
    "max_tokens",
)  # never dropped when a deviation's request is tidied: it bounds cost
POLICY = RetryPolicy(attempts=2, read_timeout=30.0)


def operation(store):
    """OpenAI's chat operation, its request schema flattened so the strategies see every documented bound."""
    spec = store.spec_for("openai-compatible", MODEL_ID)
    return flattened(spec, spec.find_operation("post", default_data().profile("openai-compatible").chat_path))


def send(target, body: dict, store):
    """One fuzzed body through the live path; the exchange and every finding about it."""
    extra = {k: v for k, v in body.items() if k not in ("model", "messages")}
    outcome = run(
        target, Scenario("fuzz", extra, messages=body["messages"]), None, policy=POLICY, data=default_data()
    )
    assert outcome.result.exchange is not None, f"llama-server unavailable: {outcome.result.detail}"
    ex = outcome.result.exchange
    return ex, judge(ex, run_of(store)).findings + error_shape_findings(ex, store)


def limited(body: dict) -> dict:
    """A valid body with max_tokens at most LIMIT (still inside the documented bounds)."""
    return {**body, "max_tokens": min(body.get("max_tokens", LIMIT), LIMIT)}


def capped(body: dict) -> dict:
    """An invalid body with a small max_tokens unless max_tokens is the field it breaks."""
    return body if "max_tokens" in body else {**body, "max_tokens": CAP}


def broken_field(body: dict) -> str:
    """The one field an invalid example breaks (invalid_chat_request breaks exactly one)."""
    fields = set(body) - {"model", "messages"}
    if body.get("max_tokens") == CAP:
        fields.discard("max_tokens")
    return fields.pop() if fields else "messages"


def by_key(prefix: str, findings) -> dict:
    """{"<prefix>: <check>": [findings]}: the deviations one example shows."""
    out: dict = {}
    for finding in findings:
        out.setdefault(f"{prefix}: {finding.check}", []).append(finding)
    return out


def test_valid_requests_succeed_and_conform_or_are_llama_findings(llama_target, spec_store, interop_report):
    spec, op = operation(spec_store)

    def probe(body):
        ex, findings = send(llama_target, body, spec_store)
        return ex.response.status, by_key("fuzz-valid", server_findings(findings) + refusal(ex))

    result = fuzz(
        chat_request(spec, op, MODEL_ID).map(limited),
        probe,
        examples=EXAMPLES,
        sends=VALID_SENDS,
        seconds=SECONDS,
        keep=KEEP,
    )
    shown = set(result.deviations)
    interop_report.section("fuzz-valid", result.to_dict(), explain(shown, KNOWN_VALID))
    assert result.sent >= 10, f"the fuzzer sent only {result.sent} requests"
    assert shown == set(KNOWN_VALID), difference(shown, KNOWN_VALID) + f"(run: {result.to_dict()})"


def test_invalid_requests_get_a_4xx_or_are_llama_findings(llama_target, spec_store, interop_report):
    spec, op = operation(spec_store)
    tried: Counter = Counter()  # a field never broken cannot show a finding: the report says which were

    def probe(body):
        ex, findings = send(llama_target, body, spec_store)
        tried[broken_field(body)] += 1
        rejected = [
            f for f in findings if f.check == "request.invalid_rejected" and f.severity == "violation"
        ]
        return ex.response.status, by_key(f"fuzz-invalid[{broken_field(body)}]", rejected)

    result = fuzz(
        invalid_chat_request(spec, op, MODEL_ID).map(capped),
        probe,
        examples=EXAMPLES,
        sends=INVALID_SENDS,
        seconds=SECONDS,
        keep=KEEP,
    )
    shown, run = set(result.deviations), {**result.to_dict(), "fields_broken": dict(sorted(tried.items()))}
    interop_report.section("fuzz-invalid", run, explain(shown, KNOWN_INVALID))
    assert result.sent >= 10, f"the fuzzer sent only {result.sent} requests"
    assert shown == set(KNOWN_INVALID), difference(shown, KNOWN_INVALID) + f"(run: {run})"
