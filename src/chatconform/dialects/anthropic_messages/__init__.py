"""Anthropic Messages: content blocks, `stop_reason`, named SSE events from message_start to message_stop."""

from __future__ import annotations

import json
from typing import Any

from chatconform.dialects._base import Answer, Dialect, Output, ToolCall, Usage, as_dict, as_int, read_facts
from chatconform.dialects._errors import anthropic_envelope
from chatconform.dialects.anthropic_messages import _tools
from chatconform.dialects.anthropic_messages._stream import assemble, grammar, typed_events
from chatconform.model.exchange import Exchange, Request, view
from chatconform.model.finding import Finding

TOOL_BLOCKS = _tools.TOOL_BLOCKS  # blocks calling a tool the request offered (server tools are the API's own)


class AnthropicMessages(Dialect):
    """The Messages dialect."""

    facts = read_facts(__name__)
    tools = _tools

    def recognises(self, request: Request) -> int:
        if self.serves(request.path):
            return 2
        # an Anthropic-compatible gateway on a path of its own still sends Anthropic's version header
        return 1 if "anthropic-version" in request.headers else 0

    def offered_tools(self, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {
            t["name"]: as_dict(t.get("input_schema"))
            for t in body.get("tools") or []
            if isinstance(t, dict) and isinstance(t.get("name"), str) and "input_schema" in t
        }

    def in_band_errors(self, ex: Exchange) -> list[tuple[int, object]]:
        return [
            # an `event: error` whose data is not a JSON object is its own error (as in Responses)
            (index, value.get("error", value) if isinstance(value, dict) else value)
            for index, kind, value in typed_events(ex)
            if kind == "error"
        ]

    def assembled(self, ex: Exchange) -> dict[str, Any] | None:
        return _message(ex)

    def answer(self, ex: Exchange) -> Answer | None:
        message = self.assembled(ex) if ex.ok and self.is_generation(ex.request.path) else None
        if (
            not isinstance(message, dict)
            or self.in_band_errors(ex)
            or not isinstance(message.get("content"), list)
        ):
            return None
        blocks = [b for b in message["content"] if isinstance(b, dict)]
        text = "".join(
            b["text"] for b in blocks if b.get("type") == "text" and isinstance(b.get("text"), str)
        )
        thinking = "".join(
            b["thinking"]
            for b in blocks
            if b.get("type") == "thinking" and isinstance(b.get("thinking"), str)
        )
        calls = tuple(
            ToolCall(
                name=str(b.get("name") or ""), arguments=_arguments(b), id=b.get("id"), at=f"$.content[{n}]"
            )
            for n, b in enumerate(message["content"])
            if isinstance(b, dict) and b.get("type") in TOOL_BLOCKS
        )
        has_text = any(b.get("type") == "text" for b in blocks)
        output = Output(
            text=text if has_text else None,
            stop=self.stop(message.get("stop_reason")),
            stop_raw=message.get("stop_reason"),
            stop_at="$.stop_reason",
            tool_calls=calls,
            reasoning=thinking or None,
        )
        return Answer(
            model=message.get("model") if isinstance(message.get("model"), str) else None,
            outputs=(output,),
            usage=_usage(message.get("usage")),
            streamed=ex.stream is not None,
        )

    def grammar(self, ex: Exchange) -> list[Finding]:
        return grammar(ex)

    def error_envelope(self, body: object) -> list[Finding]:
        return anthropic_envelope(body)


@view
def _message(ex: Exchange) -> dict[str, Any] | None:
    if ex.stream is None:
        return ex.json if isinstance(ex.json, dict) else None
    return assemble(ex)


def _arguments(block: dict[str, Any]) -> str:
    """The tool input as JSON text: what the stream sent (kept as sent), or the whole answer's object."""
    if isinstance(block.get("partial_json"), str):
        return block["partial_json"] or "{}"  # a tool without parameters streams no input at all
    return json.dumps(block.get("input"), ensure_ascii=False)


def _usage(usage: object) -> Usage | None:
    if not isinstance(usage, dict):
        return None
    read = as_int(usage.get("cache_read_input_tokens"))
    return Usage(
        input=as_int(usage.get("input_tokens")), output=as_int(usage.get("output_tokens")), cached=read
    )


DIALECT = AnthropicMessages()

__all__ = ["DIALECT", "AnthropicMessages", "typed_events"]
