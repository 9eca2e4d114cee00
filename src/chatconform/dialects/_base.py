"""What every dialect provides: how its exchanges are recognised, read, streamed and refused.

A dialect is one API shape (OpenAI chat completions, Anthropic Messages, OpenAI Responses). The judge, the
claims, the reports and the reference provider ask the exchange's dialect instead of knowing `choices` or
`content` blocks themselves. Facts about a dialect (its paths, default contract, stop reasons, auth) are data
in its package's dialect.toml; only the reading of its JSON is code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, Protocol

from chatconform.model.exchange import Exchange, Request
from chatconform.model.finding import Finding

if TYPE_CHECKING:  # the scenario is judging's noun; a dialect only renders it (no import at run time)
    from chatconform.judging.toolcalls.scenarios import ToolScenario

# The stop reasons every dialect's own words map to (a dialect's dialect.toml gives its mapping).
STOPS = ("end", "length", "stop_sequence", "tool_calls", "content_filter", "pause", "failed", "other")


@dataclass(frozen=True)
class ToolCall:
    """A call of an offered tool, as the client ends up with it (arguments as the JSON text sent)."""

    name: str
    arguments: str
    id: str | None = None
    at: str = "$"  # where in the answer (or the assembled stream) the call is


@dataclass(frozen=True)
class ToolChoice:
    """What a request asked of tool use, in shared terms (each dialect reads its own words for it)."""

    mode: str = "auto"  # auto, none, required (any tool) or named (the tool `name`)
    name: str | None = None
    single: bool = False  # parallel calls turned off: at most one call (Anthropic: exactly one when forced)
    at: str = "$.tool_choice"


@dataclass(frozen=True)
class ToolDelta:
    """One streamed piece of a tool call: the call it belongs to (`slot`) and what it adds.

    `kind` is "open" (the piece that starts a call: its id and name), "piece" (more arguments) or "close" (the
    dialect's own summary of the finished call, where it sends one: Responses' output_item.done).
    """

    slot: object
    kind: str
    at: str
    id: str | None = None
    name: str | None = None
    arguments: str = ""
    item: str | None = None  # the id of the item a piece says it belongs to (Responses' item_id)


@dataclass(frozen=True)
class Usage:
    """Token counts as the answer reports them (None: not reported)."""

    input: int | None = None
    output: int | None = None
    total: int | None = None
    reasoning: int | None = None
    cached: int | None = None
    at: str = "$.usage"


@dataclass(frozen=True)
class Output:
    """One alternative the model produced (a chat choice; the one message of Messages and Responses)."""

    index: int = 0
    text: str | None = None
    stop: str | None = None  # one of STOPS, or None when the answer gives no reason
    stop_raw: object = None  # the dialect's own word for it
    stop_at: str = "$"
    tool_calls: tuple[ToolCall, ...] = ()
    reasoning: str | None = None


@dataclass(frozen=True)
class Answer:
    """A successful answer read the same way in every dialect."""

    model: str | None
    outputs: tuple[Output, ...]
    usage: Usage | None
    streamed: bool = False


@dataclass(frozen=True)
class Facts:
    """A dialect's data (its dialect.toml)."""

    name: str
    title: str
    paths: tuple[str, ...]
    contract: str
    auth: str
    limit_fields: tuple[str, ...]
    stop_fields: tuple[str, ...]
    stop_reasons: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    stream_field: str = "stream"
    # the whole file, for what only the dialect's own code reads
    data: dict[str, Any] = field(default_factory=dict)


def read_facts(package: str) -> Facts:
    """The dialect.toml beside a dialect package's code."""
    data = tomllib.loads(resources.files(package).joinpath("dialect.toml").read_text("utf-8"))
    return Facts(
        name=data["name"],
        title=data["title"],
        paths=tuple(data["paths"]),
        contract=data["contract"],
        auth=data["auth"],
        limit_fields=tuple(data["limit_fields"]),
        stop_fields=tuple(data["stop_fields"]),
        stop_reasons=dict(data.get("stop_reasons", {})),
        headers=dict(data.get("headers", {})),
        stream_field=data.get("stream_field", "stream"),
        data=data,
    )


class Tools(Protocol):
    """What a dialect's tools module provides (each dialect's _tools.py is one)."""

    def request(self, scenario: ToolScenario, model: str, stream: bool) -> dict[str, Any] | None: ...
    def choice(self, body: dict[str, Any]) -> ToolChoice | None: ...
    def strict(self, body: dict[str, Any]) -> frozenset[str]: ...
    def deltas(self, ex: Exchange) -> list[ToolDelta]: ...


