"""Each claim catches its deviation and stays quiet on a conforming exchange."""

import pytest

from chatconform.judging.judge import judge
from tests.builders import completion, exchange, run_of

FLASH = "google/gemini-2.5-flash"
ML_URL = "https://modelslab.com/api/v7/llm/chat/completions"


def req(**extra):
    return {"model": FLASH, "messages": [{"role": "user", "content": "Hi"}], **extra}


def with_usage(body, prompt, completion_tokens, total=None, reasoning=None):
    body["usage"] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt + completion_tokens if total is None else total,
    }
    if reasoning is not None:
        body["usage"]["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return body


def found(ex, store, check, data=None):
    return [f for f in judge(ex, run_of(store, data)).findings if f.check == check]


def tool_completion(arguments, finish):
    body = completion(finish=finish, content="")
    body["choices"][0]["message"]["tool_calls"] = [
        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": arguments}}
    ]
    return body


CASES = [
    # (check, request, response, expected severity or None for "no finding")
    ("usage.total_is_sum", req(), with_usage(completion(), 5, 7), None),
    ("usage.total_is_sum", req(), with_usage(completion(), 5, 7, total=13), "violation"),
    ("usage.reasoning_within_completion", req(), with_usage(completion(), 5, 7, reasoning=7), None),
    ("usage.reasoning_within_completion", req(), with_usage(completion(), 5, 7, reasoning=8), "violation"),
    ("usage.prompt_counted", req(), with_usage(completion(), 0, 7), "warning"),
    ("usage.prompt_counted", req(), with_usage(completion(), 3, 7), None),
    ("limits.completion_within_max_tokens", req(max_tokens=10), with_usage(completion(), 5, 10), None),
    ("limits.completion_within_max_tokens", req(max_tokens=10), with_usage(completion(), 5, 11), "violation"),
    (
        "limits.completion_within_max_completion_tokens",
        req(max_completion_tokens=10),
        with_usage(completion(), 5, 11, reasoning=9),
        "violation",
    ),
    ("limits.default_max_tokens", req(), with_usage(completion(), 5, 512), None),
    ("limits.default_max_tokens", req(), with_usage(completion(), 5, 513), "violation"),
    ("finish.length_only_at_limit", req(max_tokens=10), with_usage(completion(finish="length"), 5, 10), None),
    (
        "finish.length_only_at_limit",
        req(max_tokens=10),
        with_usage(completion(finish="length"), 5, 3),
        "violation",
    ),
    (
        "finish.empty_content_pitfall",
        req(max_tokens=10),
        with_usage(completion(content="", finish="stop"), 5, 10, reasoning=10),
        "violation",
    ),
    (
        "finish.empty_content_pitfall",
        req(max_tokens=100),
        with_usage(completion(content="", finish="stop"), 5, 10, reasoning=10),
        None,
    ),
    (
        "finish.empty_content_explained",
        req(max_tokens=10),
        with_usage(completion(content="", finish="length"), 5, 10, reasoning=10),
        "info",
    ),
    ("n.choices_match", req(n=2), completion(), "violation"),
    ("n.choices_match", req(), completion(), None),
    ("stop.sequences_absent", req(stop=["END"]), completion(content="all done"), None),
    ("stop.sequences_absent", req(stop="END"), completion(content="all done END"), "violation"),
    (
        "response_format.json_object",
        req(response_format={"type": "json_object"}),
        completion(content='{"a": 1}'),
        None,
    ),
    (
        "response_format.json_object",
        req(response_format={"type": "json_object"}),
        completion(content="a: 1"),
        "violation",
    ),
    (
        "response_format.json_schema",
        req(
            response_format={
                "type": "json_schema",
                "json_schema": {
                    "name": "x",
                    "schema": {"type": "object", "properties": {"a": {"type": "integer"}}},
                },
            }
        ),
        completion(content='{"a": "one"}'),
        "violation",
    ),
    ("tools.arguments_are_json", req(), tool_completion('{"city": "Paris"}', "tool_calls"), None),
    ("tools.arguments_are_json", req(), tool_completion("{city: Paris", "tool_calls"), "warning"),
    ("tools.finish_reason_tool_calls", req(), tool_completion("{}", "stop"), "violation"),
    ("tools.finish_reason_tool_calls", req(max_tokens=7), tool_completion("{}", "length"), None),
    ("model.answered_as_requested", req(), completion(model=FLASH), None),
    ("model.answered_as_requested", req(), completion(model=FLASH + "-06-17"), "info"),
    ("model.answered_as_requested", req(), completion(model="google/gemini-2.0-flash"), "violation"),
]


@pytest.mark.parametrize(
    "check, request_body, response_body, expected",
    CASES,
    ids=[f"{c[0]}-{c[3] or 'quiet'}-{i}" for i, c in enumerate(CASES)],
)
def test_claim(store, check, request_body, response_body, expected):
    results = found(exchange(request_body, response_body), store, check)
    assert [f.severity for f in results] == ([expected] if expected else []), results


def test_the_empty_content_finding_explains_with_the_docs(store):
    ex = exchange(req(max_tokens=10), with_usage(completion(content="", finish="stop"), 5, 10, reasoning=10))
    [finding] = found(ex, store, "finish.empty_content_pitfall")
    assert "raise max_tokens" in finding.message and "length" in finding.extra["docs"]
    assert finding.says.startswith("A common issue when using reasoning-capable models")


@pytest.mark.parametrize(
    "request_body, status, body, expected",
    [
        (req(temperature=3), 200, completion(), "violation"),
        (req(temperature=3), 500, {"error": {"message": "boom"}}, "violation"),
        (req(temperature=3), 400, {"error": {"message": "temperature must be <= 2"}}, None),
        (req(temperature=3), 400, [{"error": {"code": 400}}], "warning"),
        (req(top_p=0), 422, {"error": {"message": "bad top_p"}}, None),
        (req(stop=["a", "b", "c", "d", "e"]), 200, completion(), "violation"),
        (req(max_tokens=0), 200, completion(), "violation"),
    ],
)
def test_invalid_requests_must_get_a_4xx_error_object(store, request_body, status, body, expected):
    ex = exchange(request_body, body, status=status)
    results = found(ex, store, "request.invalid_rejected")
    assert [f.severity for f in results] == ([expected] if expected else [])


def test_a_valid_request_is_not_judged_by_the_negative_claim(store):
    assert found(exchange(req(temperature=1), completion()), store, "request.invalid_rejected") == []


def test_a_minimal_request_must_be_accepted(store):
    minimal = {"model": FLASH, "messages": [{"role": "user", "content": "Hi"}]}
    assert found(exchange(minimal, completion()), store, "request.minimal_accepted") == []
    [f] = found(
        exchange(minimal, {"error": {"message": "no"}}, status=400), store, "request.minimal_accepted"
    )
    assert f.severity == "violation"
    [f] = found(
        exchange(minimal, {"error": {"message": "later"}}, status=429), store, "request.minimal_accepted"
    )
    assert f.kind == "gap"


def test_modelslab_page_shape_is_a_docs_conflict(store):
    body = {"model_id": "gemini-2.5-flash", "messages": [{"role": "user", "content": "Hi"}], "key": "k"}
    [f] = found(
        exchange(body, completion(model="gemini-2.5-flash"), url=ML_URL), store, "modelslab.body_shape"
    )
    assert (f.severity, f.kind) == ("warning", "docs-conflict")


def test_modelslab_default_limit_is_1000_in_its_own_words(store):
    body = {"model": "gemini-2.5-flash", "messages": [{"role": "user", "content": "Hi"}]}
    over = with_usage(completion(model="gemini-2.5-flash"), 5, 1001)
    [f] = found(exchange(body, over, url=ML_URL), store, "limits.default_max_tokens")
    assert f.expected.startswith("<= 1000")
    assert f.says.startswith("| `max_tokens` | integer | No | 1000 |") and f.source.startswith(
        "specs/modelslab/"
    )


def test_each_aiml_model_quotes_its_own_page_for_the_default(store):
    pro = "google/gemini-2.5-pro"
    [f] = found(
        exchange(req(model=pro), with_usage(completion(model=pro), 5, 513)),
        store,
        "limits.default_max_tokens",
    )
    assert f.source == "specs/aimlapi/docs/gemini-2.5-pro.md" and "default is only 512" in f.says


def test_no_default_claim_where_no_document_states_one(store):
    [f] = found(
        exchange(req(model="gemini-1.5-flash"), with_usage(completion(), 5, 9999)),
        store,
        "limits.default_max_tokens",
    )  # no page states one, its spec does: judged in the spec's words
    assert f.says == "max_tokens default: 512" and f.source.startswith("specs/aimlapi/gemini-1.5-flash.json#")
    local = "http://127.0.0.1:9/v1/chat/completions"
    assert (
        found(
            exchange(req(model="gpt-4o"), with_usage(completion(), 5, 9999), url=local),
            store,
            "limits.default_max_tokens",
        )
        == []
    )


GATEWAY = """
[providers.gateway]
base_url = "http://127.0.0.1:8765/v1"
key_env = "GATEWAY_TOKEN"
models = ["acme-1", "acme-2"]

[[providers.gateway.documented]]
name = "default_max_tokens"
value = 256
models = ["acme-1"]
says = "Without max_tokens, acme-1 stops after 256 tokens."
source = "https://gateway.example/docs/limits (as seeded)"

[[providers.gateway.documented]]
name = "max_stop_sequences"
value = 2
says = "At most 2 stop sequences."
source = "https://gateway.example/docs/stop (as seeded)"
"""


@pytest.fixture
def gateway(tmp_path, monkeypatch):
    """A project file declaring a provider with its own documented values, found walking up as a run finds
    it: (the provider's URL, the provider data read from it)."""
    from chatconform import providers

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(providers.CONFIG_ENV, raising=False)
    (tmp_path / "chatconform.toml").write_text(GATEWAY, encoding="utf-8")
    return "http://127.0.0.1:8765/v1/chat/completions", providers.ProviderData.load()


def test_a_project_provider_is_judged_against_its_own_default_in_its_own_words(store, gateway):
    gateway, data = gateway
    body = {"model": "acme-1", "messages": [{"role": "user", "content": "Hi"}]}
    [f] = found(
        exchange(body, with_usage(completion(model="acme-1"), 5, 257), url=gateway, data=data),
        store,
        "limits.default_max_tokens",
        data,
    )
    assert (f.expected, f.says, f.source) == (
        "<= 256 (documented default)",
        "Without max_tokens, acme-1 stops after 256 tokens.",
        "https://gateway.example/docs/limits (as seeded)",
    )
    assert (
        found(
            exchange(body, with_usage(completion(model="acme-1"), 5, 256), url=gateway, data=data),
            store,
            "limits.default_max_tokens",
            data,
        )
        == []
    )
    other = {**body, "model": "acme-2"}  # the document speaks of acme-1 only
    assert (
        found(
            exchange(other, with_usage(completion(model="acme-2"), 5, 9999), url=gateway, data=data),
            store,
            "limits.default_max_tokens",
            data,
        )
        == []
    )


def test_the_stop_limit_is_the_providers_own_else_the_contracts(store, gateway):
    gateway, data = gateway
    three = {"model": "acme-1", "messages": [{"role": "user", "content": "Hi"}], "stop": ["a", "b", "c"]}
    [f] = found(
        exchange(three, completion(model="acme-1"), url=gateway, data=data),
        store,
        "request.invalid_rejected",
        data,
    )
    assert "3 stop sequences (documented: up to 2)" in f.message
    assert (
        found(exchange(req(stop=["a", "b", "c"]), completion()), store, "request.invalid_rejected", data)
        == []
    )
    [f] = found(
        exchange(req(model="gemini-1.5-flash", stop=list("abcde")), completion()),
        store,
        "request.invalid_rejected",
        data,
    )  # AIML states no limit for it: OpenAI's "Up to 4" holds
    assert "(documented: up to 4)" in f.message
