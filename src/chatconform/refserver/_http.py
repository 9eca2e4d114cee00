"""The reference provider's HTTP side: routing by dialect, auth, writing a JSON body or server-sent events.

What an answer holds is each dialect's module's business (_chat, _anthropic, _responses); here a request is
routed to the module of the dialect its endpoint speaks, and the module's Reply is written.
"""

from __future__ import annotations

import itertools
import json
import socket
import struct
import threading
import time

from chatconform.providers import ProviderData
from chatconform.refserver import _anthropic, _chat, _responses
from chatconform.refserver._behaviour_faults import BEHAVIOUR
from chatconform.refserver._contract import Contract, contract_named, contracts, route, warm
from chatconform.refserver._faults import FAULTS
from chatconform.refserver._guard import GuardedHandler, GuardedServer, Limits
from chatconform.refserver._reply import HTML, Call, Reply

FAULT_HEADER = "x-chatconform-fault"
_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}
SERVED = {"openai-chat": _chat, "anthropic-messages": _anthropic, "openai-responses": _responses}
DEFAULT_LIMITS = Limits()  # frozen, so one instance serves every server that sets none


class _Server(GuardedServer):
    def __init__(self, address, store, data, faults, slow_seconds, key, limits):
        super().__init__(address, _Handler, limits)
        self.store, self.faults, self.slow_seconds, self.key = store, set(faults), slow_seconds, key
        self.data = data  # the provider data it serves: one contract per provider
        self.draws = itertools.count(1)  # one number per request, for draws without a seed (thread-safe: C)


