"""The reference provider's sampler as a client sees it: seeded answers reproduce, log probabilities come
whole and streamed alike, and a JSON format is the whole answer; every answer conforms (no finding)."""

import json

import pytest

from chatconform.dialects import dialect_named
from chatconform.live.client import call
from chatconform.providers.profiles import GENERIC
from chatconform.refserver.selftest import behaviour_findings, policy
from tests.builders import run_of

PROMPT = [{"role": "user", "content": "Write three random English words (#1):"}]


@pytest.fixture
def ask(reference_server, spec_store):
    """Send a chat body to the reference's generic contract: (the answer, its behaviour findings)."""
    auth = dialect_named("openai-chat").auth_headers(reference_server.key)

    def send(**body):
        url = f"{reference_server.base_url(GENERIC, 'openai-chat')}/chat/completions"
        sent = json.dumps({"model": "ref", "messages": PROMPT, "max_tokens": 8, **body}).encode()
        result = call(
            "POST",
            url,
            {"content-type": "application/json", **auth},
            sent,
            policy=policy(),
            origin="reference",
            provider=GENERIC,
            model="ref",
        )
        return result.exchange, behaviour_findings(result, run_of(spec_store))

    return send


def content(ex) -> str:
    return dialect_named("openai-chat").answer(ex).outputs[0].text


def test_a_seed_reproduces_a_sampled_answer_and_no_seed_draws_anew(ask):
    seeded = [content(ask(temperature=1.5, seed=7)[0]) for _ in range(2)]
    unseeded = [content(ask(temperature=1.5)[0]) for _ in range(2)]
    assert seeded[0] == seeded[1] and unseeded[0] != unseeded[1]


def test_log_probabilities_come_whole_and_streamed_alike_and_conform(ask):
    whole, found = ask(temperature=0, logprobs=True, top_logprobs=3)
    streamed, found_streamed = ask(
        temperature=0, logprobs=True, top_logprobs=3, stream=True, stream_options={"include_usage": True}
    )
    assert found == found_streamed == []
    tokens = whole.json["choices"][0]["logprobs"]["content"]
    chunks = [value for _, _, value in streamed.payloads if isinstance(value, dict) and value.get("choices")]
    pieces = [c["choices"][0]["logprobs"]["content"][0] for c in chunks if c["choices"][0].get("logprobs")]
    assert len(tokens) == 8 and pieces == tokens and all(len(t["top_logprobs"]) == 3 for t in tokens)
    assert "".join(t["token"] for t in tokens) == content(whole)


def test_a_json_schema_is_the_whole_answer_and_a_limit_cuts_it(ask):
    schema = {"type": "object", "properties": {"colour": {"type": "string", "enum": ["red"]}}}
    fmt = {"type": "json_schema", "json_schema": {"name": "a", "schema": schema}}
    whole, found = ask(response_format=fmt)
    assert found == [] and json.loads(content(whole)) == {"colour": "red"}
    cut, found = ask(response_format=fmt, max_tokens=1)
    assert found == [] and content(cut) == '{"colour":'
    assert cut.json["choices"][0]["finish_reason"] == "length"
