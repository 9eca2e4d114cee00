"""The official SDKs as oracles of the reference provider, over real HTTP on loopback.

Every answer the suite calls conforming, in every dialect and streamed too, the official `anthropic` and
`openai` SDKs must parse, and what they assemble must equal what the suite's dialect assembles from the same
bytes. Under each planted fault, where an SDK rejects the answer (or reads it otherwise than the suite does),
the suite must have flagged that exchange.
"""

from __future__ import annotations

import pytest

from chatconform.live.client import RETRY_STATUSES
from chatconform.live.scenarios import BY_ID as CHAT_BY_ID
from chatconform.providers.profiles import GENERIC
from chatconform.refserver import FAULTS
from chatconform.refserver._dialect_calls import BY_ID as DIALECT_BY_ID
from chatconform.refserver._dialect_calls import DIALECT_SCENARIOS
from chatconform.refserver._http import FAULT_HEADER
from chatconform.refserver.selftest import STREAM_TARGET, fault_target, run_fault
from tests.builders import default_data, run_of
from tests.interop.sdk_oracle import behaviour, clients, sdk_exchange, sdk_view, suite_view

CHAT = "openai-chat"
CHAT_CASES = ("basic", "capped", "stop", "n2", "json", "tools", "stream")
ANSWERED = [s for s in DIALECT_SCENARIOS if not s.negative and s.path is None]  # (count_tokens: its own test)
CASES = (
    [(CHAT, GENERIC, "ref", CHAT_BY_ID[c].body("ref")) for c in CHAT_CASES]
    + [(CHAT, GENERIC, "ref", {**CHAT_BY_ID["tools"].body("ref"), "stream": True})]
    + [(s.dialect, GENERIC, s.model, {"model": s.model, **s.body}) for s in ANSWERED]
)
IDS = [f"{CHAT}-{c}" for c in CHAT_CASES] + [f"{CHAT}-tools-stream"] + [s.id for s in ANSWERED]


def sdk_call(server, dialect: str, provider: str, model: str, body: dict, timeout: float, headers=None):
    """(what the SDK returned or raised, the exchange it read or None) for one body."""
    client, recorder = clients(server.base_url(provider, dialect), server.key, timeout, dialect, headers)
    return sdk_exchange(client, recorder, dialect, body, model, provider, "reference")


@pytest.mark.parametrize("dialect, provider, model, body", CASES, ids=IDS)
def test_an_sdk_parses_a_conforming_answer_into_what_the_suite_reads(
    reference_server, spec_store, dialect, provider, model, body
):
    got, ex = sdk_call(reference_server, dialect, provider, model, body, timeout=30.0)
    assert ex is not None and behaviour(ex, spec_store) == []  # the suite calls this answer conforming
    assert not isinstance(got, Exception), f"{type(got).__name__}: {got}"
    assert sdk_view(dialect, got) == suite_view(dialect, ex)


def test_the_views_compared_are_not_empty(reference_server):
    """A comparison of two empty readings would pass whatever the SDK did: each reading holds the answer."""
    got, ex = sdk_call(
        reference_server,
        "anthropic-messages",
        GENERIC,
        "m",
        {"model": "m", "max_tokens": 8, "messages": [{"role": "user", "content": "Hi"}], "stream": True},
        timeout=30.0,
    )
    view = suite_view("anthropic-messages", ex)
    assert view["outputs"][0][0] and view["outputs"][0][1] == "max_tokens" and view["usage"][1] == 8
    assert sdk_view("anthropic-messages", got) == view


def test_the_anthropic_sdk_counts_tokens_as_the_reference_does(reference_server, spec_store):
    scenario = DIALECT_BY_ID["messages-count-tokens"]
    got, ex = sdk_call(
        reference_server,
        scenario.dialect,
        GENERIC,
        scenario.model,
        {"model": scenario.model, **scenario.body},
        timeout=30.0,
    )
    assert behaviour(ex, spec_store) == [] and got.input_tokens == ex.json["input_tokens"] > 0


# (a behaviour fault has no one request that shows it: measures catch it over many, and its answers are well
# formed)
@pytest.mark.parametrize("name", sorted(name for name, fault in FAULTS.items() if not fault.measures))
def test_an_answer_an_sdk_rejects_under_a_fault_is_one_the_suite_flagged(reference_server, spec_store, name):
    fault = FAULTS[name]
    dialect, provider, model, body = _fault_call(fault)
    got, ex = sdk_call(reference_server, dialect, provider, model, body, 1.0, headers={FAULT_HEADER: name})
    reading = _reading(dialect, got)
    rejected = reading is None  # a status error too: each fault's request is answered well when clean
    differs = not rejected and ex is not None and ex.ok and reading != suite_view(dialect, ex)
    if not (rejected or differs):
        return  # the SDK read the faulty answer as the suite reads it: nothing to hold the suite to
    if ex is None or ex.response.status in RETRY_STATUSES:
        flagged = list(
            run_fault(reference_server, name, run_of(spec_store)).caught
        )  # no answer: the suite's call
    else:
        flagged = behaviour(ex, spec_store)
    did = "rejected" if rejected else "read otherwise"
    assert flagged, f"{name}: the SDK {did} an answer the suite passed"


@pytest.mark.parametrize("name", ["messages-block-index", "responses-no-terminal", "stream-invalid-utf8"])
def test_an_sdk_does_reject_some_faulty_answers(reference_server, name):
    """The oracle sees something: if no fault broke an SDK, the test above would hold the suite to nothing."""
    got, _ = sdk_call(reference_server, *_fault_call(FAULTS[name]), timeout=5.0, headers={FAULT_HEADER: name})
    assert isinstance(got, Exception)


def _reading(dialect: str, got):
    """What the SDK assembled (None: it raised, or gave no answer object, e.g. an HTML page as text)."""
    if isinstance(got, Exception):
        return None
    try:
        return sdk_view(dialect, got)
    except (AttributeError, TypeError):
        return None


def _fault_call(fault):
    """(dialect, provider, model, body) of the request that shows a fault, as the self-test sends it."""
    if fault.scenario in DIALECT_BY_ID:
        scenario = DIALECT_BY_ID[fault.scenario]
        return scenario.dialect, GENERIC, scenario.model, {"model": scenario.model, **scenario.body}
    provider, model = STREAM_TARGET if fault.scenario == "stream" else fault_target(default_data())
    return CHAT, provider, model, CHAT_BY_ID[fault.scenario].body(model)
