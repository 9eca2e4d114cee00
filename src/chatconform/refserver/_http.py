"""The reference provider's HTTP side: routing, auth, transport faults, SSE writing."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time

from chatconform.refserver import _generate as gen
from chatconform.refserver._contract import CHAT, Contract, contract_named, contracts, error_body, messages_problems, \
    problems, route, warm
from chatconform.refserver._faults import FAULTS
from chatconform.refserver._guard import GuardedHandler, GuardedServer, Limits

FAULT_HEADER = "x-chatconform-fault"
_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"


class _Server(GuardedServer):
    def __init__(self, address, store, faults, slow_seconds, key, limits):
        super().__init__(address, _Handler, limits)
        self.store, self.faults, self.slow_seconds, self.key = store, set(faults), slow_seconds, key


class _Handler(GuardedHandler):
    def _faults(self) -> set[str]:
        asked = {f.strip() for f in (self.headers.get(FAULT_HEADER) or "").split(",") if f.strip()}
        return (asked | self.server.faults) & set(FAULTS)

    def do_GET(self):
        self.guarded(self._get)

    def do_POST(self):
        self.guarded(self._post)

    def _get(self):
        if self.headers.get("content-length") or self.headers.get("transfer-encoding"):
            self.close_connection = True  # a GET body is never read: the next request could not be found
        contract, rest = route(self.path)
        if not self._authorised(contract, {}, None):
            return self._json(401, error_body("missing or invalid API key", "authentication_error", "unauthorized"))
        if contract and contract.endpoint(rest) == "models":
            models = [{"id": m, "object": "model", "created": 1754265600, "owned_by": contract.provider}
                      for m in contract.profile.models]
            return self._json(200, {"object": "list", "data": models})
        return self._json(404, error_body(f"no route for GET {self.path}", "not_found", "not_found"))

    def _post(self):
        contract, rest = route(self.path)
        body = self.read_json()
        if body is None and self._started:
            return None  # a 4xx for the body has been sent
        endpoint = contract.endpoint(rest) if contract else None
        if not self._authorised(contract, body, endpoint):
            return self._json(401, error_body("missing or invalid API key", "authentication_error", "unauthorized"))
        if not isinstance(body, dict):
            kind = _KINDS.get(type(body), "value")
            return self._json(400, error_body(f"the body is a JSON {kind}, not an object"))
        if endpoint == CHAT:
            return self._chat(contract, body)
        if endpoint == "messages":
            return self._messages(body)
        if endpoint == "count_tokens":
            return self._json(200, {"input_tokens": gen.prompt_tokens(body)})
        return self._json(404, error_body(f"no route for POST {self.path}", "not_found", "not_found"))

    def _authorised(self, contract: Contract | None, body, endpoint: str | None) -> bool:
        """The key where the data says it goes: a Bearer token always; in chat, the body field of a request
        shape that carries it (or x-api-key, a provider's auth); elsewhere x-api-key (Anthropic-compatible)."""
        auth = self.headers.get("authorization") or ""
        offered = {auth[7:].strip() if auth.lower().startswith("bearer ") else None}
        if endpoint == CHAT:
            fields = contract.body_key_fields() if isinstance(body, dict) else set()
            offered.update(body.get(f) for f in fields)
            if contract.profile.auth == "x-api-key":
                offered.add(self.headers.get("x-api-key"))
        else:
            offered.add(self.headers.get("x-api-key"))
        return self.server.key in offered

    def _chat(self, contract: Contract, body) -> None:
        faults = self._faults()
        found = problems(contract, self.path, body, self.server.store)
        if found and "accept-invalid" not in faults:
            if "invalid-500" in faults:
                return self._json(500, error_body("internal error", "server_error", "internal"))
            payload = [error_body("; ".join(found))] if "error-array" in faults else error_body("; ".join(found))
            return self._json(400, payload)
        if not found and "reject-minimal" in faults and set(body) == {"model", "messages"}:
            return self._json(400, error_body("max_tokens is required"))
        if self._transport_fault(faults):
            return None
        model = contract.model_of(body)
        done = gen.completion({**body, "model": model}, model, contract.rules(model))
        for name in faults:
            if FAULTS[name].completion:
                FAULTS[name].completion(body, done)
        if body.get("stream") is True:
            return self._stream(body, done, faults)
        return self._json(self._ok_status(contract, body), done, faults)

    def _ok_status(self, contract: Contract, body: dict) -> int:
        """The 2xx the spec documents: 201 where that is all it documents (one of AIML's specs does)."""
        spec = self.server.store.spec_or_none(contract.provider, contract.model_of(body))
        op = spec.find_operation("post", self.path) if spec else None
        documented = [int(k) for k in (op.responses if op else {}) if k.isdigit() and k.startswith("2")]
        return 200 if not documented or 200 in documented else min(documented)

    def _messages(self, body) -> None:
        found = messages_problems(body)
        if found:
            return self._json(400, error_body("; ".join(found)))
        words = gen.answer_words(body, 0)[: int(body["max_tokens"])]
        full = len(gen.answer_words(body, 0))
        return self._json(200, {
            "id": "msg_ref", "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "text", "text": " ".join(words)}],
            "stop_reason": "max_tokens" if len(words) < full else "end_turn",
            "usage": {"input_tokens": gen.prompt_tokens(body), "output_tokens": len(words)}})

    def _transport_fault(self, faults: set[str]) -> bool:
        """Answer with a transport fault instead of the completion; True when one was used."""
        if "rate-limit" in faults:
            self._send(429, "application/json", json.dumps(error_body("slow down", "rate_limit", "rate_limited")).encode(),
                       {"retry-after": "0"})
        elif "bad-gateway-html" in faults:
            self._send(502, "text/html", HTML)
        elif "server-error" in faults:
            self._json(500, error_body("internal error", "server_error", "internal"))
        elif "slow" in faults:
            time.sleep(self.server.slow_seconds)
            self._json(200, {"late": True})
        elif "reset" in faults:
            self._reset()
        else:
            return False
        return True

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

    def _json(self, status: int, payload, faults=frozenset()) -> None:
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
        self._send(status, kind, data)

    def _send(self, status: int, kind: str, data: bytes, headers=None) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, body: dict, done: dict, faults: set[str]) -> None:
        options = body.get("stream_options") if isinstance(body.get("stream_options"), dict) else {}
        chunks = gen.chunks_of(done, options.get("include_usage") is True)
        for name in faults:
            if FAULTS[name].chunks:
                FAULTS[name].chunks(body, chunks)
        events = [f"data: {json.dumps(c)}\n\n".encode() for c in chunks]
        if "no-done" not in faults:
            events.append(b"data: [DONE]\n\n")
        if "truncated-stream" in faults:
            events = [e for e in events if e != b"data: [DONE]\n\n"] + [b'data: {"id": "ref", "choi']
        if "stream-invalid-utf8" in faults:
            events.insert(1, b": keep-alive \xff\xfe\n\n")
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

    def __init__(self, store=None, port: int = 0, faults=(), slow_seconds: float = 3.0, key: str | None = None,
                 limits: Limits = Limits()):
        import os

        from chatconform.specs import SpecStore

        key = key or os.environ.get("CHATCONFORM_REFERENCE_KEY") or "reference-key"
        self._server = _Server(("127.0.0.1", port), store or SpecStore(), faults, slow_seconds, key, limits)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def key(self) -> str:
        """The one API key this server accepts."""
        return self._server.key

    @property
    def failures(self) -> list[str]:
        """Requests a handler failed on (a bug of the reference server, never of the client): empty when well."""
        return list(self._server.failures)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def contracts(self) -> list[str]:
        """The contract names served: every provider of the data in force (`openai`: the generic one)."""
        return list(contracts())

    def base_url(self, contract: str) -> str:
        """The base URL of one contract (or of the contract of a provider named so)."""
        return f"http://127.0.0.1:{self.port}{contract_named(contract).prefix}"

    def start(self) -> "ReferenceServer":
        warm(self._server.store)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
