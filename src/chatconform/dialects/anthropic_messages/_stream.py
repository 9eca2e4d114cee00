"""Anthropic's stream: message_start, then per content block start / deltas / stop, message_delta,
message_stop.

`assemble` puts the events together as the SDKs do (the Message a client ends up with); `grammar` reports
every event out of its place. Both read the events once, typed by their JSON `type`.
"""

from __future__ import annotations

import copy
import json
import tomllib
from importlib import resources
from typing import Any, TypeGuard

from chatconform.dialects._base import as_dict
from chatconform.dialects._grammar import StreamWalk
from chatconform.model.exchange import NOT_JSON, Exchange, view
from chatconform.model.finding import Finding, excerpt

_DATA = tomllib.loads(resources.files(__package__).joinpath("dialect.toml").read_text("utf-8"))["stream"]
DELTAS: dict[str, list[str]] = _DATA["deltas"]
ANYWHERE = tuple(_DATA["anywhere"])


@view
def typed_events(ex: Exchange) -> list[tuple[int, str | None, object]]:
    """(event index, type, JSON) of every data event: the type is the JSON's `type`, else the SSE event
    name."""
    events = ex.stream.events if ex.stream else []
    out: list[tuple[int, str | None, object]] = []
    for index, _, value in ex.payloads:
        kind = value.get("type") if isinstance(value, dict) and isinstance(value.get("type"), str) else None
        out.append(
            (index, kind or (events[index].event if events[index].event != "message" else None), value)
        )
    return out


def assemble(ex: Exchange) -> dict[str, Any] | None:
    """The Message the events describe (None when the stream never started one)."""
    message: dict[str, Any] | None = None
    for _, kind, value in typed_events(ex):
        if not isinstance(value, dict):
            continue
        if kind == "message_start" and isinstance(value.get("message"), dict) and message is None:
            message = copy.deepcopy(value["message"])
            message["content"] = list(message.get("content") or [])
        elif message is not None:
            _apply(message, kind, value)
    if message is not None:
        for block in message["content"]:
            if isinstance(block, dict) and isinstance(block.get("partial_json"), str):
                block["input"] = _parsed(block["partial_json"] or "{}")
    return message


def _apply(message: dict[str, Any], kind: str | None, value: dict[str, Any]) -> None:
    blocks = message["content"]
    index = value.get("index")
    if kind == "content_block_start" and isinstance(value.get("content_block"), dict):
        block = copy.deepcopy(value["content_block"])
        if block.get("type") in DELTAS and "input" in block:
            block["partial_json"] = ""
        blocks.append(block)
    elif kind == "content_block_delta" and _is_index(index) and index < len(blocks):
        _add(blocks[index], value.get("delta"))
    elif kind == "message_delta":
        delta = as_dict(value.get("delta"))
        message.update({k: v for k, v in delta.items()})
        if isinstance(value.get("usage"), dict):
            usage = as_dict(message.get("usage"))
            message["usage"] = {**usage, **value["usage"]}


def _add(block: object, delta: object) -> None:
    """One delta added to its block, by the delta's type."""
    if not isinstance(block, dict) or not isinstance(delta, dict):
        return
    kind = delta.get("type")
    for name, key in (
        ("text_delta", "text"),
        ("thinking_delta", "thinking"),
        ("signature_delta", "signature"),
    ):
        if kind == name and isinstance(delta.get(key), str):
            block[key] = (block.get(key) or "") + delta[key]
    if kind == "input_json_delta" and isinstance(delta.get("partial_json"), str):
        block["partial_json"] = (block.get("partial_json") or "") + delta["partial_json"]


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return NOT_JSON_TEXT


NOT_JSON_TEXT = "<not JSON>"


