"""Raw HTTP over a loopback socket, for tests that send what no HTTP client would (bounded in time)."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass

CHAT_PATH = "/openai/v1/chat/completions"
CHAT_BODY = json.dumps({"model": "ref", "messages": [{"role": "user", "content": "Say hello."}]}).encode()


@dataclass
class Reply:
    """One parsed HTTP response; `closed` says the server closed the connection after it."""

    status: int
    headers: dict[str, str]
    body: bytes
    closed: bool

    def json(self):
        return json.loads(self.body)


def post(path: str, body: bytes, key: str, extra: str = "") -> bytes:
    """A well-formed POST with the key, extra header lines ("name: value\\r\\n") and the body."""
    head = (
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer {key}\r\n"
        f"content-type: application/json\r\ncontent-length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


def send(port: int, data: bytes, timeout: float = 5.0, half_close: bool = False) -> Reply | None:
    """Send data, read one response; None when the server closed without a byte. A hang fails the test."""
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer and close before all of a refused request is sent
        return read_reply(sock, deadline)


def read_reply(sock: socket.socket, deadline: float, left: bytearray | None = None) -> Reply | None:
    """One response from sock (status line, headers, Content-Length body), or None on a bare close.
    `left` carries bytes read past this response (the next pipelined one) from call to call."""
    left = bytearray() if left is None else left
    buf = bytes(left)
    while b"\r\n\r\n" not in buf:
        chunk = _recv(sock, deadline)
        if not chunk:
            assert not buf, f"the server closed in the middle of a response head: {buf[:200]!r}"
            return None
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    assert version.startswith("HTTP/1."), f"not an HTTP status line: {lines[0]!r}"
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", -1))
    while length < 0 or len(body) < length:  # no length: the body runs to the close (an SSE stream)
        chunk = _recv(sock, deadline)
        if not chunk:
            assert length < 0, f"the body ended after {len(body)} of {length} bytes"
            return Reply(int(status), headers, body, True)
        body += chunk
    left[:] = body[length:]
    closed = headers.get("connection", "").lower() == "close" and not left and not _recv(sock, deadline)
    return Reply(int(status), headers, body[:length], closed)


def _recv(sock: socket.socket, deadline: float) -> bytes:
    left = deadline - time.monotonic()
    assert left > 0, "the server neither answered nor closed in time"
    sock.settimeout(left)
    try:
        return sock.recv(65536)
    except ConnectionResetError:
        return b""
    except TimeoutError:
        raise AssertionError("the server neither answered nor closed in time") from None


def assert_error_object(reply: Reply | None, statuses, envelope: str = "openai") -> dict:
    """The reply has one of the statuses and an error object in the envelope of its dialect: OpenAI's
    {"error": {message, type, code, param}}, or Anthropic's {"type": "error", "error": {type, message}}."""
    assert reply is not None, "the server closed without answering"
    assert reply.status in statuses, (reply.status, reply.body[:300])
    assert reply.headers.get("content-type") == "application/json", reply.headers
    error = reply.json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if envelope == "anthropic":
        assert reply.json()["type"] == "error" and isinstance(error["type"], str), reply.json()
    else:
        assert {"type", "code", "param"} <= set(error)
    return error


def assert_chat_works(port: int, key: str) -> None:
    """A normal chat request on a fresh connection still gets its completion."""
    reply = send(port, post(CHAT_PATH, CHAT_BODY, key))
    assert reply is not None and reply.status == 200, reply and (reply.status, reply.body[:300])
    assert reply.json()["choices"][0]["message"]["content"]
