"""Requests: a content refusal is not a shape refusal, and a vendor extension is not a negative test."""

import pytest

from chatconform.judging.judge import judge
from tests.builders import completion, exchange, run_of

LOCAL = "http://127.0.0.1:9/v1/chat/completions"  # judged against OpenAI's own spec
IMAGE = "https://example.invalid/cat.png"


def found(ex, store, check):
    return [f.severity for f in judge(ex, run_of(store)).findings if f.check == check]


def minimal(content="Hi", model="gpt-4o"):
    return {"model": model, "messages": [{"role": "user", "content": content}]}


def error(message, code=None, param=None, kind="invalid_request_error"):
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


WITH_IMAGE = [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": IMAGE}}]


@pytest.mark.parametrize(
    "request_body, status, body, expected",
    [
        # refused for its content: the right answer, reported for the reader
        (
            minimal(model="no-such-model"),
            404,
            error(
                "The model `no-such-model` does not exist or you do not have access to it.", "model_not_found"
            ),
            "info",
        ),
        (minimal(model="no-such-model"), 404, error("The model `no-such-model` does not exist"), "info"),
        (
            minimal(WITH_IMAGE),
            400,
            error(f"Error while downloading {IMAGE}.", "invalid_image_url", "url"),
            "info",
        ),
        (minimal(WITH_IMAGE), 400, error(f"Failed to fetch {IMAGE}"), "info"),
        (
            minimal(),
            400,
            error("Please reduce the length of the messages.", "context_length_exceeded"),
            "info",
        ),
        # refused for its shape, or for nothing the error names: a minimal request must be accepted
        (
            minimal(),
            400,
            error("max_tokens is required", "missing_required_parameter", "max_tokens"),
            "violation",
        ),
        (minimal(), 400, error("no"), "violation"),
        (minimal(), 404, {"detail": "Not Found"}, "violation"),  # the endpoint itself is missing
        (minimal(WITH_IMAGE), 400, error("temperature is required"), "violation"),
    ],
)
def test_a_minimal_request_refused_for_its_content_is_not_a_shape_failure(
    store, request_body, status, body, expected
):
    assert found(
        exchange(request_body, body, status=status, url=LOCAL), store, "request.minimal_accepted"
    ) == [expected]


def test_a_content_refusal_still_needs_an_openai_error_body(store):
    ex = exchange(
        minimal(model="nope"),
        [{"error": {"code": "model_not_found", "message": "nope"}}],
        status=404,
        url=LOCAL,
    )
    assert found(ex, store, "request.minimal_accepted") == ["info", "warning"]


EXTENSIONS = [
    {"tools": [{"type": "web_search"}]},  # a tool kind the spec does not list
    {"tools": [{"type": "browser_search"}, {"google_search": {}}]},
    {
        "provider": {"order": ["azure"]},
        "models": ["a", "b"],
        "route": "fallback",
        "transforms": [],
    },  # routing
    {"service_tier": "on_demand"},  # a value of a vocabulary the spec does not list
    {"tool_choice": "any"},
    {"reasoning_format": "parsed", "top_k": 5, "repetition_penalty": 1.1},  # provider-specific fields
    {"messages": [{"role": "user", "content": [{"type": "video_url", "video_url": {"url": IMAGE}}]}]},
    {"response_format": {"type": "regex", "regex": "a+"}},
]


@pytest.mark.parametrize("extra", EXTENSIONS, ids=lambda e: ",".join(e))
def test_a_vendor_extension_is_not_a_negative_test(store, extra):
    ex = exchange({**minimal(), **extra}, completion(model="gpt-4o"), url=LOCAL)
    assert found(ex, store, "request.invalid_rejected") == []


NEGATIVE = [
    {"temperature": 3},
    {"temperature": "hot"},
    {"n": 0},
    {"messages": "hello"},
    {"model": 3},
    {"tools": [{"type": "function", "function": {}}]},  # a known kind, broken: its name is missing
    {"tools": [{"function": {"name": "f"}}]},  # a known shape without its type
    {"messages": [{"role": "wizard", "content": "Hi"}]},
    {"temperature": 3, "tools": [{"type": "web_search"}]},  # an extension does not excuse a real breach
]


@pytest.mark.parametrize("extra", NEGATIVE, ids=lambda e: ",".join(map(str, e.values()))[:40])
def test_a_request_outside_the_bounds_answered_200_is_still_a_failure(store, extra):
    ex = exchange({**minimal(), **extra}, completion(model="gpt-4o"), url=LOCAL)
    assert found(ex, store, "request.invalid_rejected") == ["violation"]


def test_an_extension_refused_with_a_4xx_is_not_judged_either(store):
    ex = exchange(
        {**minimal(), "tools": [{"type": "web_search"}]}, error("unknown tool type"), status=400, url=LOCAL
    )
    assert found(ex, store, "request.invalid_rejected") == []
