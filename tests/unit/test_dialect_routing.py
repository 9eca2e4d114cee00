"""Which contract judges what, as data: a dialect from the path (or the data), a spec from the data, the
provider's catalog, or the dialect's own contract; never no spec because of where an exchange came from."""

import json

import pytest

from chatconform.dialects import dialect_named, load_dialects, recognise
from chatconform.judging.judge import judge
from chatconform.judging.route import route
from chatconform.model.errors import UsageError
from chatconform.model.exchange import Exchange, Request, Response
from chatconform.providers import ProviderData
from tests.builders import default_data, run_of

GATEWAY = """
[providers.gw]
base_url = "https://gw.example/v1"
models = ["m"]
{extra}
"""


@pytest.fixture
def project(tmp_path):
    """A bare project's chatconform.toml, written and read into the provider data a run would judge with."""

    def write(extra: str = "") -> ProviderData:
        path = tmp_path / "chatconform.toml"
        path.write_text(GATEWAY.format(extra=extra))
        return ProviderData.load(path)

    return write


def call(
    path: str, body: dict | None = None, answer: dict | None = None, headers=None, data=None
) -> Exchange:
    url = f"https://gw.example/v1{path}"
    request = Request(
        "POST",
        url,
        headers or {"content-type": "application/json"},
        json.dumps(body or {"model": "m"}).encode(),
    )
    provider, model = (data or default_data()).identify(url, body or {"model": "m"})
    response = Response(200, {"content-type": "application/json"}, json.dumps(answer or {}).encode())
    return Exchange(request, response, provider=provider, model=model)


def test_a_declared_gateway_with_no_spec_is_judged_by_the_contract_its_paths_imply(project, store):
    data = project()
    assert route(call("/chat/completions", data=data), run_of(store, data)).source.id == "openai/openapi"
    assert (
        route(
            call("/messages", headers={"anthropic-version": "2023-06-01"}, data=data), run_of(store, data)
        ).dialect.name
        == "anthropic-messages"
    )
    way = route(call("/v1/messages", data=data), run_of(store, data))
    assert (way.dialect.name, way.source.id) == ("anthropic-messages", "anthropic/messages")
    way = route(call("/responses", data=data), run_of(store, data))
    assert (way.dialect.name, way.source.id) == ("openai-responses", "openai/openapi")


def test_a_gateway_that_names_mistral_is_judged_by_mistral_s_spec_where_it_documents_the_call(project, store):
    data = project('spec = "mistral"')
    assert route(call("/v1/chat/completions", data=data), run_of(store, data)).source.id == "mistral/openapi"
    assert (
        route(call("/v1/messages", data=data), run_of(store, data)).source.id == "anthropic/messages"
    )  # Mistral documents no messages


def test_an_endpoint_s_own_dialect_and_spec_win_and_a_misspelt_spec_is_said_with_the_closest(project, store):
    data = project(
        '[providers.gw.endpoints.chat]\npath = "/generate"\ndialect = "openai-chat"\nspec = "mistrall"'
    )
    way = route(call("/generate", data=data), run_of(store, data))
    assert way.dialect.name == "openai-chat" and way.source is None
    assert "did you mean 'mistral'?" in way.problem
    [finding] = judge(call("/generate", data=data), run_of(store, data)).rows["schema"].findings
    assert finding.kind == "gap" and "mistrall" in finding.message


