"""Builders of test exchanges: our own test data, never presented as a provider's."""

import json


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
):
    """An Exchange of test data (provider and model identified as verify would)."""
    from chatconform.model.exchange import Exchange, Request, Response
    from chatconform.providers.profiles import identify

    if isinstance(response_body, (dict, list)):
        response_body = json.dumps(response_body).encode()
        content_type = content_type or "application/json"
    content_type = content_type or "text/event-stream"
    request = Request("POST", url, {"content-type": "application/json"}, json.dumps(request_body).encode())
    response = Response(status, {"content-type": content_type}, response_body)
    provider, model = identify(url, request_body)
    return Exchange(request, response, origin=origin, provider=provider, model=model, label="test")
