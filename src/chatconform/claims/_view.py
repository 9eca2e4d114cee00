"""What claims read: a chat completion, whether it came whole or as a stream of chunks."""

from __future__ import annotations

from chatconform.exchange import Exchange


def chunks(ex: Exchange) -> list[dict]:
    """The JSON chunks of a streamed response (events that are not JSON objects are left out)."""
    return [value for _, _, value in ex.payloads if isinstance(value, dict)]


def assembled(ex: Exchange) -> dict | None:
    """The completion as a client ends up with it: the JSON body, or the stream's chunks put together."""
    if ex.stream is None:
        body = ex.json
        return body if isinstance(body, dict) else None
    parts = chunks(ex)
    if not parts:
        return None
    choices: dict[int, dict] = {}
    usage = None
    for chunk in parts:
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices") or []:
            _merge(choices.setdefault(choice.get("index", 0), _empty(choice.get("index", 0))), choice)
    return {"id": parts[0].get("id"), "object": "chat.completion", "model": parts[0].get("model"),
            "choices": [choices[i] for i in sorted(choices)], "usage": usage, "streamed": True}


def _empty(index: int) -> dict:
    return {"index": index, "finish_reason": None, "message": {"role": "assistant", "content": None}}


def _merge(target: dict, choice: dict) -> None:
    """Add one chunk's delta to the choice being assembled."""
    delta = choice.get("delta") or {}
    message = target["message"]
    if isinstance(delta.get("content"), str):
        message["content"] = (message["content"] or "") + delta["content"]
    for call in delta.get("tool_calls") or []:
        calls = message.setdefault("tool_calls", [])
        slot = call.get("index", len(calls))
        while len(calls) <= slot:
            calls.append({"id": None, "type": "function", "function": {"name": "", "arguments": ""}})
        function = call.get("function") or {}
        calls[slot]["id"] = call.get("id") or calls[slot]["id"]
        calls[slot]["function"]["name"] += function.get("name") or ""
        calls[slot]["function"]["arguments"] += function.get("arguments") or ""
    if choice.get("finish_reason") is not None:
        target["finish_reason"] = choice["finish_reason"]


def completion_choices(ex: Exchange) -> list[dict]:
    """The choices of the assembled completion ([] when there is none)."""
    view = assembled(ex)
    choices = view.get("choices") if view else None
    return [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []


def content_of(choice: dict):
    """A choice's message content (None when absent)."""
    message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
    return message.get("content")
