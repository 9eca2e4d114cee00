"""A fault-injecting HTTP proxy on loopback, in front of a real server (llama.cpp's, or the reference).

Each fault breaks one behaviour a measure claims to see, the way field reports describe gateways breaking it:
a gateway that drops `temperature` or `stop` on its way upstream, rebuilds streamed usage, inflates usage, or
serves another model under the requested name. The measure must turn from honoured/holds to ignored/broken.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

FAULTS = {
    "ignore-temperature": (
        "temperature is dropped on the way upstream (the server samples at its default, greedy here)"
    ),
    "ignore-stop": "stop and stop_sequences are dropped on the way upstream",
    "ignore-top-k": "top_k is dropped on the way upstream",
    "stream-usage": (
        "a streamed answer's usage is rebuilt: 7 more prompt tokens than the same answer unstreamed"
    ),
    "inflate-usage": "an unstreamed answer reports twice its prompt tokens",
    "swap-model": "every answer names another model than the one asked",
}
DROPPED = {
    "ignore-temperature": ("temperature",),
    "ignore-stop": ("stop", "stop_sequences"),
    "ignore-top-k": ("top_k",),
}


class FaultyProxy:
    """Forwards every POST to `upstream` + path, with one fault applied; start/stop as a context manager."""

    def __init__(self, upstream: str, fault: str):
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        self.upstream, self.fault = upstream.rstrip("/"), fault
        handler = type("Handler", (_Handler,), {"proxy": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FaultyProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def request(self, body: dict) -> dict:
        return {k: v for k, v in body.items() if k not in DROPPED.get(self.fault, ())}

    def response(self, data: bytes, streamed: bool) -> bytes:
        if streamed:
            return b"".join(self._event(line) for line in data.splitlines(keepends=True))
        try:
            value = json.loads(data)
        except ValueError:
            return data
        return json.dumps(self._answer(value, streamed=False)).encode()

    def _event(self, line: bytes) -> bytes:
        if not line.startswith(b"data: {"):
            return line
        value = json.loads(line[6:])
        return b"data: " + json.dumps(self._answer(value, streamed=True)).encode() + b"\n"

    def _answer(self, value, streamed: bool):
        if not isinstance(value, dict):
            return value
        if self.fault == "swap-model" and isinstance(value.get("model"), str):
            value["model"] = "reference/some-cheaper-model"
        if self.fault == "swap-model" and isinstance(value.get("message"), dict):
            value["message"]["model"] = "reference/some-cheaper-model"  # Anthropic's message_start
        usage = value.get("usage") if isinstance(value.get("usage"), dict) else None
        if usage is None and isinstance(value.get("message"), dict):
            usage = value["message"].get("usage") if isinstance(value["message"].get("usage"), dict) else None
        if usage is not None and (
            self.fault == "inflate-usage" and not streamed or self.fault == "stream-usage" and streamed
        ):
            extra = (
                usage.get("prompt_tokens", usage.get("input_tokens")) if self.fault == "inflate-usage" else 7
            )
            for name in ("prompt_tokens", "input_tokens", "total_tokens"):
                if isinstance(usage.get(name), int):
                    usage[name] += extra
        return value


class _Handler(BaseHTTPRequestHandler):
    proxy: FaultyProxy

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = self.proxy.request(json.loads(raw))
        except ValueError:
            body = None
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() in ("authorization", "x-api-key", "anthropic-version", "content-type")
        }
        with httpx.Client(timeout=120) as client:
            reply = client.post(
                self.proxy.upstream + self.path,
                headers=headers,
                content=json.dumps(body).encode() if body is not None else raw,
            )
        streamed = reply.headers.get("content-type", "").startswith("text/event-stream")
        data = self.proxy.response(reply.content, streamed) if reply.status_code == 200 else reply.content
        self.send_response(reply.status_code)
        self.send_header("content-type", reply.headers.get("content-type", "application/json"))
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
