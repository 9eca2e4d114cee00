"""The SSE parser: line ends, comments, multi-line data, split reads, bad bytes, truncation."""

import pytest

from chatconform.model import stream as sse

STREAM = (
    b'data: {"a": 1}\n\n'
    b": keep-alive\n\n"
    b"event: ping\ndata: x\n\n"
    b"data: line one\ndata: line two\n\n"
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize("chunk_size", [None, 1, 2, 3, 7])
def test_events_are_the_same_whatever_the_read_size(chunk_size):
    parsed = sse.parse(STREAM, chunk_size=chunk_size)
    assert [e.data for e in parsed.events] == ['{"a": 1}', "x", "line one\nline two", "[DONE]"]
    assert parsed.events[1].event == "ping" and parsed.comments == 1 and parsed.incomplete is None


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
@pytest.mark.parametrize("chunk_size", [None, 1])
def test_every_line_ending_works(newline, chunk_size):
    body = STREAM.replace(b"\n", newline)
    assert [e.data for e in sse.parse(body, chunk_size).events][-1] == "[DONE]"
    assert len(sse.parse(body, chunk_size).events) == 4


def test_a_multibyte_character_split_across_reads_survives():
    body = 'data: {"c": "héllo 👋"}\n\n'.encode()
    parsed = sse.parse(body, chunk_size=1)
    assert parsed.events[0].data == '{"c": "héllo 👋"}' and not parsed.invalid_utf8


def test_invalid_utf8_is_noticed():
    assert sse.parse(b"data: \xff\xfe\n\n").invalid_utf8


def test_a_stream_cut_mid_event_keeps_the_unfinished_event():
    parsed = sse.parse(b'data: {"a": 1}\n\ndata: {"b": ')
    assert [e.data for e in parsed.events] == ['{"a": 1}'] and parsed.incomplete == '{"b": '


def test_a_missing_space_after_the_colon_and_unknown_fields_are_tolerated():
    parsed = sse.parse(b"data:x\nfoo: bar\nid: 7\nretry: 100\n\n")
    assert parsed.events[0] == sse.Event(data="x", id="7", retry=100)
