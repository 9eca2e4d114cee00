"""OpenAI's chat stream: `chat.completion.chunk` events put together as a client does, in-band errors
found."""

from __future__ import annotations

from typing import Any

from chatconform.model.exchange import NOT_JSON, Exchange, view


@view
def error_events(ex: Exchange) -> list[tuple[int, object]]:
    """(event index, error) of each error a stream reports in-band: an `event: error`, or data with
    `error`."""
    # the two forms the openai SDKs raise an APIError on, which ends the stream for a client
    events = ex.stream.events if ex.stream else []
    out: list[tuple[int, object]] = []
    for index, data, value in ex.payloads:
        if isinstance(value, dict) and value.get("error"):
            out.append((index, value["error"]))
        elif events[index].event == "error":
            out.append((index, value if value is not NOT_JSON else data))
    return out


@view
def chunks(ex: Exchange) -> list[dict[str, Any]]:
    """The JSON chunks of a streamed response (non-objects and in-band errors left out)."""
    errors = {index for index, _ in error_events(ex)}
    return [value for index, _, value in ex.payloads if isinstance(value, dict) and index not in errors]


def chunks_before_done(ex: Exchange) -> list[dict[str, Any]]:
    """The chunks sent before the first `data: [DONE]` (all of them when there is none)."""
    events = ex.stream.events if ex.stream else []
    done = next((i for i, e in enumerate(events) if e.data.strip() == "[DONE]"), len(events))
    errors = {index for index, _ in error_events(ex)}
    return [
        value
        for index, _, value in ex.payloads
        if index < done and index not in errors and isinstance(value, dict)
    ]


@view
def assembled(ex: Exchange) -> dict[str, Any] | None:
    """The completion as a client ends up with it: the JSON body, or the stream's chunks put together."""
    if ex.stream is None:
        body = ex.json
        return body if isinstance(body, dict) else None
    parts = chunks(ex)
    if not parts:
        return None
    choices: dict[int, dict[str, Any]] = {}
    usage = None
    for chunk in parts:
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices") or []:
            if isinstance(choice, dict):
                index = choice.get("index", 0)
                _merge(choices.setdefault(index, _empty(index)), choice)
    # A gateway's first chunk may carry no id or model (Azure's prompt-filter chunk sends ""): take the first
    # set.
    return {
        "id": _first(parts, "id"),
        "object": "chat.completion",
        "model": _first(parts, "model"),
        "choices": [choices[i] for i in sorted(choices, key=_order)],
        "usage": usage,
        "streamed": True,
    }


def _order(index: object) -> tuple[int, object, str]:
    return (0, index, "") if isinstance(index, int) else (1, 0, str(index))


def _first(parts: list[dict[str, Any]], key: str) -> Any:
    return next((p[key] for p in parts if p.get(key)), parts[0].get(key))


def _empty(index: int) -> dict[str, Any]:
    return {"index": index, "finish_reason": None, "message": {"role": "assistant", "content": None}}


def _merge(target: dict[str, Any], choice: dict[str, Any]) -> None:
    """Add one chunk's delta to the choice being assembled."""
    delta = choice.get("delta") or {}
    message = target["message"]
    if isinstance(delta.get("content"), str):
        message["content"] = (message["content"] or "") + delta["content"]
    for call in delta.get("tool_calls") or []:
        if not isinstance(call, dict):
            continue
        calls = message.setdefault("tool_calls", [])
        slot = call.get("index")
        if not isinstance(slot, int) or isinstance(slot, bool) or not 0 <= slot <= len(calls):
            slot = len(calls)  # no index (a gateway's chunk) or one out of reach: a call of its own
        while len(calls) <= slot:
            calls.append({"id": None, "type": "function", "function": {"name": "", "arguments": ""}})
        function = call.get("function") or {}
        calls[slot]["id"] = call.get("id") or calls[slot]["id"]
        calls[slot]["function"]["name"] += function.get("name") or ""
        calls[slot]["function"]["arguments"] += function.get("arguments") or ""
    if choice.get("finish_reason") is not None:
        target["finish_reason"] = choice["finish_reason"]
