"""Mutated raw HTTP against the reference server: a well-formed answer or a clean close, in bounded time,
and the server answers a normal chat request after every example. Also `serve` on a port it cannot take."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatconform.refserver import Limits, ReferenceServer
from tests.rawhttp import CHAT_BODY, CHAT_PATH, assert_chat_works, assert_error_object, post, send

KEY = "mutation-test-key"
BASE = post(CHAT_PATH, CHAT_BODY, KEY)
# stand-ins for a 70,000-byte header line, 120 headers and 100,000 open brackets (Hypothesis prints the
# tokens)
BIG = {
    b"<LONG>": b"x-a: " + b"b" * 70_000 + b"\r\n",
    b"<FLOOD>": b"".join(b"x-%d: y\r\n" % i for i in range(120)),
    b"<DEEP>": b"[" * 100_000,
}
TOKENS = [
    b"\r\n",
    b"\n",
    b"\r",
    b":",
    b" ",
    b"\x00",
    b"\xff\xfe",
    b"\\ud800",
    *BIG,
    b'{"a":' * 30,
    b"content-length: -1\r\n",
    b"content-length: 99999999999999999999\r\n",
    b"content-length: 5\r\n",
    b"transfer-encoding: chunked\r\n",
    b"HTTP/0.9",
    b"HTTP/2.0",
    b"GET",
    b"POST / HTTP/1.1\r\n",
    b" folded-continuation\r\n",
    b"no-colon-header\r\n",
    b"%00",
    b"/../..",
    b"?x=\x7f",
]
position = st.integers(min_value=0, max_value=len(BASE))
mutation = st.one_of(
    st.tuples(st.just("delete"), position, st.integers(1, 40)),
    st.tuples(st.just("insert"), position, st.sampled_from(TOKENS)),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=12)),
    st.tuples(st.just("cut"), position, st.just(0)),
    st.tuples(st.just("line"), st.integers(0, 7), st.sampled_from(TOKENS)),
    st.tuples(st.just("twice"), st.integers(0, 7), st.just(0)),
)


def mutate(data: bytes, changes) -> bytes:
    """Apply byte-level and line-level changes to a raw request."""
    for kind, at, arg in changes:
        arg = BIG.get(arg, arg)
        at %= len(data) + 1
        if kind == "delete":
            data = data[:at] + data[at + arg :]
        elif kind == "insert":
            data = data[:at] + arg + data[at:]
        elif kind == "cut":
            data = data[:at]
        else:
            lines = data.split(b"\r\n")
            i = at % len(lines)
            lines[i : i + 1] = [arg.rstrip(b"\r\n")] if kind == "line" else [lines[i], lines[i]]
            data = b"\r\n".join(lines)
    return data


@pytest.fixture(scope="module")
def server(spec_store):
    with ReferenceServer(spec_store, key=KEY, limits=Limits(idle=1.0, read=1.0, deadline=2.0)) as running:
        yield running


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutation, min_size=1, max_size=3))
def test_mutated_requests_get_an_answer_or_a_clean_close_and_the_server_lives(server, changes):
    data = mutate(BASE, changes)
    reply = send(server.port, data, timeout=4.0, half_close=True)  # a hang fails inside send
    if reply is not None:
        assert 100 <= reply.status < 600
        if reply.status >= 400:
            assert_error_object(reply, {reply.status})
    assert_chat_works(server.port, KEY)
    assert server.failures == []  # no handler died on it (a dead one would look like a clean close)


def test_the_unmutated_request_is_answered(server):
    assert mutate(BASE, []) == BASE
    reply = send(server.port, BASE, half_close=True)
    assert reply is not None and reply.status == 200


def test_a_line_change_can_break_the_framing(server):
    """The mutator reaches the framing: a negative length it plants is refused with an error object."""
    data = mutate(BASE, [("line", 4, b"content-length: -1\r\n")])
    assert b"content-length: -1" in data
    assert_error_object(send(server.port, data, half_close=True), {400})


def _serve(port: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chatconform.cli", "serve", "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("port", ["-1", "70000", "65536"])
def test_serve_on_a_port_out_of_range_is_one_line_and_exit_2(port):
    done = _serve(port)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and f"--port {port}" in done.stderr, done.stderr


def test_serve_on_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = _serve(port)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "in use" in done.stderr, done.stderr
