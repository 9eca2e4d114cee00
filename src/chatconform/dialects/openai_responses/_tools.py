"""Tool calls in OpenAI Responses: function `tools`, `tool_choice`, `function_call` output items, and streamed
output_item.added / function_call_arguments.delta / output_item.done events."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chatconform.dialects._base import ToolChoice, ToolDelta, as_dict, as_str
from chatconform.dialects._openai_tools import choice as openai_choice
from chatconform.dialects.openai_responses._stream import typed_events
from chatconform.model.exchange import Exchange

if TYPE_CHECKING:
    from chatconform.judging.toolcalls.scenarios import Message, ToolScenario


def request(scenario: ToolScenario, model: str, stream: bool) -> dict[str, Any]:
    """A scenario as a Responses request body."""
    body: dict[str, Any] = {
        "model": model,
        "input": [item for turn in scenario.turns for item in _items(turn)],
        "tools": [
            {
                "type": "function",
                "name": t.name,
                "description": t.description,
                "parameters": t.parameters,
                "strict": t.strict,
            }
            for t in scenario.tools
        ],
        "max_output_tokens": scenario.max_tokens,
    }
    if scenario.system is not None:
        body["instructions"] = scenario.system
    body["tool_choice"] = (
        {"type": "function", "name": scenario.choice_name} if scenario.choice == "named" else scenario.choice
    )
    if scenario.single:
        body["parallel_tool_calls"] = False
    if stream:
        body["stream"] = True
    return body


def _items(turn: Message) -> list[dict[str, Any]]:
    if turn.role == "tool":
        return [{"type": "function_call_output", "call_id": turn.call_id, "output": turn.content}]
    # the explicit form (type: message) of an input message: llama-server refuses an assistant turn without it
    text: list[dict[str, Any]] = (
        [{"type": "message", "role": turn.role, "content": turn.content}] if turn.content else []
    )
    return text + [
        {"type": "function_call", "call_id": c.id, "name": c.name, "arguments": json.dumps(c.arguments)}
        for c in turn.calls
    ]


def choice(body: dict[str, Any]) -> ToolChoice | None:
    """The request's tool_choice and parallel_tool_calls in shared terms."""
    return openai_choice(body, lambda value: value.get("name"))


def strict(body: dict[str, Any]) -> frozenset[str]:
    """Names of the function tools offered with strict: true."""
    return frozenset(
        t["name"]
        for t in body.get("tools") or []
        if isinstance(t, dict)
        and t.get("type") == "function"
        and t.get("strict") is True
        and isinstance(t.get("name"), str)
    )


def deltas(ex: Exchange) -> list[ToolDelta]:
    """A function_call item's added event (open), its argument deltas (pieces) and its done event (close)."""
    out: list[ToolDelta] = []
    for index, kind, value in typed_events(ex):
        if not isinstance(value, dict):
            continue
        item = as_dict(value.get("item"))
        slot, at = _slot(value, item), f"$events[{index}]"
        if (
            kind in ("response.output_item.added", "response.output_item.done")
            and item.get("type") == "function_call"
        ):
            opens = kind.endswith(".added")
            out.append(
                ToolDelta(
                    slot,
                    "open" if opens else "close",
                    f"{at}.item",
                    id=as_str(item.get("call_id")),
                    name=as_str(item.get("name")),
                    arguments="" if opens else as_str(item.get("arguments")) or "",
                    item=as_str(item.get("id")),
                )
            )
        elif kind == "response.function_call_arguments.delta":
            out.append(
                ToolDelta(
                    slot,
                    "piece",
                    at,
                    arguments=as_str(value.get("delta")) or "",
                    item=as_str(value.get("item_id")),
                )
            )
    return out


def _slot(value: dict[str, Any], item: dict[str, Any]) -> object:
    """The item's output_index; without one (the schema reports that), the item's id keeps calls apart."""
    index = value.get("output_index")
    if isinstance(index, int) and not isinstance(index, bool):
        return index
    return ("item", as_str(item.get("id")) or as_str(value.get("item_id")))
