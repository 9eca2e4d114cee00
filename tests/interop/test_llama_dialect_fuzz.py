"""The budgeted fuzzer against llama-server's Anthropic Messages and OpenAI Responses endpoints, each
dialect's requests drawn from its own spec (chatconform.live.dialect_strategies): Anthropic's temperature 0..1
and top_k, OpenAI's max_output_tokens >= 16 and text.format. Valid requests must succeed and conform; invalid
ones must get a 4xx in the dialect's error envelope. What llama-server does otherwise is its finding, compared
with tests/interop/llama_known.py like the chat fuzzer's.
"""

from collections import Counter

import pytest

from chatconform.dialects import contracts, dialect_named
from chatconform.judging.judge import judge
from chatconform.live.client import RetryPolicy
from chatconform.live.dialect_strategies import STRATEGIES
from tests.builders import run_of
from tests.interop.llama_known import DIALECT_FUZZ_INVALID, DIALECT_FUZZ_VALID, INTERMITTENT, MODEL_ID
from tests.interop.llama_report import difference, explain, intermittent_apart
from tests.interop.test_llama_fuzz import by_key
from tools.interop import fuzz, refusal, send_in_dialect, server_findings

pytestmark = pytest.mark.fuzz
EXAMPLES, SENDS, SECONDS = 25, 50, 60
POLICY = RetryPolicy(attempts=2, read_timeout=30.0)
# dialect -> (path, its output limit, the limit every example sends unless it breaks it: a real model's tokens
# cost time, the documented minimum of that limit, whether the dialect requires it)
DIALECTS = {
    "anthropic-messages": ("/v1/messages", "max_tokens", 4, 1, True),
    "openai-responses": ("/v1/responses", "max_output_tokens", 16, 16, False),
}
BASE = (
    "model",
    "messages",
    "input",
    "stream",
)  # fields an invalid example never breaks but `messages`/`input`
# kept when a request is tidied: what bounds its cost (a stop sequence stands in for a missing max_tokens)
KEEP = ("model", "messages", "input", "max_tokens", "max_output_tokens", "stop_sequences")


def operation(store, dialect: str):
    """The dialect's own contract and its operation (Anthropic's spec, OpenAI's Responses)."""
    spec = store.load(store.catalog.get(contracts()[dialect_named(dialect).facts.contract].source))
    return spec, spec.find_operation("post", DIALECTS[dialect][0])


def send(target, dialect: str, body: dict, store):
    """One fuzzed body as its dialect sends it; the exchange and its findings."""
    result = send_in_dialect(target, DIALECTS[dialect][0], body, policy=POLICY)
    assert result.exchange is not None, f"llama-server unavailable: {result.detail}"
    return result.exchange, judge(result.exchange, run_of(store)).findings


def limited(dialect: str):
    """Valid bodies with the output limit at the one every example sends (still inside the bounds)."""
    _, field, cheap, _, _ = DIALECTS[dialect]
    return lambda body: {**body, field: cheap}


def capped(dialect: str):
    """Invalid bodies with that limit added, unless the limit is what they break. A body that breaks it by
    leaving it out gets a stop sequence instead (a space, which every answer of two words meets): llama-server
    gives such a request 4096 tokens (server-chat.cpp), minutes of a real model, and the stop sequence breaks
    no rule of the dialect (Anthropic documents stop_sequences as any list of strings)."""
    _, field, cheap, _, _ = DIALECTS[dialect]

    def cap(body):
        if broken(body, dialect) != field:
            return {**body, field: cheap}
        return body if field in body else {**body, "stop_sequences": [" "]}

    return cap


def broken(body: dict, dialect: str) -> str:
    """The one field an invalid example breaks (dialect_strategies breaks exactly one)."""
    _, field, _, minimum, required = DIALECTS[dialect]
    value = body.get(field)
    if (field not in body and required) or (
        field in body and (not isinstance(value, int) or value < minimum)
    ):
        return field
    extra = set(body) - set(BASE) - {field}
    return extra.pop() if extra else "messages" if "messages" in body else "input"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_valid_requests_in_each_dialect_succeed_or_are_llama_findings(
    root_target, spec_store, interop_report, dialect
):
    spec, op = operation(spec_store, dialect)

    def probe(body):
        ex, findings = send(root_target, dialect, body, spec_store)
        return ex.response.status, by_key(f"{dialect}-fuzz-valid", server_findings(findings) + refusal(ex))

    strategy = STRATEGIES[dialect][0](spec, op, MODEL_ID).map(limited(dialect))
    result = fuzz(strategy, probe, examples=EXAMPLES, sends=SENDS, seconds=SECONDS, keep=KEEP)
    shown, sometimes = intermittent_apart(result.deviations, INTERMITTENT)
    known = _known(DIALECT_FUZZ_VALID, dialect)
    interop_report.section(f"fuzz-valid-{dialect}", result.to_dict(), {**explain(shown, known), **sometimes})
    assert result.sent >= 10, f"the fuzzer sent only {result.sent} requests"
    assert shown == set(known), difference(shown, known) + f"(run: {result.to_dict()})"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_invalid_requests_in_each_dialect_get_a_4xx_envelope_or_are_llama_findings(
    root_target, spec_store, interop_report, dialect
):
    spec, op = operation(spec_store, dialect)
    tried: Counter = Counter()  # a rule never broken cannot show a finding: the report says which were

    def probe(body):
        ex, findings = send(root_target, dialect, body, spec_store)
        field = broken(body, dialect)
        tried[field] += 1
        wrong = [
            f
            for f in findings
            if f.check in ("request.invalid_rejected", "error.envelope") and f.severity == "violation"
        ]
        return ex.response.status, by_key(f"{dialect}-fuzz-invalid[{field}]", wrong)

    strategy = STRATEGIES[dialect][1](spec, op, MODEL_ID).map(capped(dialect))
    result = fuzz(strategy, probe, examples=EXAMPLES, sends=SENDS, seconds=SECONDS, keep=KEEP)
    shown, known = set(result.deviations), _known(DIALECT_FUZZ_INVALID, dialect)
    run = {**result.to_dict(), "fields_broken": dict(sorted(tried.items()))}
    interop_report.section(f"fuzz-invalid-{dialect}", run, explain(shown, known))
    assert result.sent >= 10, f"the fuzzer sent only {result.sent} requests"
    assert shown == set(known), difference(shown, known) + f"(run: {run})"


def _known(known: dict, dialect: str) -> dict:
    return {k: v for k, v in known.items() if k.startswith(f"{dialect}-")}
