"""Fuzzing the reference provider in the dialects beyond chat, each dialect's requests drawn from its own spec
(chatconform.live.dialect_strategies): valid Anthropic Messages and Responses requests succeed and conform;
invalid ones (one rule of the dialect's own contract broken) get a 4xx in the dialect's error envelope."""

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from chatconform.dialects import contracts, dialect_named
from chatconform.judging.judge import judge
from chatconform.live.calls import Target
from chatconform.live.client import RetryPolicy
from chatconform.live.dialect_strategies import STRATEGIES
from chatconform.providers.profiles import GENERIC
from chatconform.refserver import ReferenceServer
from tests.builders import run_of
from tools.interop import send_in_dialect

pytestmark = pytest.mark.fuzz
MODELS = {"anthropic-messages": "claude-reference", "openai-responses": "reference-responses"}
SELF = {"suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
REFUSAL_CHECKS = ("request.invalid_rejected", "error.envelope")
NO_SHRINK = {"phases": [Phase.explicit, Phase.reuse, Phase.generate]}  # a planted fault: found is enough


def operation(store, dialect: str):
    """The dialect's own contract (a host no provider claims is judged by it) and its generating operation."""
    spec = store.load(store.catalog.get(contracts()[dialect_named(dialect).facts.contract].source))
    return spec, spec.find_operation("post", dialect_named(dialect).facts.paths[0])


def send(server, dialect: str, body: dict, store, monkeypatch):
    """One body to the reference provider's generic contract as the dialect sends it; its judgement."""
    monkeypatch.setenv("CHATCONFORM_FUZZ_KEY", server.key)
    target = Target(
        GENERIC,
        MODELS[dialect],
        base_url=server.base_url(GENERIC, dialect),
        key_env="CHATCONFORM_FUZZ_KEY",
        origin="fuzz",
    )
    result = send_in_dialect(
        target, dialect_named(dialect).facts.paths[0], body, policy=RetryPolicy(attempts=1)
    )
    assert result.exchange is not None, result.detail
    return judge(result.exchange, run_of(store))


def behaviour(judgement):
    """What the server did wrong: not our request's own findings, not a named defect of the spec (Anthropic's
    pinned spec predates the ping events its streams send)."""
    return [
        f
        for f in judgement.findings
        if f.severity in ("violation", "warning") and f.kind not in ("request", "spec-defect")
    ]


def conforms(judgement, body) -> None:
    """A valid request: answered 2xx with no finding of the server's."""
    found = [f.brief() for f in behaviour(judgement)]
    assert judgement.exchange.ok and found == [], (body, found)


def refused(judgement, body) -> None:
    """An invalid request: refused 4xx in the dialect's envelope."""
    status = judgement.exchange.response.status
    assert 400 <= status < 500, (body, status)
    assert [f.brief() for f in judgement.findings if f.check in REFUSAL_CHECKS] == [], body


def fuzz_check(server, dialect: str, store, monkeypatch, rule, **extra):
    """Hypothesis over the dialect's valid requests (rule `conforms`) or invalid ones (rule `refused`)."""
    spec, op = operation(store, dialect)
    strategy = STRATEGIES[dialect][0 if rule is conforms else 1](spec, op, MODELS[dialect])

    @settings(**SELF, **extra)
    @given(body=strategy)
    def check(body):
        rule(send(server, dialect, body, store, monkeypatch), body)

    return check


@pytest.mark.parametrize("dialect", MODELS)
def test_valid_requests_in_each_dialect_succeed_and_conform(
    reference_server, spec_store, monkeypatch, dialect
):
    fuzz_check(reference_server, dialect, spec_store, monkeypatch, conforms)()


@pytest.mark.parametrize("dialect", MODELS)
def test_invalid_requests_in_each_dialect_get_a_4xx_in_its_envelope(
    reference_server, spec_store, monkeypatch, dialect
):
    fuzz_check(reference_server, dialect, spec_store, monkeypatch, refused)()


PLANTED = [
    ("messages-accept-invalid", "anthropic-messages", refused),
    ("messages-error-envelope", "anthropic-messages", refused),
    ("messages-over-max-tokens", "anthropic-messages", conforms),
    ("messages-block-index", "anthropic-messages", conforms),
    ("responses-over-max-output", "openai-responses", conforms),
    ("responses-sequence-backwards", "openai-responses", conforms),
]


@pytest.mark.parametrize("fault, dialect, rule", PLANTED, ids=[p[0] for p in PLANTED])
def test_the_fuzzer_finds_a_planted_fault_of_each_dialect(spec_store, monkeypatch, fault, dialect, rule):
    with ReferenceServer(spec_store, faults=[fault]) as server:
        with pytest.raises(AssertionError):
            fuzz_check(server, dialect, spec_store, monkeypatch, rule, **NO_SHRINK)()
