"""Exchange: one request and its response, tagged with where it came from. Every check takes one."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, update_wrapper
from typing import Any, Concatenate, ParamSpec, TypeVar, cast
from urllib.parse import urlsplit

from chatconform.model import stream as sse
from chatconform.model.inputs import MAX_DEPTH  # deeper than any real body, far from Python's recursion limit

ORIGINS = ("docs", "reference", "live", "cassette", "fuzz")
NOT_JSON = _NOT_JSON = object()
P = ParamSpec("P")
T = TypeVar("T")


def _lower(headers: Mapping[Any, object] | None) -> dict[str, str]:
    """Headers as {lower-case name: value}, lists joined the way HTTP joins them."""
    out: dict[str, str] = {}
    for name, value in (headers or {}).items():
        values = value if isinstance(value, (list, tuple)) else [value]
        out[str(name).lower()] = ", ".join(str(v) for v in values if v is not None)
    return out


def _json_or_marker(body: bytes | str | None) -> Any:
    """The parsed JSON, or NOT_JSON for no body, malformed JSON, or JSON nested deeper than MAX_DEPTH."""
    if not body:
        return _NOT_JSON
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NOT_JSON
    return value if _shallow(body, value) else _NOT_JSON


def _shallow(body: bytes | str, value: Any) -> bool:
    """True when value nests at most MAX_DEPTH levels (deeper JSON would overflow the checks' recursion)."""
    if isinstance(body, bytes):
        brackets = body.count(b"[") + body.count(b"{")
    else:
        brackets = body.count("[") + body.count("{")
    if brackets <= MAX_DEPTH:
        return True  # cannot nest deeper than it has brackets: no walk for an ordinary body
    level, depth = [value], 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return False
        level = [
            v
            for item in level
            for v in (item.values() if isinstance(item, dict) else item)
            if isinstance(v, (dict, list))
        ]
    return True


@dataclass
class Request:
    """An HTTP request as sent."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self.headers = _lower(self.headers)

    @cached_property
    def path(self) -> str:
        """The URL path (split once: every check asks for it)."""
        return urlsplit(self.url).path

    @cached_property
    def json(self) -> Any:
        """The JSON body, or None when the body is absent or not JSON."""
        value = _json_or_marker(self.body)
        return None if value is _NOT_JSON else value


@dataclass
class Response:
    """An HTTP response as received (body bytes decoded of any content-encoding)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __post_init__(self) -> None:
        self.headers = _lower(self.headers)

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower case ('' when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def is_event_stream(self) -> bool:
        """True for a text/event-stream body."""
        return self.media_type == "text/event-stream"


@dataclass
class Exchange:
    """A request, its response (None when a document shows none), and its provenance."""

    request: Request
    response: Response | None
    origin: str = "cassette"
    provider: str = "openai-compatible"
    model: str | None = None
    label: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    # what @view functions derived from this exchange (not an init field: a dataclasses.replace() copy is a
    # new exchange and derives its own)
    views: dict[Hashable, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def request_json(self) -> dict[str, Any]:
        """The request body as a dict ({} when not a JSON object)."""
        value = self.request.json
        return value if isinstance(value, dict) else {}

    @cached_property
    def parsed_body(self) -> Any:
        """The response body parsed as JSON, or the _NOT_JSON marker."""
        return _json_or_marker(self.response.body if self.response else None)

    @property
    def body_is_json(self) -> bool:
        """True when the response body parsed as JSON."""
        return self.parsed_body is not _NOT_JSON

    @property
    def json(self) -> Any:
        """The response JSON (None when the body is not JSON)."""
        return self.parsed_body if self.body_is_json else None

    @cached_property
    def stream(self) -> sse.Parsed | None:
        """The parsed server-sent events of a streamed response, else None."""
        if self.response is None or not self.response.is_event_stream:
            return None
        return sse.parse(self.response.body)

    @cached_property
    def payloads(self) -> list[tuple[int, str, object]]:
        """(event index, data, parsed JSON or NOT_JSON) for every data event but [DONE], parsed once."""
        out: list[tuple[int, str, object]] = []
        for index, event in enumerate(self.stream.events if self.stream else []):
            if event.data.strip() != "[DONE]":
                out.append((index, event.data, _json_or_marker(event.data)))
        return out

    @property
    def requested_stream(self) -> bool:
        """True when the request asked for a stream."""
        return self.request_json.get("stream") is True

    @property
    def ok(self) -> bool:
        """True for a 2xx response."""
        return self.response is not None and 200 <= self.response.status < 300


def view(compute: Callable[Concatenate[Exchange, P], T]) -> Callable[Concatenate[Exchange, P], T]:
    """Make `compute(ex, *args)` a view of the exchange, computed once per exchange and (hashable) args."""
    # kept on the exchange and named by the function itself (the chunks of a stream, the assembled answer,
    # the redacted evidence): a claim, results.json and Allure asking for it again share the work

    def cached(ex: Exchange, /, *args: P.args, **kwargs: P.kwargs) -> T:
        # keyed by the function itself: no name two views could share
        key = (cached, *args, *kwargs.items()) if args or kwargs else cached
        views = ex.views
        if key not in views:
            views[key] = compute(ex, *args, **kwargs)
        return cast(T, views[key])  # stored by this function alone, so a T

    update_wrapper(cached, compute)  # its name and docstring
    return cached
