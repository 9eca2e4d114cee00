"""Builders of test exchanges: our own test data, never presented as a provider's."""

import json
from functools import cache

from chatconform.judging.run import RunContext
from chatconform.providers import ProviderData


@cache
def default_data() -> ProviderData:
    """The provider data the tests judge with unless they say otherwise: the built-in files (and a project
    file only if the environment names one, as `chatconform` itself would read it), read once."""
    return ProviderData.load()


_RUNS: dict = {}  # id of a store -> (the store, its judging context): a test session's caches, per store


def run_of(store, data: ProviderData | None = None) -> RunContext:
    """A judging context of a spec store and provider data (default: default_data()), one per store and
    data."""
    data = data if data is not None else default_data()
    key = (id(store), id(data))
    kept = _RUNS.get(key)
    if kept is None or kept[0] is not store or kept[1].data is not data:
        kept = _RUNS[key] = (store, RunContext(data, store))
    return kept[1]


def completion(model="google/gemini-2.5-flash", content="Hello there!", finish="stop", usage=(5, 7), **extra):
    """A chat.completion body in OpenAI's shape (our own test data, never presented as a provider's)."""
    prompt, completion_tokens = usage
    body = {
        "id": "test-1",
        "object": "chat.completion",
        "created": 1753456585,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "logprobs": None,
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt + completion_tokens,
        },
    }
    body.update(extra)
    return body


def interaction(
    request_body,
    response_body,
    *,
    url="https://api.aimlapi.com/v1/chat/completions",
    status=200,
    content_type="application/json",
    method="POST",
):
    """One vcrpy interaction; a dict/list response body is written as JSON, bytes/str as they are."""
    if isinstance(response_body, (dict, list)):
        response_body = json.dumps(response_body)
    if isinstance(response_body, bytes):
        response_body = response_body.decode("utf-8", "replace")
    return {
        "request": {
            "method": method,
            "uri": url,
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps(request_body) if request_body is not None else None,
        },
        "response": {
            "status": {"code": status, "message": "X"},
            "headers": {"Content-Type": [content_type]},
            "body": {"string": response_body},
        },
    }


def chunk(content=None, finish=None, index=0, role=None, model="m", usage=None, choices=None):
    """One chat.completion.chunk (test data)."""
    delta = {k: v for k, v in (("role", role), ("content", content)) if v is not None}
    body = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": model,
        "choices": choices
        if choices is not None
        else [{"index": index, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    if usage is not None:
        body["usage"] = usage
    return body


def sse_body(*chunks, done=True, newline="\n") -> bytes:
    """An event stream of the chunks, ended by [DONE] unless told otherwise."""
    events = [f"data: {json.dumps(c)}" for c in chunks] + (["data: [DONE]"] if done else [])
    return "".join(e + newline + newline for e in events).encode()


def exchange(
    request_body,
    response_body,
    *,
    url="https://api.aimlapi.com/v1/chat/completions",
    status=200,
    content_type=None,
    origin="cassette",
    data=None,
):
    """An Exchange of test data (provider and model identified as verify would, with `data` or the
    default)."""
    from chatconform.model.exchange import Exchange, Request, Response

    if isinstance(response_body, (dict, list)):
        response_body = json.dumps(response_body).encode()
        content_type = content_type or "application/json"
    content_type = content_type or "text/event-stream"
    request = Request("POST", url, {"content-type": "application/json"}, json.dumps(request_body).encode())
    response = Response(status, {"content-type": content_type}, response_body)
    provider, model = (data or default_data()).identify(url, request_body)
    return Exchange(request, response, origin=origin, provider=provider, model=model, label="test")
