"""Request bodies in each dialect for the same intent: a prompt, a limit, and the parameters a trial sets."""

from __future__ import annotations

from dataclasses import dataclass, field

CHAT, MESSAGES, RESPONSES = "openai-chat", "anthropic-messages", "openai-responses"
# specs/openai/openapi.json#/components/schemas/CreateResponse/allOf/2/properties/max_output_tokens:
# "minimum": 16
RESPONSES_MIN_OUTPUT = 16
# request fields that add prompt tokens by rules no provider publishes (tool definitions, a JSON schema)
UNCOUNTED = ("tools", "functions", "tool_choice", "response_format", "text")
COLOUR_SCHEMA = {
    "type": "object",
    "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]}},
    "required": ["colour"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Ask:
    """What a request asks, whatever the dialect (None: not sent)."""

    prompt: str
    max_tokens: int
    temperature: float | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    n: int | None = None
    top_k: int | None = None
    top_logprobs: int | None = None
    json_schema: dict | None = None
    stream: bool = False
    extra: dict = field(default_factory=dict)


def body(dialect: str, model: str, ask: Ask) -> dict:
    """The request body of `ask` in `dialect`."""
    build = {CHAT: _chat, MESSAGES: _messages, RESPONSES: _responses}[dialect]
    out = build(model, ask)
    return {**{k: v for k, v in out.items() if v is not None}, **ask.extra}


def _chat(model: str, ask: Ask) -> dict:
    fmt = None
    if ask.json_schema is not None:
        fmt = {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": ask.json_schema, "strict": True},
        }
    return {
        "model": model,
        "messages": [{"role": "user", "content": ask.prompt}],
        "max_tokens": ask.max_tokens,
        "temperature": ask.temperature,
        "stop": list(ask.stop) or None,
        "seed": ask.seed,
        "n": ask.n,
        "logprobs": True if ask.top_logprobs is not None else None,
        "top_logprobs": ask.top_logprobs,
        "top_k": ask.top_k,
        "response_format": fmt,
        "stream": True if ask.stream else None,
        "stream_options": {"include_usage": True} if ask.stream else None,
    }


def _messages(model: str, ask: Ask) -> dict:
    return {
        "model": model,
        "messages": [{"role": "user", "content": ask.prompt}],
        "max_tokens": ask.max_tokens,
        "temperature": ask.temperature,
        "stop_sequences": list(ask.stop) or None,
        "top_k": ask.top_k,
        "stream": True if ask.stream else None,
    }


def _responses(model: str, ask: Ask) -> dict:
    text = None
    if ask.json_schema is not None:
        text = {
            "format": {"type": "json_schema", "name": "answer", "schema": ask.json_schema, "strict": True}
        }
    return {
        "model": model,
        "input": ask.prompt,
        "max_output_tokens": max(ask.max_tokens, RESPONSES_MIN_OUTPUT),
        "temperature": ask.temperature,
        "text": text,
        "stream": True if ask.stream else None,
    }


def messages_of(dialect: str, sent: dict) -> list[dict] | None:
    """The conversation a body sends, as chat messages (system first), for a local token count; None when it
    holds anything but plain text."""
    if any(sent.get(k) for k in UNCOUNTED):
        return None
    if dialect == RESPONSES:
        given = sent.get("input")
        convo = [{"role": "user", "content": given}] if isinstance(given, str) else given
        system = sent.get("instructions")
    else:
        convo, system = sent.get("messages"), sent.get("system") if dialect == MESSAGES else None
    if (
        not isinstance(convo, list)
        or not all(_plain(m) for m in convo)
        or not isinstance(system, (str, type(None)))
    ):
        return None
    return ([{"role": "system", "content": system}] if system else []) + [dict(m) for m in convo]


def _plain(message) -> bool:
    """A message of role and text content only (no tool call, name or image, which count by undocumented
    rules)."""
    return (
        isinstance(message, dict)
        and set(message) <= {"role", "content"}
        and isinstance(message.get("role"), str)
        and isinstance(message.get("content"), str)
    )
