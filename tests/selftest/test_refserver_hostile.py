"""The reference server answers malformed or hostile HTTP with a 4xx error object or a timely close, and
keeps serving: every case below is followed by a normal chat request that must still get its completion."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from chatconform.refserver import Limits, ReferenceServer
from tests.rawhttp import CHAT_BODY, CHAT_PATH, assert_chat_works, assert_error_object, post, read_reply, send

KEY = "hostile-test-key"
LIMITS = Limits(idle=1.0, read=1.0, deadline=2.0, max_body=1 << 20)
MESSAGES = "/modelslab/api/v7/llm/v1/messages"


@pytest.fixture(scope="module")
def server(spec_store):
    with ReferenceServer(spec_store, key=KEY, limits=LIMITS) as running:
        yield running


def survives(server) -> None:
    """A normal chat request still gets its completion, and no handler has failed so far."""
    assert_chat_works(server.port, KEY)
    assert server.failures == []


def head(length_lines: str, path: str = CHAT_PATH) -> bytes:
    """A POST head with the given framing header lines and no body sent after it."""
    return f"POST {path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {KEY}\r\n{length_lines}\r\n".encode()


@pytest.mark.parametrize(
    "lines, status",
    [
        ("content-length: -5\r\n", 400),
        ("content-length: abc\r\n", 400),
        ("content-length: +5\r\n", 400),
        ("content-length: 5_0\r\n", 400),
        ("content-length: 5, 5\r\n", 400),
        ("content-length: 5\r\ncontent-length: 6\r\n", 400),
        ("content-length: 1048577\r\n", 413),
        (f"content-length: {10**30}\r\n", 413),
        (f"content-length: {'9' * 5000}\r\n", 413),
        (f"content-length: {'0' * 5000}\r\n", 400),  # a length of 0: an empty body is not JSON
        ("transfer-encoding: chunked\r\n", 411),
        ("transfer-encoding: chunked\r\ncontent-length: 5\r\n", 411),
        ("expect: 100-continue\r\ncontent-length: 99999999\r\n", 413),
    ],
)
def test_a_bad_length_is_refused_at_once_without_reading_a_body(server, lines, status):
    started = time.monotonic()
    reply = send(server.port, head(lines))  # no body follows: waiting for one would end in 408
    assert_error_object(reply, {status})
    assert reply.closed
    assert time.monotonic() - started < LIMITS.read
    survives(server)


def test_a_body_shorter_than_its_length_times_out_while_others_are_served(server):
    replies = []
    waiting = threading.Thread(
        target=lambda: replies.append(send(server.port, head("content-length: 80\r\n") + b'{"model"'))
    )
    started = time.monotonic()
    waiting.start()
    survives(server)  # served while the short body is pending
    waiting.join(10)
    assert LIMITS.read * 0.9 <= time.monotonic() - started < LIMITS.read + 3
    assert_error_object(replies[0], {408})
    assert replies[0].closed


def test_a_body_cut_short_by_the_client_is_a_400(server):
    reply = send(server.port, head("content-length: 80\r\n") + b'{"model"', half_close=True)
    error = assert_error_object(reply, {400})
    assert "8 of 80" in error["message"]
    survives(server)


@pytest.mark.parametrize(
    "raw, statuses",
    [
        (b"\x00\xff garbage\r\n\r\n", {400}),
        (b"hello\r\n\r\n", {400}),
        (b"GET /\r\n\r\n", {400}),  # HTTP/0.9: answered with a status line, refused
        (b"GET / HTTP/1.1 extra\r\n\r\n", {400}),
        (b"GET / HTTP/x.y\r\n\r\n", {400}),
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {505}),
        (b"BREW /pot HTTP/1.1\r\n\r\n", {501}),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", {414}),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"x-%d: y\r\n" % i for i in range(150)) + b"\r\n", {400, 431}),
        (b"GET / HTTP/1.1\r\nx-long: " + b"a" * 70_000 + b"\r\n\r\n", {400, 431}),
    ],
)
def test_a_malformed_request_head_gets_an_error_object_and_a_close(server, raw, statuses):
    reply = send(server.port, raw)
    assert_error_object(reply, statuses)
    assert reply.closed
    survives(server)


@pytest.mark.parametrize("path", [CHAT_PATH, MESSAGES, MESSAGES + "/count_tokens"])
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"model": "ref", "messages": [{"role": "user", "content": "\\ud800"}]}',
        b"not json",
        b"",
        b'{"a": "\xff\xfe"}',
        b"[1, 2]",
        b'"a string"',
        b"null",
        b"42",
    ],
    ids=[
        "deep-array",
        "deep-object",
        "lone-surrogate",
        "not-json",
        "empty",
        "bad-utf8",
        "list",
        "string",
        "null",
        "number",
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400_error_object(server, path, body):
    reply = send(server.port, post(path, body, KEY, f"x-api-key: {KEY}\r\n"))
    assert_error_object(reply, {400}, "anthropic" if path.startswith(MESSAGES) else "openai")
    survives(server)


def test_the_connection_is_kept_after_a_400_for_a_non_object_body(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(post(CHAT_PATH, b"[1]", KEY) + post(CHAT_PATH, CHAT_BODY, KEY))  # pipelined
        deadline, left = time.monotonic() + 5, bytearray()
        first, second = read_reply(sock, deadline, left), read_reply(sock, deadline, left)
    assert_error_object(first, {400})
    assert second is not None and second.status == 200 and second.json()["choices"]


def test_a_bug_in_a_handler_is_a_500_error_object_and_the_server_lives_on(spec_store, monkeypatch):
    from chatconform.refserver import _http

    def broken(call):
        raise KeyError("planted")

    with ReferenceServer(spec_store, key=KEY, limits=LIMITS) as own:
        monkeypatch.setattr(
            _http._chat, "serve", broken
        )  # the chat dialect's module, as the handler calls it
        error = assert_error_object(send(own.port, post(CHAT_PATH, CHAT_BODY, KEY)), {500})
        assert error["type"] == "server_error" and "KeyError" in error["message"]
        assert own.failures == ["KeyError: 'planted'"]  # kept, so a test of the server can see it
        monkeypatch.undo()
        assert_chat_works(own.port, KEY)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the server closes sock (end of file or reset) within seconds."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except TimeoutError:
        return False
    return True


def test_silent_and_trickling_clients_block_nobody_and_are_cut_off(server):
    silent = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(8)]
    trickler = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    stop = threading.Event()

    def trickle():  # one byte at a time, each well inside the read timeout: only the deadline ends it
        try:
            trickler.sendall(b"POST " + CHAT_PATH.encode() + b" HTTP/1.1\r\n")
            while not stop.wait(LIMITS.read / 4):
                trickler.sendall(b"x")
        except OSError:
            pass

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    try:
        for _ in range(3):
            survives(server)
        assert time.monotonic() - started < LIMITS.idle, "silent clients delayed the others"
        assert all(_closed_within(s, LIMITS.idle + 2) for s in silent)
        assert _closed_within(trickler, LIMITS.idle + LIMITS.deadline + 2)
        assert time.monotonic() - started < LIMITS.idle + LIMITS.deadline + 3
    finally:
        stop.set()
        for sock in [*silent, trickler]:
            sock.close()
    survives(server)
