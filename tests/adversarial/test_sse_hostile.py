"""Hostile server-sent event bytes: the reader never raises, reads the same however the bytes are cut,
and a stream judged from them is findings, never a crash.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatconform.judging.judge import judge
from chatconform.model import stream as sse
from chatconform.model.verdict import VERDICTS
from tests.builders import exchange, run_of

REQUEST = {
    "model": "google/gemini-2.5-flash",
    "messages": [{"role": "user", "content": "Hi"}],
    "stream": True,
}
TOKENS = [
    b"data: ",
    b"data:",
    b"data",
    b"event: error\n",
    b"event:",
    b"id: 7",
    b"id: \0",
    b"retry: 12",
    b": keep",
    b"\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\r\n\r\n",
    b"[DONE]",
    b"{",
    b"}",
    b'"',
    b"\xff",
    b"\xc3",
    b"\xa9",
    b"\xf0\x9f",
    b"\x98\x80",
    b"\xed\xa0\x80",
    b'{"object":"chat.completion.chunk","choices":[]}',
    b'{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}',
    b'{"error":{"code":500}}',
    b'{"choices":[{"index":"0","delta":null,"finish_reason":7}]}',
    b"[" * 300,
    b'{"usage":"many"}',
]
streams = st.one_of(st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join), st.binary(max_size=300))


def _shape(parsed: sse.Parsed):
    return (
        [(e.data, e.event, e.id, e.retry) for e in parsed.events],
        parsed.comments,
        parsed.incomplete,
        parsed.invalid_utf8,
    )


@settings(max_examples=200, deadline=None)
@given(streams, st.integers(1, 17), st.randoms(use_true_random=False))
def test_the_reader_never_raises_and_reads_the_same_however_the_bytes_are_cut(body, size, rnd):
    whole = _shape(sse.parse(body))
    assert _shape(sse.parse(body, chunk_size=size)) == whole
    parser, start = sse.SSEParser(), 0
    fed: list[sse.Event] = []
    while start < len(body):  # reads of random sizes, as a network delivers them
        step = rnd.randint(1, 9)
        fed += parser.feed(body[start : start + step])
        start += step
    assert _shape(parser.close()) == whole
    # feed() returned each event once, in order; only a last one ended by the end of the stream comes at close
    assert [(e.data, e.event, e.id, e.retry) for e in fed] == whole[0][: len(fed)]
    assert len(whole[0]) - len(fed) <= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(streams)
def test_a_hostile_stream_is_judged_into_findings_never_a_crash(store, body):
    ex = exchange(REQUEST, body)
    judgement = judge(ex, run_of(store))
    assert judgement.verdict in VERDICTS
    if not ex.payloads:  # no chunk at all: never a pass
        assert judgement.verdict != "pass", [f.check for f in judgement.findings]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_a_crlf_split_across_reads_is_one_line_end(newline):
    body = b"data: a" + newline + newline + b"data: b" + newline + newline
    for size in range(1, len(body) + 1):
        assert [e.data for e in sse.parse(body, chunk_size=size).events] == ["a", "b"], size


def test_a_huge_line_read_byte_by_byte_is_read_whole():
    body = b"data: " + b"x" * 200_000 + b"\n\n"
    rng, parser, start = random.Random(3), sse.SSEParser(), 0
    while start < len(body):
        step = rng.randint(1, 64)
        parser.feed(body[start : start + step])
        start += step
    assert [len(e.data) for e in parser.close().events] == [200_000]


def test_the_event_cap_fails_loudly(monkeypatch):
    monkeypatch.setattr(sse, "MAX_EVENTS", 3)
    assert len(sse.parse(b"data: 1\n\n" * 3).events) == 3
    with pytest.raises(sse.StreamTooLong, match="more than 3 events"):
        sse.parse(b"data: 1\n\n" * 4)