def test_calls_of_one_run_that_differ_in_dialect_model_or_method_each_get_their_own_route(project, store):
    # routes are worked out once per run and call kind: every part a route depends on tells kinds apart
    data = project()
    run = run_of(store, data)
    versioned = route(call("/custom", headers={"anthropic-version": "2023-06-01"}, data=data), run)
    plain = route(call("/custom", data=data), run)
    assert versioned.dialect.name == "anthropic-messages" and versioned.source.id == "anthropic/messages"
    assert (plain.dialect, plain.source) == (None, None)
    aiml = default_data()
    run = run_of(store, aiml)
    url, pinned = "https://api.aimlapi.com/v1/chat/completions", "google/gemini-2.5-flash"
    for model, pins in ((pinned, True), ("no-such-model", False), (pinned, True)):
        ex = Exchange(Request("POST", url, {}, b"{}"), None, provider="aimlapi", model=model)
        assert (route(ex, run).source is not None) is pins, model
    get = Exchange(Request("GET", url, {}, b""), None, provider="aimlapi", model=pinned)
    assert route(get, run).why != route(ex, run).why  # a GET the spec does not document: said as such


def test_a_dialect_is_recognised_by_its_path_and_known_by_name():
    assert set(load_dialects()) == {"openai-chat", "anthropic-messages", "openai-responses"}
    assert recognise(Request("POST", "https://x/v1/messages/count_tokens")).name == "anthropic-messages"
    assert recognise(Request("POST", "https://x/v1/responses/input_tokens")).name == "openai-responses"
    assert recognise(Request("GET", "https://x/static/pelican.jpg")) is None
    with pytest.raises(UsageError, match="Did you mean 'openai-chat'"):
        dialect_named("openai-chatt")


def test_modelslab_s_messages_stream_is_judged_by_its_own_spec_and_anthropic_s_event_schemas(store):
    url = "https://modelslab.com/api/v7/llm/v1/messages"
    events = [
        {
            "type": "message_start",
            "message": {
                "id": "m1",
                "type": "message",
                "role": "assistant",
                "content": [],
                "model": "gemini-2.5-flash",
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 3, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 2},
        },
        {"type": "message_stop"},
    ]
    body = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()
    request = {
        "model": "gemini-2.5-flash",
        "max_tokens": 50,
        "stream": True,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    ex = Exchange(
        Request("POST", url, {"content-type": "application/json"}, json.dumps(request).encode()),
        Response(200, {"content-type": "text/event-stream"}, body),
        provider="modelslab",
        model="gemini-2.5-flash",
    )
    judgement = judge(ex, run_of(store))
    assert route(ex, run_of(store)).source.id == "modelslab/llm-api"
    assert judgement.verdict == "pass", [(f.check, f.message) for f in judgement.findings]
    assert "spec-gap.stream-from-contract" in {f.check for f in judgement.findings}
    assert {"stream.grammar", "messages.output_within_max_tokens"} <= set(judgement.rows)
    broken = body.replace(b'"index": 0, "delta"', b'"index": 1, "delta"')
    ex = Exchange(
        ex.request,
        Response(200, {"content-type": "text/event-stream"}, broken),
        provider="modelslab",
        model="gemini-2.5-flash",
    )
    assert judge(ex, run_of(store)).verdict == "fail"


def test_each_dialect_reads_its_answer_in_shared_terms():
    chat = dialect_named("openai-chat")
    ex = call(
        "/chat/completions",
        answer={
            "model": "m",
            "choices": [
                {"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": "Hi"}}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        },
    )
    answer = chat.answer(ex)
    assert (answer.outputs[0].stop, answer.outputs[0].text, answer.usage.output) == ("length", "Hi", 2)
    messages = dialect_named("anthropic-messages")
    ex = call(
        "/v1/messages",
        answer={
            "model": "m",
            "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {"a": 1}}],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 1, "output_tokens": 2},
        },
    )
    answer = messages.answer(ex)
    assert answer.outputs[0].stop == "tool_calls" and json.loads(
        answer.outputs[0].tool_calls[0].arguments
    ) == {"a": 1}
    responses = dialect_named("openai-responses")
    ex = call(
        "/responses",
        answer={
            "model": "m",
            "status": "incomplete",
            "output": [],
            "incomplete_details": {"reason": "max_output_tokens"},
        },
    )
    assert responses.answer(ex).outputs[0].stop == "length"