class _Handler(GuardedHandler):
    server: _Server

    def _faults(self) -> frozenset[str]:
        asked = {f.strip() for f in (self.headers.get(FAULT_HEADER) or "").split(",") if f.strip()}
        return frozenset((asked | self.server.faults) & set(FAULTS))

    def _module(self, contract: Contract | None, rest: str):
        """The module answering the dialect of the endpoint a path reaches (None: nothing is served there)."""
        dialect = contract.dialect_of(rest) if contract else None
        return SERVED.get(dialect.name) if dialect else None

    def _envelope(self, status: int, message: str) -> dict:
        """An error body in the envelope of the dialect the request's path speaks (OpenAI's by default)."""
        return (self._module(*route(self.path, self.server.data)) or _chat).envelope(status, message)

    def error_object(self, status: int, message: str) -> dict:
        """The guard's refusals (framing, size, JSON) in the envelope of the path's dialect, if not chat's."""
        module = self._module(*route(getattr(self, "path", "") or "", self.server.data))
        if module in (None, _chat):
            return super().error_object(status, message)
        return module.envelope(status, message)

    def do_GET(self):
        self.guarded(self._get)

    def do_POST(self):
        self.guarded(self._post)

    def _get(self):
        if self.headers.get("content-length") or self.headers.get("transfer-encoding"):
            self.close_connection = True  # a GET body is never read: the next request could not be found
        contract, rest = route(self.path, self.server.data)
        if not self._authorised(contract, {}, False):
            return self._json(401, self._envelope(401, "missing or invalid API key"))
        if contract and contract.endpoint(rest) == "models":
            models = [
                {"id": m, "object": "model", "created": 1754265600, "owned_by": contract.provider}
                for m in contract.profile.models
            ]
            return self._json(200, {"object": "list", "data": models})
        return self._json(404, self._envelope(404, f"no route for GET {self.path}"))

    def _post(self):
        contract, rest = route(self.path, self.server.data)
        body = self.read_json()
        if body is None and self._started:
            return None  # a 4xx for the body has been sent
        module = self._module(contract, rest)
        chat = module is _chat and rest == contract.profile.chat_path
        if not self._authorised(contract, body, chat):
            return self._json(401, self._envelope(401, "missing or invalid API key"))
        if not isinstance(body, dict):
            kind = _KINDS.get(type(body), "value")
            return self._json(400, self._envelope(400, f"the body is a JSON {kind}, not an object"))
        if module is None:
            return self._json(404, self._envelope(404, f"no route for POST {self.path}"))
        faults = self._faults()
        body = BEHAVIOUR.upstream(faults, contract.dialect_of(rest).name, body)  # a gateway's doing, if asked
        call = Call(
            contract, self.path.split("?")[0], rest, body, faults, self.server.store, next(self.server.draws)
        )
        return self._write(module.serve(call))

    def _authorised(self, contract: Contract | None, body, chat: bool) -> bool:
        """The key where the data says it goes: a Bearer token always; in chat, the body field of a request
        shape that carries it (or x-api-key, a provider's auth); elsewhere x-api-key
        (Anthropic-compatible)."""
        auth = self.headers.get("authorization") or ""
        offered = {auth[7:].strip() if auth.lower().startswith("bearer ") else None}
        if chat:
            assert contract is not None  # the chat module answers only a contract's chat path
            fields = contract.body_key_fields() if isinstance(body, dict) else set()
            offered.update(body.get(f) for f in fields)
            if contract.profile.auth == "x-api-key":
                offered.add(self.headers.get("x-api-key"))
        else:
            offered.add(self.headers.get("x-api-key"))
        return self.server.key in offered

    def _write(self, reply: Reply) -> None:
        """Write a dialect module's Reply: a reset, a late answer, events, raw bytes or a JSON body."""
        if reply.reset:
            return self._reset()
        if reply.slow:
            time.sleep(self.server.slow_seconds)
        if reply.events is not None:
            return self._events(reply.events)
        if reply.raw is not None:
            return self._send(reply.status, reply.kind, reply.raw, reply.headers)
        return self._json(reply.status, reply.payload, reply.mangle, reply.headers)

    def _reset(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "5000")
        self.end_headers()
        self.wfile.write(b'{"id": "ref", "object": "chat.completion", "choices": [')
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _json(self, status: int, payload, faults=frozenset(), headers=None) -> None:
        data = json.dumps(payload).encode()
        kind = "application/json"
        if "wrong-content-type" in faults:
            kind = "text/plain"
        elif "html-200" in faults:
            kind, data = "text/html", HTML
        elif "malformed-json" in faults:
            data = data[: len(data) // 2]
        elif "invalid-utf8" in faults:
            data = data.replace(b'"content": "', b'"content": "\xff\xfe', 1)
        self._send(status, kind, data, headers)

    def _send(self, status: int, kind: str, data: bytes, headers=None) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _events(self, events: list[bytes]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        for event in events:
            self.wfile.write(event)
            self.wfile.flush()
        self.close_connection = True


class ReferenceServer:
    """The reference provider on 127.0.0.1; `base_url(contract)` is what a profile points at."""

    def __init__(
        self,
        store=None,
        port: int = 0,
        faults=(),
        slow_seconds: float = 3.0,
        key: str | None = None,
        limits: Limits = DEFAULT_LIMITS,
        data: ProviderData | None = None,
    ):
        import os

        from chatconform.specs import SpecStore

        key = key or os.environ.get("CHATCONFORM_REFERENCE_KEY") or "reference-key"
        data = data if data is not None else ProviderData.load()  # (this server's own, when none is given)
        self._server = _Server(
            ("127.0.0.1", port), store or SpecStore(), data, faults, slow_seconds, key, limits
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def key(self) -> str:
        """The one API key this server accepts."""
        return self._server.key

    @property
    def data(self) -> ProviderData:
        """The provider data it serves (one contract per provider)."""
        return self._server.data

    @property
    def failures(self) -> list[str]:
        """Requests a handler failed on (a bug of the reference server, never of the client): empty when
        well."""
        return list(self._server.failures)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def contracts(self) -> list[str]:
        """The contract names served: every provider of its data (`openai`: the generic one)."""
        return list(contracts(self._server.data))

    def base_url(self, contract: str, dialect: str | None = None) -> str:
        """The base URL of one contract (or of the contract of a provider named so), as a client of `dialect`
        takes it: the part of the prefix the dialect's own path begins with is said once (Anthropic's SDK adds
        /v1/messages to its base URL, OpenAI's adds /responses)."""
        return (
            f"http://127.0.0.1:{self.port}{contract_named(contract, self._server.data).client_base(dialect)}"
        )

    def start(self) -> ReferenceServer:
        warm(self._server.store, self._server.data)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