class Dialect:
    """One API dialect; subclasses read its JSON. Every method takes an Exchange and never raises on odd
    input."""

    facts: Facts
    # the module that writes and reads the dialect's tool calls: request, choice, strict, deltas
    tools: Tools | None = None

    @property
    def name(self) -> str:
        """The dialect's name (`openai-chat`, `anthropic-messages`, `openai-responses`)."""
        return self.facts.name

    def serves(self, path: str) -> bool:
        """True when a URL path is one of this dialect's operations (by its ending)."""
        return path.rstrip("/").endswith(self.facts.paths)  # any of them (asked of every exchange)

    def recognises(self, request: Request) -> int:
        """How sure this dialect is that a request is its own (0: not at all); the path decides first."""
        return 2 if self.serves(request.path) else 0

    def is_generation(self, path: str) -> bool:
        """True for the operation that generates an answer (not a token count or a listing)."""
        return path.rstrip("/").endswith(self.facts.paths[0])

    def stop(self, raw: object) -> str | None:
        """The shared stop reason for the dialect's own word (`other` for a word the data does not map)."""
        if raw is None:
            return None
        return self.facts.stop_reasons.get(str(raw), "other")

    def limit_sent(self, body: dict[str, Any]) -> tuple[str, int] | None:
        """(field, value) of the smallest output-token limit the request set."""
        sent = [
            (f, body[f])
            for f in self.facts.limit_fields
            if isinstance(body.get(f), int) and not isinstance(body.get(f), bool)
        ]
        return min(sent, key=lambda p: p[1]) if sent else None

    def stops_sent(self, body: dict[str, Any]) -> list[str]:
        """The stop sequences the request set."""
        for name in self.facts.stop_fields:
            value = body.get(name)
            if isinstance(value, str):
                return [value]
            if isinstance(value, list):
                return [v for v in value if isinstance(v, str)]
        return []

    def offered_tools(self, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """name -> the JSON Schema of its input, for each tool the request offered."""
        return {}

    def strict_tools(self, body: dict[str, Any]) -> frozenset[str]:
        """The names of the tools the request offered with strict schema adherence turned on."""
        return self.tools.strict(body) if self.tools else frozenset()

    def tool_choice(self, body: dict[str, Any]) -> ToolChoice | None:
        """What the request asked of tool use (None when it offered no tool or said something unknown)."""
        offered = self.offered_tools(body)
        return self.tools.choice(body) if self.tools and offered else None

    def tool_request(self, scenario: ToolScenario, model: str, stream: bool = False) -> dict[str, Any] | None:
        """A tool-call scenario as this dialect's request body (None: the dialect cannot express it)."""
        return self.tools.request(scenario, model, stream) if self.tools else None

    def tool_deltas(self, ex: Exchange) -> list[ToolDelta]:
        """The streamed pieces of tool calls, in the order they came ([] for a whole answer)."""
        return self.tools.deltas(ex) if self.tools and ex.stream is not None else []

    def assembled(self, ex: Exchange) -> dict[str, Any] | None:
        """The answer body as a client ends up with it: the JSON body, or the stream put together."""
        raise NotImplementedError

    def answer(self, ex: Exchange) -> Answer | None:
        """The answer read in shared terms (None: no successful answer to read)."""
        raise NotImplementedError

    def in_band_errors(self, ex: Exchange) -> list[tuple[int, object]]:
        """(event index, error) of each error a 200 stream reports in-band."""
        return []

    def grammar(self, ex: Exchange) -> list[Finding]:
        """Findings about the order and shape of a stream's events (the stream grammar), beyond the schema."""
        return []

    def error_envelope(self, body: object) -> list[Finding]:
        """Findings about an error answer's body against this dialect's error envelope."""
        return []

    def auth_headers(self, key: str | None) -> dict[str, str]:
        """The headers that carry a key in this dialect, plus its fixed headers."""
        headers = dict(self.facts.headers)
        if key and self.facts.auth == "bearer":
            headers["authorization"] = f"Bearer {key}"
        elif key and self.facts.auth == "x-api-key":
            headers["x-api-key"] = key
        return headers


def as_int(value: object) -> int | None:
    """value when it is an int (a bool is not a token count), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_str(value: object) -> str | None:
    """value when it is a string, else None."""
    return value if isinstance(value, str) else None


def as_dict(value: object) -> dict[str, Any]:
    """value when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}