def _is_index(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def grammar(ex: Exchange) -> list[Finding]:
    """Every event out of its place in the grammar, and tool input that does not assemble to JSON."""
    if ex.stream is None:
        return []  # a whole answer has no grammar of events
    state = _Grammar()
    for index, kind, value in typed_events(ex):
        if value is NOT_JSON or kind in ANYWHERE:
            continue
        state.step(index, kind, value, ex.stream.events[index].event)
    return state.end(ex)


class _Grammar(StreamWalk):
    """The grammar walked event by event: where the stream is, and what was wrong so far."""

    opening, closing = "message_start", "message_stop"

    def __init__(self) -> None:
        super().__init__()
        self.delta_seen = False
        self.blocks: list[dict[str, Any]] = []  # per index: {"type", "open", "json"}

    def step(self, index: int, kind: str | None, value: object, sse_name: str) -> None:
        at = f"$events[{index}]"
        if sse_name not in ("message", kind) and kind is not None:
            self.fail(
                at,
                f"the SSE event is named {sse_name!r} but its data is of type {kind!r}",
                received=sse_name,
                expected=str(kind),
            )
        if kind == "error":
            return  # judged once, as the error it reports (stream.error_event)
        self.enter(at, kind)
        if kind in ("content_block_start", "content_block_delta", "content_block_stop"):
            self._block(at, kind, as_dict(value))  # data that is no object: read as one with no fields
        elif kind == "message_delta":
            self._message_delta(at, as_dict(value))
        elif kind == "message_stop":
            self.ended = True
        elif kind not in ("message_start",):
            self.fail(
                at,
                f"unknown event type {kind!r}",
                received=excerpt(kind),
                expected="message_start, content_block_*, message_delta, message_stop, ping, error",
            )

    def _block(self, at: str, kind: str, value: dict[str, Any]) -> None:
        index = value.get("index")
        if self.delta_seen:
            self.fail(at, f"{kind} after message_delta", received=kind)
        if kind == "content_block_start":
            if index != len(self.blocks):
                self.fail(
                    f"{at}.index",
                    "content blocks must start in order 0, 1, 2...",
                    received=excerpt(index),
                    expected=str(len(self.blocks)),
                )
            block = as_dict(value.get("content_block"))
            if self.blocks and self.blocks[-1]["open"]:
                self.fail(at, f"block {len(self.blocks)} starts before block {len(self.blocks) - 1} stopped")
            self.blocks.append({"type": block.get("type"), "open": True, "json": ""})
            return
        if not _is_index(index) or index >= len(self.blocks):
            self.fail(f"{at}.index", f"{kind} for a block that never started", received=excerpt(index))
            return
        block = self.blocks[index]
        if not block["open"]:
            self.fail(at, f"{kind} for block {index} after its content_block_stop", received=kind)
        if kind == "content_block_stop":
            block["open"] = False
            return
        delta = as_dict(value.get("delta"))
        allowed = DELTAS.get(str(block["type"]), [])
        if delta.get("type") not in allowed:
            self.fail(
                f"{at}.delta.type",
                f"a {delta.get('type')} for a {block['type']} block",
                received=excerpt(delta.get("type")),
                expected=" or ".join(allowed) or "no delta",
            )
        if isinstance(delta.get("partial_json"), str):
            block["json"] += delta["partial_json"]

    def _message_delta(self, at: str, value: dict[str, Any]) -> None:
        self.delta_seen = True
        open_blocks = [n for n, b in enumerate(self.blocks) if b["open"]]
        if open_blocks:
            self.fail(at, f"message_delta while block {open_blocks[0]} is still open")
        delta = as_dict(value.get("delta"))
        if delta.get("stop_reason") is None:
            self.fail(
                f"{at}.delta.stop_reason", "the message_delta gives no stop_reason", expected="a stop_reason"
            )
        usage = value.get("usage")
        if not isinstance(usage, dict) or not isinstance(usage.get("output_tokens"), int):
            self.fail(
                f"{at}.usage",
                "the message_delta carries no final usage.output_tokens",
                received=excerpt(usage),
                expected="usage with output_tokens",
            )

    def end(self, ex: Exchange) -> list[Finding]:
        if not self.started:
            self.fail("$events", "the stream never sent message_start", expected="message_start")
        elif not self.ended and ex.origin != "docs":  # a page prints an excerpt, whose end proves nothing
            cut = ex.stream is not None and ex.stream.incomplete is not None
            self.fail(
                "$events",
                "the stream was cut off in the middle of an event"
                if cut
                else "the stream never sent message_stop",
                expected="message_stop",
            )
        elif not self.delta_seen and ex.origin != "docs":  # the stop_reason and final usage never came
            self.fail(
                "$events",
                "the stream ended without a message_delta",
                expected="a message_delta with the stop_reason and the final usage, before message_stop",
            )
        for n, block in enumerate(self.blocks):
            if block["type"] in DELTAS and "input_json_delta" in DELTAS[block["type"]] and block["json"]:
                try:
                    json.loads(block["json"])
                except ValueError:
                    self.fail(
                        f"$.content[{n}].input",
                        "the streamed tool input does not assemble to JSON",
                        received=excerpt(block["json"]),
                        expected="the JSON of the tool's input",
                    )
        return self.found
