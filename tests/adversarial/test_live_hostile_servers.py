"""Hostile live servers on loopback (issue 23, part 4): each call has a whole deadline and a bounded body.

An endless stream, a server sending a byte a second (in its headers or its body), headers then silence,
huge headers, a broken chunked encoding, a Content-Length that lies and a gzip bomb each end as
`provider-unavailable` with the cause named, never a hang and never a MemoryError; through the plugin, a
live run against such a server ends with an `unavailable` row saying why, and exit 6.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from chatconform.live.calls import Target, run
from chatconform.live.client import RetryPolicy, call
from chatconform.live.scenarios import BY_ID
from tests.builders import default_data

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 2.0
HANG = 30  # a hang guard, not a speed target: without a deadline these calls never end
ANSWER = json.dumps(
    {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "ref",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
).encode()


def _read_request(conn: socket.socket) -> None:
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += conn.recv(65536)


def _trickle(conn, data: bytes, every: float = 0.5) -> None:
    for byte in data:
        conn.sendall(bytes([byte]))
        time.sleep(every)


def endless_stream(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n")
    while True:
        conn.sendall(b'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n' * 50)
        time.sleep(0.01)


def slow_body(conn):
    conn.sendall(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(ANSWER)
    )
    _trickle(conn, ANSWER)


def slow_headers(conn):
    _trickle(
        conn, b"HTTP/1.1 200 OK\r\n" + b"x-padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n" * 100
    )


def headers_then_silence(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n")
    time.sleep(HANG * 2)


def huge_headers(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(10_000):
        conn.sendall(b"x-huge: " + b"a" * 1000 + b"\r\n")


def broken_chunks(conn):
    conn.sendall(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
        b"zz\r\nnot a chunk size\r\n"
    )


def lying_length(conn):
    conn.sendall(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n"
        b"connection: close\r\n\r\n" + ANSWER
    )


@functools.cache
def _bomb() -> bytes:
    """64 MiB of zeros gzipped (~64 KiB): made once, before any deadline runs (it costs a second of CPU)."""
    return gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


def gzip_bomb(conn):
    bomb = _bomb()
    conn.sendall(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\n"
        b"content-length: %d\r\n\r\n" % len(bomb) + bomb
    )


@contextmanager
def hostile(behaviour):
    """A loopback server answering every request with `behaviour(conn)`; its base URL."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def one(conn):
        with conn:
            try:
                _read_request(conn)
                behaviour(conn)
            except OSError:
                pass  # the client gave up on us: what these servers are for

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    finally:
        stop.set()
        thread.join()
        server.close()


CASES = [
    (endless_stream, "deadline"),
    (slow_body, "deadline"),
    (slow_headers, "deadline"),
    (headers_then_silence, "deadline"),
    (huge_headers, "RemoteProtocolError"),
    (broken_chunks, "RemoteProtocolError"),
    (lying_length, "RemoteProtocolError"),
    (gzip_bomb, "bytes (decompressed)"),
]


@pytest.mark.parametrize("behaviour, cause", CASES, ids=[c[0].__name__ for c in CASES])
def test_a_hostile_server_is_an_unavailable_provider_with_its_cause_never_a_hang(behaviour, cause):
    sleeps: list[float] = []
    policy = RetryPolicy(attempts=2, deadline=DEADLINE, max_body_bytes=8 * 1024 * 1024, sleep=sleeps.append)
    _bomb()  # made before the clock runs: a loaded machine must not turn the bomb into a deadline
    with hostile(behaviour) as base:
        start = time.monotonic()
        result = call(
            "POST",
            f"{base}/chat/completions",
            {"content-type": "application/json"},
            b"{}",
            policy=policy,
            provider="openai-compatible",
            model="ref",
        )
        spent = time.monotonic() - start
    assert result.outcome == "provider-unavailable" and result.exchange is None, result
    assert result.detail.startswith(f"{base}/chat/completions: ") and cause in result.detail, result.detail
    assert spent < HANG
    if cause in ("deadline", "bytes (decompressed)"):  # cannot get better by waiting: never retried
        assert (result.attempts, sleeps) == (1, []) and "not retried" in result.detail


def test_the_body_bound_is_what_is_kept_in_memory_not_what_the_bomb_inflates_to():
    # the deadline is the hang guard here: this test is about the byte bound, not the clock
    policy = RetryPolicy(attempts=1, deadline=HANG, max_body_bytes=1024 * 1024)
    _bomb()
    with hostile(gzip_bomb) as base:
        result = call("POST", f"{base}/chat/completions", {}, b"{}", policy=policy)
    assert "passed 1,048,576 bytes (decompressed); refused" in result.detail


@pytest.mark.slow  # a live pytest run in a subprocess
def test_a_live_run_against_a_server_that_trickles_ends_with_an_unavailable_row_and_exit_6(tmp_path):
    (tmp_path / "cassettes").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_")}
    env.update(CHATCONFORM_SPECS=str(ROOT / "specs"), CHATCONFORM_CACHE=str(tmp_path / ".cache"), SLOWKEY="k")
    with hostile(slow_body) as base:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "cassettes",
                "--mode",
                "live",
                "--base-url",
                base,
                "--api-key-env",
                "SLOWKEY",
                "--model",
                "ref",
                "-k",
                "live-basic",
                "--deadline",
                str(DEADLINE),
                "--budget-usd",
                "1",
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 6, result.stdout[-3000:]
    rows = json.loads((tmp_path / "reports" / "results.json").read_text())["results"]
    assert [r["verdict"] for r in rows] == ["unavailable"]
    assert "deadline of 2 s" in rows[0]["reason"] and rows[0]["reason"].startswith(base)
    assert f"chatconform: unavailable: {base}/chat/completions: " in result.stdout


def test_a_target_that_answers_in_time_is_judged_as_before(reference_server):
    target = Target(
        "openai-compatible",
        "ref",
        base_url=reference_server.base_url("openai"),
        key_env="CHATCONFORM_REFERENCE_KEY",
        origin="reference",
    )
    outcome = run(
        target, BY_ID["basic"], None, RetryPolicy(attempts=1, deadline=DEADLINE), data=default_data()
    )
    assert outcome.result.outcome == "answered" and outcome.result.exchange.response.status == 200
