"""Tool calls in chat completions: `tools` of type function, `tool_choice`, and streamed `tool_calls`
deltas."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chatconform.dialects._base import ToolChoice, ToolDelta, as_dict
from chatconform.dialects._openai_tools import choice as openai_choice
from chatconform.dialects.openai_chat._stream import chunks
from chatconform.model.exchange import Exchange

if TYPE_CHECKING:
    from chatconform.judging.toolcalls.scenarios import Message, Tool, ToolScenario


def request(scenario: ToolScenario, model: str, stream: bool) -> dict[str, Any]:
    """A scenario as a chat-completions request body."""
    body: dict[str, Any] = {
        "model": model,
        "messages": [_message(m) for m in scenario.messages],
        "tools": [{"type": "function", "function": _function(t)} for t in scenario.tools],
        "max_tokens": scenario.max_tokens,
    }
    if scenario.choice == "named":
        body["tool_choice"] = {"type": "function", "function": {"name": scenario.choice_name}}
    else:
        body["tool_choice"] = scenario.choice
    if scenario.single:
        body["parallel_tool_calls"] = False
    if stream:
        body.update(stream=True, stream_options={"include_usage": True})
    return body


def _function(tool: Tool) -> dict[str, Any]:
    out = {"name": tool.name, "description": tool.description, "parameters": tool.parameters}
    return {**out, "strict": True} if tool.strict else out


def _message(message: Message) -> dict[str, Any]:
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.call_id, "content": message.content}
    if message.calls:
        return {
            "role": "assistant",
            "content": message.content or None,
            "tool_calls": [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                }
                for c in message.calls
            ],
        }
    return {"role": message.role, "content": message.content}


def choice(body: dict[str, Any]) -> ToolChoice | None:
    """The request's tool_choice and parallel_tool_calls in shared terms."""
    return openai_choice(
        body,
        lambda value: (
            (value.get("function") or {}).get("name") if isinstance(value.get("function"), dict) else None
        ),
    )


def strict(body: dict[str, Any]) -> frozenset[str]:
    """Names of the function tools offered with strict: true."""
    return frozenset(
        t["function"]["name"]
        for t in body.get("tools") or []
        if isinstance(t, dict)
        and isinstance(t.get("function"), dict)
        and t["function"].get("strict") is True
        and isinstance(t["function"].get("name"), str)
    )


def deltas(ex: Exchange) -> list[ToolDelta]:
    """Every tool_calls entry of every chunk's delta; the first entry of an index opens its call."""
    events = {id(value): index for index, _, value in ex.payloads}
    out: list[ToolDelta] = []
    opened: dict[tuple[object, object], int] = {}
    for chunk in chunks(ex):
        for choice_at, entry in enumerate(chunk.get("choices") or []):
            if not isinstance(entry, dict):
                continue
            calls = (
                (entry.get("delta") or {}).get("tool_calls") if isinstance(entry.get("delta"), dict) else None
            )
            for n, call in enumerate(calls if isinstance(calls, list) else []):
                if not isinstance(call, dict):
                    continue
                at = f"$events[{events.get(id(chunk), '?')}].choices[{choice_at}].delta.tool_calls[{n}]"
                out.append(_delta(entry.get("index", 0), call, at, opened))
    return out


def _delta(
    choice_index: object, call: dict[str, Any], at: str, opened: dict[tuple[object, object], int]
) -> ToolDelta:
    index: object = call.get("index")
    if not isinstance(index, int) or isinstance(index, bool):
        index = ("no index", len(opened))  # a gateway's chunk without index: a call of its own, as assembled
    slot = (choice_index, index)
    function = as_dict(call.get("function"))
    kind = "piece" if slot in opened else "open"
    opened.setdefault(slot, len(opened))
    name = function.get("name") if isinstance(function.get("name"), str) else None
    arguments = function["arguments"] if isinstance(function.get("arguments"), str) else ""
    return ToolDelta(
        slot,
        kind,
        at,
        id=call.get("id") if isinstance(call.get("id"), str) else None,
        name=name,
        arguments=arguments,
    )
