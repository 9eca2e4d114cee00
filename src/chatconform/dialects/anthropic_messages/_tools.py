"""Tool calls in Anthropic Messages: `tools` with `input_schema`, `tool_choice` {type: auto|any|tool}, and
streamed tool_use blocks (content_block_start, then input_json_delta pieces)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chatconform.dialects._base import ToolChoice, ToolDelta, as_dict, as_str
from chatconform.dialects.anthropic_messages._stream import typed_events
from chatconform.model.exchange import Exchange

if TYPE_CHECKING:
    from chatconform.judging.toolcalls.scenarios import Message, ToolScenario

# The tool_choice types Anthropic's pinned spec (2024-11) documents, in shared terms. It has no `none`: a
# scenario that needs one is not sent in this dialect.
MODES = {"auto": "auto", "any": "required", "tool": "named"}
TOOL_BLOCKS = ("tool_use",)


def request(scenario: ToolScenario, model: str, stream: bool) -> dict[str, Any] | None:
    """A scenario as a Messages request body (None when it needs a tool_choice the contract lacks)."""
    if scenario.choice == "none":
        return None
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": scenario.max_tokens,
        "messages": _messages(scenario.turns),
        "tools": [
            {"name": t.name, "description": t.description, "input_schema": t.parameters}
            for t in scenario.tools
        ],
    }
    if scenario.system is not None:
        body["system"] = scenario.system
    kind = {"auto": "auto", "required": "any", "named": "tool"}[scenario.choice]
    choice: dict[str, Any] = {"type": kind, **({"name": scenario.choice_name} if kind == "tool" else {})}
    if scenario.single:
        choice["disable_parallel_tool_use"] = True
    if kind != "auto" or scenario.single:
        body["tool_choice"] = choice
    if stream:
        body["stream"] = True
    return body


def _messages(turns: Sequence[Message]) -> list[dict[str, Any]]:
    """The turns as alternating messages: tool results (and text after them) go in one user message."""
    out: list[dict[str, Any]] = []
    for turn in turns:
        role, blocks = _blocks(turn)
        if out and out[-1]["role"] == role:
            previous = out[-1]["content"]
            out[-1]["content"] = (_as_blocks(previous)) + blocks
        else:
            out.append({"role": role, "content": turn.content if turn.role == "user" else blocks})
    return out


def _blocks(turn: Message) -> tuple[str, list[dict[str, Any]]]:
    if turn.role == "tool":
        return "user", [{"type": "tool_result", "tool_use_id": turn.call_id, "content": turn.content}]
    if turn.role == "assistant":
        text: list[dict[str, Any]] = [{"type": "text", "text": turn.content}] if turn.content else []
        return "assistant", text + [
            {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in turn.calls
        ]
    return "user", [{"type": "text", "text": turn.content}]


def _as_blocks(content: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": "text", "text": content}] if isinstance(content, str) else list(content)


def choice(body: dict[str, Any]) -> ToolChoice | None:
    """The request's tool_choice in shared terms (auto when it sends none)."""
    value = body.get("tool_choice", {"type": "auto"})
    if not isinstance(value, dict) or value.get("type") not in MODES:
        return None
    mode = MODES[value["type"]]
    name = value.get("name") if mode == "named" and isinstance(value.get("name"), str) else None
    if mode == "named" and name is None:
        return None
    return ToolChoice(mode, name, single=value.get("disable_parallel_tool_use") is True)


def strict(body: dict[str, Any]) -> frozenset[str]:
    """No tool: Anthropic's pinned spec has no strict schema adherence (its input_schema always binds)."""
    return frozenset()


def deltas(ex: Exchange) -> list[ToolDelta]:
    """Each tool_use block's start (its id and name) and each input_json_delta of a tool_use block."""
    out: list[ToolDelta] = []
    tool_blocks: set[object] = set()
    for index, kind, value in typed_events(ex):
        if not isinstance(value, dict):
            continue
        block = as_dict(value.get("content_block"))
        delta = as_dict(value.get("delta"))
        slot, at = value.get("index"), f"$events[{index}]"
        if kind == "content_block_start" and block.get("type") in TOOL_BLOCKS:
            tool_blocks.add(slot)
            started = block.get("input")
            out.append(
                ToolDelta(
                    slot,
                    "open",
                    at,
                    id=as_str(block.get("id")),
                    name=as_str(block.get("name")),
                    arguments=json.dumps(started) if started else "",
                )
            )
        elif (
            kind == "content_block_delta" and delta.get("type") == "input_json_delta" and slot in tool_blocks
        ):
            out.append(
                ToolDelta(slot, "piece", f"{at}.delta", arguments=as_str(delta.get("partial_json")) or "")
            )
    return out
