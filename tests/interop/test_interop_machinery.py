"""The interop machinery on the reference provider (fast, no llama-server): a deviation is found, shrunk and
recorded; a conforming server shows none; error bodies are judged against the documented error object."""

import json

import pytest

from chatconform.judging.judge import judge
from chatconform.live.client import RetryPolicy, call
from chatconform.live.strategies import bounds, chat_request, invalid_chat_request
from chatconform.providers import build_request
from chatconform.refserver import ReferenceServer
from tests.builders import default_data, exchange, run_of
from tools.interop import ERROR_SHAPE, error_shape_findings, flattened, fuzz, server_findings

URL = "http://127.0.0.1:1/v1/chat/completions"
MODEL = "ref-model"


def _send(server, body):
    url, headers, body = build_request(
        default_data().profile("openai-compatible"), MODEL, body, server.key, server.base_url("openai")
    )
    return call(
        "POST",
        url,
        headers,
        json.dumps(body).encode(),
        policy=RetryPolicy(attempts=1),
        origin="fuzz",
        provider="openai-compatible",
        model=MODEL,
    ).exchange


def rejected_probe(server, store):
    """probe(): the request.invalid_rejected violations of one invalid body sent to the reference provider."""

    def probe(body):
        ex = _send(server, body)
        found = [
            f
            for f in judge(ex, run_of(store)).findings
            if f.check == "request.invalid_rejected" and f.severity == "violation"
        ]
        return ex.response.status, {f"{sorted(set(body) - {'model', 'messages'})}": found} if found else {}

    return probe


def judged_probe(server, store):
    """probe(): the server's own findings about one valid body sent to the reference provider."""

    def probe(body):
        ex = _send(server, body)
        found: dict = {}
        for finding in server_findings(judge(ex, run_of(store)).findings):
            found.setdefault(finding.check, []).append(finding)
        return ex.response.status, found

    return probe


def openai_operation(store):
    spec = store.spec_for("openai-compatible", MODEL)
    return flattened(spec, spec.find_operation("post", "/v1/chat/completions"))


def test_flattening_lets_the_strategies_see_openais_bounds(spec_store):
    spec = spec_store.spec_for("openai-compatible", MODEL)
    op = spec.find_operation("post", "/v1/chat/completions")
    assert bounds(spec, op, "temperature")[:2] == (None, None)  # two allOf levels down in OpenAI's schema
    flat_spec, flat_op = flattened(spec, op)
    assert bounds(flat_spec, flat_op, "temperature")[:2] == (0, 2)
    assert bounds(flat_spec, flat_op, "n")[:2] == (1, 128)


def test_an_accepted_invalid_request_is_recorded_per_field_not_raised(spec_store):
    spec, op = openai_operation(spec_store)
    with ReferenceServer(spec_store, faults=["accept-invalid"]) as server:
        result = fuzz(
            invalid_chat_request(spec, op, MODEL), rejected_probe(server, spec_store), examples=15, sends=40
        )
    assert len(result.deviations) >= 3, sorted(result.deviations)  # distinct fields are kept apart
    for key, deviation in result.deviations.items():
        assert deviation.check == "request.invalid_rejected" and not 400 <= deviation.status < 500
        assert key == str(sorted(set(deviation.request) - {"model", "messages"})), deviation.request


def test_a_planted_bug_is_found_and_shrunk_to_its_threshold(spec_store):
    """The reference provider drops a choice only when n >= 3: the request recorded asks for n = 3."""
    spec, op = openai_operation(spec_store)
    with ReferenceServer(spec_store, faults=["n-ge-3"]) as server:
        result = fuzz(chat_request(spec, op, MODEL), judged_probe(server, spec_store), examples=25, sends=100)
    assert set(result.deviations) == {"n.choices_match"}, result.to_dict()
    assert result.deviations["n.choices_match"].request["n"] == 3


def test_a_conforming_server_shows_no_deviation(spec_store):
    spec, op = openai_operation(spec_store)
    with ReferenceServer(spec_store) as server:
        invalid = fuzz(invalid_chat_request(spec, op, MODEL), rejected_probe(server, spec_store), examples=15)
        valid = fuzz(chat_request(spec, op, MODEL), judged_probe(server, spec_store), examples=15)
    assert invalid.deviations == {} == valid.deviations
    assert invalid.sent >= 10 and valid.sent >= 10 and invalid.cut_short is valid.cut_short is None


def test_a_failure_of_the_machinery_is_raised_not_recorded(spec_store):
    spec, op = openai_operation(spec_store)

    def broken(body):
        raise KeyError("probe bug")

    with pytest.raises(KeyError, match="probe bug"):
        fuzz(chat_request(spec, op, MODEL), broken, examples=5)


@pytest.mark.parametrize(
    "body, where",
    [
        ({"error": {"message": "bad", "type": "invalid_request_error", "param": None, "code": None}}, []),
        (
            {
                "error": {"message": "bad", "type": "invalid_request_error", "code": 400}
            },  # param missing, code an int
            [("$.error", "param"), ("$.error.code", "400")],
        ),
        ({"detail": "bad"}, [("$", "error")]),
    ],
)
def test_an_error_body_is_judged_against_the_documented_error_object(spec_store, body, where):
    ex = exchange({"model": MODEL, "messages": [], "temperature": 3}, body, url=URL, status=400)
    found = error_shape_findings(ex, spec_store)
    assert {f.check for f in found} <= {ERROR_SHAPE} and all(f.severity == "warning" for f in found)
    assert (
        sorted((f.at, word) for f in found for at, word in where if f.at == at and word in f.message) == where
    )
    assert len(found) == len(where)
    assert (
        error_shape_findings(
            exchange({"model": MODEL, "messages": []}, body, url=URL, status=200), spec_store
        )
        == []
    )
