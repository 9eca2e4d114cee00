"""Builders of test exchanges: our own test data, never presented as a provider's."""

import json


def completion(model="google/gemini-2.5-flash", content="Hello there!", finish="stop", usage=(5, 7), **extra):
    """A chat.completion body in OpenAI's shape (our own test data, never presented as a provider's)."""
    prompt, completion_tokens = usage
    body = {"id": "test-1", "object": "chat.completion", "created": 1753456585, "model": model,
            "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion_tokens,
                      "total_tokens": prompt + completion_tokens}}
    body.update(extra)
    return body


def interaction(request_body, response_body, *, url="https://api.aimlapi.com/v1/chat/completions",
                status=200, content_type="application/json", method="POST"):
    """One vcrpy interaction; a dict/list response body is written as JSON, bytes/str as they are."""
    if isinstance(response_body, (dict, list)):
        response_body = json.dumps(response_body)
    if isinstance(response_body, bytes):
        response_body = response_body.decode("utf-8", "replace")
    return {"request": {"method": method, "uri": url, "headers": {"Content-Type": ["application/json"]},
                        "body": json.dumps(request_body) if request_body is not None else None},
            "response": {"status": {"code": status, "message": "X"},
                         "headers": {"Content-Type": [content_type]}, "body": {"string": response_body}}}
