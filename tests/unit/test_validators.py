"""Compiled validators: findings carry the instance path, keyword and location in the spec."""

import copy

from chatconform.judging.validators import is_valid, validate, validator_for
from tests.builders import completion


def chat_pointer(spec, media="application/json"):
    return spec.find_operation("post", "/v1/chat/completions").responses["200"][media]


def test_a_conforming_completion_has_no_findings(store):
    spec = store.spec_for("aimlapi", "google/gemini-2.5-flash")
    assert validate(spec, chat_pointer(spec), completion(), check="response.schema") == []


def test_a_broken_enum_is_located_in_the_instance_and_the_spec(store):
    spec = store.spec_for("aimlapi", "google/gemini-2.5-flash")
    [finding] = validate(spec, chat_pointer(spec), completion(finish="exploded"), check="response.schema")
    assert finding.at == "$.choices[0].finish_reason"
    assert finding.keyword == "enum" and finding.severity == "violation"
    assert finding.excerpt == '"exploded"'
    assert finding.schema_at.startswith("specs/aimlapi/gemini-2.5-flash.json#/paths/~1v1~1chat~1completions/")
    assert finding.schema_at.endswith("/choices/items/properties/finish_reason/enum")


def test_refs_are_followed_to_the_components_of_openai_spec(store):
    spec = store.spec_for("openai-compatible", "anything")
    body = completion(model="gpt")
    body["choices"][0]["message"]["refusal"] = None
    assert is_valid(spec, chat_pointer(spec), body)
    body["choices"][0]["finish_reason"] = "exploded"
    [finding] = validate(spec, chat_pointer(spec), body, check="response.schema")
    assert "#/components/schemas/CreateChatCompletionResponse/" in finding.schema_at


def test_openai_nullable_chunk_fields_accept_null(store):
    """finish_reason: null in every real chunk must pass: the 3.1 document says `nullable: true`."""
    spec = store.spec_for("openai-compatible", None)
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None, "logprobs": None}],
    }
    assert is_valid(spec, chat_pointer(spec, "text/event-stream"), chunk)


def test_validators_are_compiled_once(store):
    spec = store.spec_for("aimlapi", "google/gemini-2.5-pro")
    assert validator_for(spec, chat_pointer(spec)) is validator_for(spec, chat_pointer(spec))


def test_many_errors_are_capped(store):
    spec = store.spec_for("aimlapi", "google/gemini-2.5-flash")
    body = completion()
    body["choices"] = [copy.deepcopy(body["choices"][0]) for _ in range(40)]
    for choice in body["choices"]:
        choice["finish_reason"] = 1
    assert len(validate(spec, chat_pointer(spec), body, check="x")) == 20
