"""Fuzzing against the reference provider: valid requests succeed and conform; invalid ones get a 4xx."""

import json

import pytest
from hypothesis import HealthCheck, find, given, settings

from chatconform.judging.judge import judge
from chatconform.live.client import RetryPolicy, call
from chatconform.live.strategies import chat_request, invalid_chat_request
from chatconform.model.paths import reports_dir
from chatconform.providers import build_request
from chatconform.recording.recorder import save_regression
from chatconform.refserver import ReferenceServer
from tests.builders import default_data, run_of

pytestmark = pytest.mark.fuzz
TARGETS = [
    ("aimlapi", "aimlapi", "google/gemini-2.5-flash"),
    ("modelslab", "modelslab", "gemini-2.5-flash"),
    ("openai-compatible", "openai", "ref-model"),
]
SELF = {"suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}


def send(server, provider, contract, model, body, store):
    """Send a body to the reference provider and judge the exchange."""
    url, headers, body = build_request(
        default_data().profile(provider), model, body, server.key, server.base_url(contract)
    )
    result = call(
        "POST",
        url,
        headers,
        json.dumps(body).encode(),
        policy=RetryPolicy(attempts=1),
        origin="fuzz",
        provider=provider,
        model=model,
        label="fuzz",
    )
    return judge(result.exchange, run_of(store))


def operation(store, provider, model, contract, server):
    spec = store.spec_for(provider, model)
    path = default_data().profile(provider).chat_path
    return spec, spec.find_operation("post", path)


def behaviour(judgement):
    return [f for f in judgement.findings if f.severity in ("violation", "warning") and f.kind != "request"]


@pytest.mark.parametrize("provider, contract, model", TARGETS, ids=[t[0] for t in TARGETS])
def test_valid_requests_succeed_and_conform(reference_server, spec_store, provider, contract, model):
    spec, op = operation(spec_store, provider, model, contract, reference_server)
    failed = []

    @settings(**SELF)
    @given(body=chat_request(spec, op, model))
    def check(body):
        judgement = send(reference_server, provider, contract, model, body, spec_store)
        if not judgement.exchange.ok or behaviour(judgement):
            failed.append(judgement)
        assert judgement.exchange.ok and behaviour(judgement) == [], (body, behaviour(judgement))

    try:
        check()
    except AssertionError:
        # Hypothesis replays the shrunk example last: that exchange becomes the regression cassette.
        save_regression(failed[-1].exchange, reports_dir() / "regressions", "found by fuzzing")
        raise


@pytest.mark.parametrize("provider, contract, model", TARGETS, ids=[t[0] for t in TARGETS])
def test_invalid_requests_get_a_4xx_error_object(reference_server, spec_store, provider, contract, model):
    spec, op = operation(spec_store, provider, model, contract, reference_server)

    @settings(**SELF)
    @given(body=invalid_chat_request(spec, op, model))
    def check(body):
        judgement = send(reference_server, provider, contract, model, body, spec_store)
        status = judgement.exchange.response.status
        assert 400 <= status < 500, (body, status)
        assert [f for f in judgement.findings if f.check == "request.invalid_rejected"] == []

    check()


def test_fuzzing_finds_and_shrinks_a_bug_that_needs_n_at_least_3(spec_store, tmp_path):
    """The reference provider drops a choice only when n >= 3; the shrunk request is the minimal one."""
    with ReferenceServer(spec_store, faults=["n-ge-3"]) as server:
        spec, op = operation(spec_store, "aimlapi", "google/gemini-2.5-flash", "aimlapi", server)

        def fails(body):
            return any(
                f.severity == "violation"
                for f in send(
                    server, "aimlapi", "aimlapi", "google/gemini-2.5-flash", body, spec_store
                ).findings
            )

        minimal = find(
            chat_request(spec, op, "google/gemini-2.5-flash"),
            fails,
            settings=settings(max_examples=500, database=None, derandomize=True, deadline=None),
        )
        judgement = send(server, "aimlapi", "aimlapi", "google/gemini-2.5-flash", minimal, spec_store)
    assert minimal["n"] == 3 and set(minimal) == {"model", "messages", "n"}
    assert len(minimal["messages"]) == 1 and len(minimal["messages"][0]["content"]) == 1
    assert {f.check for f in judgement.findings if f.severity == "violation"} == {"n.choices_match"}
    from chatconform.recording.recorder import save_regression

    saved = save_regression(judgement.exchange, tmp_path, "n.choices_match (found by fuzzing)")
    assert '"n": 3' in saved.read_text() and "regression" in saved.read_text()
