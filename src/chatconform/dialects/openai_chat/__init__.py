"""OpenAI chat completions: `choices`, `chat.completion.chunk` streams ended by `data: [DONE]`, `{"error":
{}}`."""

from __future__ import annotations

from typing import Any

from chatconform.dialects._base import Answer, Dialect, Output, ToolCall, Usage, as_dict, as_int, read_facts
from chatconform.dialects._errors import openai_envelope
from chatconform.dialects.openai_chat import _tools
from chatconform.dialects.openai_chat._stream import assembled, chunks, chunks_before_done, error_events
from chatconform.model.exchange import Exchange, Request
from chatconform.model.finding import Finding


class OpenAIChat(Dialect):
    """The chat-completions dialect."""

    facts = read_facts(__name__)
    tools = _tools

    def recognises(self, request: Request) -> int:
        return 2 if self.serves(request.path) else 0

    def offered_tools(self, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for tool in body.get("tools") or []:
            function = tool.get("function") if isinstance(tool, dict) else None
            if isinstance(function, dict) and isinstance(function.get("name"), str):
                out[function["name"]] = as_dict(function.get("parameters"))
        return out

    def in_band_errors(self, ex: Exchange) -> list[tuple[int, object]]:
        return error_events(ex)

    def assembled(self, ex: Exchange) -> dict[str, Any] | None:
        return assembled(ex)

    def answer(self, ex: Exchange) -> Answer | None:
        # only a stream reports errors in-band: a whole body is not searched for them
        in_band = ex.stream is not None and bool(error_events(ex))
        view = assembled(ex) if ex.ok and not in_band else None
        if not view or not isinstance(view.get("choices"), list):
            return None
        outputs = tuple(self._output(n, c) for n, c in enumerate(view["choices"]) if isinstance(c, dict))
        return Answer(
            model=view.get("model") if isinstance(view.get("model"), str) else None,
            outputs=outputs,
            usage=_usage(view.get("usage")),
            streamed=ex.stream is not None,
        )

    def _output(self, position: int, choice: dict[str, Any]) -> Output:
        message = as_dict(choice.get("message"))
        listed = message.get("tool_calls")
        calls = (
            tuple(
                ToolCall(
                    name=str((c.get("function") or {}).get("name") or ""),
                    arguments=_text((c.get("function") or {}).get("arguments")),
                    id=c.get("id"),
                    at=f"$.choices[{position}].message.tool_calls[{n}]",
                )
                for n, c in enumerate(listed)
                if isinstance(c, dict)
            )
            if listed
            else ()  # most answers call no tool: no generator built for them
        )
        content = message.get("content")
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        return Output(
            index=choice.get("index", position) if isinstance(choice.get("index"), int) else position,
            text=content if isinstance(content, str) else None,
            stop=self.stop(choice.get("finish_reason")),
            stop_raw=choice.get("finish_reason"),
            stop_at=f"$.choices[{position}].finish_reason",
            tool_calls=calls,
            reasoning=reasoning if isinstance(reasoning, str) else None,
        )

    def error_envelope(self, body: object) -> list[Finding]:
        return openai_envelope(body)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _usage(usage: object) -> Usage | None:
    if not isinstance(usage, dict):
        return None
    details = as_dict(usage.get("completion_tokens_details"))
    prompt_details = as_dict(usage.get("prompt_tokens_details"))
    return Usage(
        input=as_int(usage.get("prompt_tokens")),
        output=as_int(usage.get("completion_tokens")),
        total=as_int(usage.get("total_tokens")),
        reasoning=as_int(details.get("reasoning_tokens")),
        cached=as_int(prompt_details.get("cached_tokens")),
    )


DIALECT = OpenAIChat()

__all__ = ["DIALECT", "OpenAIChat", "assembled", "chunks", "chunks_before_done", "error_events"]
