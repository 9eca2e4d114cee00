"""OpenAI Responses: `output` items, `status` with `incomplete_details`, `response.*` events with sequence
numbers."""

from __future__ import annotations

from typing import Any

from chatconform.dialects._base import Answer, Dialect, Output, ToolCall, Usage, as_dict, as_int, read_facts
from chatconform.dialects._errors import openai_envelope
from chatconform.dialects.openai_responses import _tools
from chatconform.dialects.openai_responses._stream import assemble, grammar, typed_events
from chatconform.model.exchange import Exchange, view
from chatconform.model.finding import Finding


class OpenAIResponses(Dialect):
    """The Responses dialect."""

    facts = read_facts(__name__)
    tools = _tools

    def offered_tools(self, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {
            t["name"]: as_dict(t.get("parameters"))
            for t in body.get("tools") or []
            if isinstance(t, dict) and t.get("type") == "function" and isinstance(t.get("name"), str)
        }

    def stops_sent(self, body: dict[str, Any]) -> list[str]:
        return []  # the Responses API has no stop sequences

    def in_band_errors(self, ex: Exchange) -> list[tuple[int, object]]:
        return [
            (index, value.get("error", value) if isinstance(value, dict) else value)
            for index, kind, value in typed_events(ex)
            if kind in ("error", "response.failed")
        ]

    def assembled(self, ex: Exchange) -> dict[str, Any] | None:
        return _response(ex)

    def answer(self, ex: Exchange) -> Answer | None:
        response = self.assembled(ex) if ex.ok and self.is_generation(ex.request.path) else None
        if not isinstance(response, dict) or not isinstance(response.get("output"), list):
            return None
        if any(kind == "error" for _, kind, _ in typed_events(ex)):
            return None
        items = [i for i in response["output"] if isinstance(i, dict)]
        texts = [
            p.get("text")
            for i in items
            if i.get("type") == "message"
            for p in (i.get("content") or [])
            if isinstance(p, dict) and p.get("type") == "output_text"
        ]
        calls = tuple(
            ToolCall(
                name=str(i.get("name") or ""),
                arguments=i["arguments"] if isinstance(i.get("arguments"), str) else "",
                id=i.get("call_id"),
                at=f"$.output[{n}]",
            )
            for n, i in enumerate(response["output"])
            if isinstance(i, dict) and i.get("type") == "function_call"
        )
        reasoning = "".join(
            s.get("text", "")
            for i in items
            if i.get("type") == "reasoning"
            for s in (i.get("summary") or [])
            if isinstance(s, dict) and isinstance(s.get("text"), str)
        )
        raw = _stop_word(response, calls)
        output = Output(
            text="".join(t for t in texts if isinstance(t, str)) if texts else None,
            stop=self.stop(raw),
            stop_raw=raw,
            stop_at="$.status",
            tool_calls=calls,
            reasoning=reasoning or None,
        )
        return Answer(
            model=response.get("model") if isinstance(response.get("model"), str) else None,
            outputs=(output,),
            usage=_usage(response.get("usage")),
            streamed=ex.stream is not None,
        )

    def grammar(self, ex: Exchange) -> list[Finding]:
        return grammar(ex)

    def error_envelope(self, body: object) -> list[Finding]:
        return openai_envelope(body)


@view
def _response(ex: Exchange) -> dict[str, Any] | None:
    if ex.stream is None:
        return ex.json if isinstance(ex.json, dict) else None
    return assemble(ex)


def _stop_word(response: dict[str, Any], calls: tuple[ToolCall, ...]) -> str | None:
    """The Responses API's stand-in for a stop reason: an incomplete answer's reason, else its status."""
    status = response.get("status")
    if status == "incomplete":
        details = response.get("incomplete_details")
        return details.get("reason") if isinstance(details, dict) else "incomplete"
    if status == "completed" and calls:
        return "function_call"
    return status if isinstance(status, str) else None


def _usage(usage: object) -> Usage | None:
    if not isinstance(usage, dict):
        return None
    out = as_dict(usage.get("output_tokens_details"))
    inp = as_dict(usage.get("input_tokens_details"))
    return Usage(
        input=as_int(usage.get("input_tokens")),
        output=as_int(usage.get("output_tokens")),
        total=as_int(usage.get("total_tokens")),
        reasoning=as_int(out.get("reasoning_tokens")),
        cached=as_int(inp.get("cached_tokens")),
    )


DIALECT = OpenAIResponses()

__all__ = ["DIALECT", "OpenAIResponses", "typed_events"]
