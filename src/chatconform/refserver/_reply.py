"""What the HTTP side hands a dialect's module (a Call) and what it gets back (a Reply), and the transport
faults every dialect answers alike, each in the dialect's own error envelope."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chatconform.refserver._behaviour_faults import BEHAVIOUR

if TYPE_CHECKING:
    from chatconform.refserver._contract import Contract
    from chatconform.specs import SpecStore

HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"


@dataclass(frozen=True)
class Call:
    """One valid-JSON request to one dialect's endpoint: where it went, what it says, the faults asked for."""

    contract: Contract
    path: str  # the whole request path
    rest: str  # the path after the contract's prefix
    body: dict
    faults: frozenset[str]
    store: SpecStore
    nonce: int = 0  # the server's number for this request: it seeds a draw the request gives no seed for

    @property
    def streamed(self) -> bool:
        return self.body.get("stream") is True


@dataclass
class Reply:
    """An answer to write: a JSON body, server-sent events (framed already), raw bytes, or a transport act."""

    status: int = 200
    payload: object = None
    events: list[bytes] | None = None
    raw: bytes | None = None
    kind: str = "application/json"
    headers: dict = field(default_factory=dict)
    mangle: frozenset[str] = frozenset()  # byte-level faults of a JSON body (chat's transport faults)
    slow: bool = False  # answer after the client's read timeout
    reset: bool = False  # reset the connection in the middle of the body


Envelope = Callable[[int, str], dict]  # (status, message) -> the dialect's error body


def sse_named(events: list[dict]) -> list[bytes]:
    """Events framed as Anthropic and the Responses API frame them: `event: <type>` then `data: <JSON>`."""
    return [f"event: {e.get('type', 'message')}\ndata: {json.dumps(e)}\n\n".encode() for e in events]


def answered(call: Call, faults, answer: dict, events_of: Callable[[dict], list[dict]]) -> Reply:
    """A whole answer, or its named events when streamed, with the asked faults of a dialect's set (and of the
    behaviour set) applied."""
    faults.apply(call.faults, call.body, answer)
    BEHAVIOUR.apply(call.faults, call.body, answer)
    if not call.streamed:
        return Reply(200, answer)
    events = events_of(answer)
    faults.apply(call.faults, call.body, answer, events)
    return Reply(events=sse_named(events))


def transport_fault(faults: frozenset[str], envelope: Envelope) -> Reply | None:
    """The transport fault asked for, as a Reply in the dialect's envelope (None: no transport fault)."""
    if "rate-limit" in faults:
        return Reply(429, envelope(429, "slow down"), headers={"retry-after": "0"})
    if "bad-gateway-html" in faults:
        return Reply(502, raw=HTML, kind="text/html")
    if "server-error" in faults:
        return Reply(500, envelope(500, "internal error"))
    if "overloaded" in faults:
        return Reply(529, envelope(529, "Overloaded"))
    if "slow" in faults:
        return Reply(200, {"late": True}, slow=True)
    if "reset" in faults:
        return Reply(reset=True)
    return None
