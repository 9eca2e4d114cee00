"""Streams: clean ones pass, each deviation is caught, and AIML's chunk-schema defect is folded and named."""

import json

import pytest

from chatconform.judging.judge import judge
from tests.builders import chunk, exchange, run_of, sse_body

OPENAI_URL = "http://127.0.0.1:9/v1/chat/completions"
ML_URL = "https://modelslab.com/api/v7/llm/chat/completions"


def req(model="m", **extra):
    return {"model": model, "messages": [{"role": "user", "content": "Hi"}], "stream": True, **extra}


def clean_chunks(model="m"):
    return [
        chunk(role="assistant", content="", model=model),
        chunk(content="Hel", model=model),
        chunk(content="lo", model=model),
        chunk(finish="stop", model=model),
    ]


def violations(ex, store):
    return [f for f in judge(ex, run_of(store)).findings if f.severity == "violation"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_conventional_stream_conforms_to_openai_spec(store, newline):
    ex = exchange(req(), sse_body(*clean_chunks(), newline=newline), url=OPENAI_URL)
    assert ex.provider == "openai-compatible" and violations(ex, store) == []


def test_aiml_chunk_schema_defect_is_one_named_finding_not_one_per_chunk(store):
    flash = "google/gemini-2.5-flash"
    ex = exchange(req(flash), sse_body(*clean_chunks(flash)))
    found = violations(ex, store)
    assert {f.check for f in found} == {
        "stream.spec-defect.finish_reason-null",
        "stream.spec-defect.delta-required",
    }
    assert all(f.kind == "spec-defect" and "OpenAI's spec says" in f.message for f in found)
    assert any("finish_reason" in f.message and "chunk(s) fail the same way" in f.message for f in found)


def test_modelslab_stream_is_judged_against_the_derived_chunk_schema(store):
    ex = exchange(req("gemini-2.5-flash"), sse_body(*clean_chunks("gemini-2.5-flash")), url=ML_URL)
    findings = judge(ex, run_of(store)).findings
    assert [f.check for f in findings if f.severity == "violation"] == []
    assert any(f.check == "spec-gap.derived-chunk-schema" for f in findings)
    bad = clean_chunks("gemini-2.5-flash")
    bad[1]["choices"][0]["finish_reason"] = "exploded"
    ex = exchange(req("gemini-2.5-flash"), sse_body(*bad), url=ML_URL)
    assert [f.at for f in violations(ex, store) if f.check == "stream.chunk-schema"] == [
        "$events[1].choices[0].finish_reason"
    ]


@pytest.mark.parametrize(
    "body, check",
    [
        (sse_body(*clean_chunks(), done=False), "stream.ends_with_done"),
        (sse_body(*clean_chunks())[:-25], "stream.ends_with_done"),
        (sse_body(*clean_chunks()) + b'data: {"late": true}\n\n', "stream.ends_with_done"),
        (
            sse_body(chunk(content="a"), chunk(finish="stop"), chunk(finish="stop")),
            "stream.one_finish_reason_per_choice",
        ),
        (
            sse_body(chunk(content="a"), chunk(finish="stop"), chunk(content="b")),
            "stream.one_finish_reason_per_choice",
        ),
        (sse_body(chunk(content="a")), "stream.one_finish_reason_per_choice"),
        (
            sse_body({**chunk(content="a"), "object": "chat.completion"}, chunk(finish="stop")),
            "stream.chunk_object",
        ),
        (sse_body(*clean_chunks()).replace(b"lo", b"\xff\xfe"), "stream.ends_with_done"),
        (b"data: {not json}\n\ndata: [DONE]\n\n", "stream.chunk-json"),
    ],
)
def test_each_stream_deviation_is_caught(store, body, check):
    ex = exchange(req(), body, url=OPENAI_URL)
    assert check in {f.check for f in violations(ex, store)}


def test_include_usage_needs_a_final_usage_chunk(store):
    options = {"stream_options": {"include_usage": True}}
    without = exchange(req(**options), sse_body(*clean_chunks()), url=OPENAI_URL)
    assert "stream.usage_chunk" in {f.check for f in violations(without, store)}
    usage = {"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5}
    with_chunk = exchange(
        req(**options), sse_body(*clean_chunks(), chunk(choices=[], usage=usage)), url=OPENAI_URL
    )
    assert violations(with_chunk, store) == []


def test_completion_claims_judge_the_assembled_stream(store):
    body = sse_body(chunk(content="one END"), chunk(content=" two"), chunk(finish="stop"))
    ex = exchange(req(stop=["END"]), body, url=OPENAI_URL)
    assert "stop.sequences_absent" in {f.check for f in violations(ex, store)}
    usage = {"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 6}
    ex = exchange(
        req(stream_options={"include_usage": True}),
        sse_body(*clean_chunks(), chunk(choices=[], usage=usage)),
        url=OPENAI_URL,
    )
    assert "usage.total_is_sum" in {f.check for f in violations(ex, store)}


def test_two_choices_stream_with_their_indices(store):
    body = sse_body(
        chunk(content="a", index=0),
        chunk(content="b", index=1),
        chunk(finish="stop", index=0),
        chunk(finish="stop", index=1),
    )
    assert violations(exchange(req(n=2), body, url=OPENAI_URL), store) == []
    assert "n.choices_match" in {f.check for f in violations(exchange(req(n=3), body, url=OPENAI_URL), store)}


def findings_of(ex, store):
    return [(f.check, f.severity) for f in judge(ex, run_of(store)).findings if f.severity != "info"]


@pytest.mark.parametrize(
    "error_event, expected",
    [
        # the two forms the openai SDKs raise on: a data object with `error`, and `event: error`
        (
            'data: {"error": {"message": "boom", "type": "server_error", "code": null}}',
            ("violation", "transport"),
        ),
        ('event: error\ndata: {"message": "boom", "type": "server_error"}', ("violation", "transport")),
        ("event: error\ndata: upstream failed", ("warning", "gap")),
        # Groq: the model's tool call failed after the 200; OpenRouter: the error sits in a chunk with choices
        (
            'data: {"error": {"message": "Failed to call a function", "type": "invalid_request_error", '
            '"code": "tool_use_failed"}}',
            ("warning", "gap"),
        ),
        (
            'data: {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", '
            '"error": {"code": 502, '
            '"message": "Provider returned error"}, "choices": [{"index": 0, "delta": {"content": ""}, '
            '"finish_reason": "error"}]}',
            ("warning", "gap"),
        ),
        (
            'data: {"error": {"message": "Rate limit reached", "type": "rate_limit_error"}}',
            ("warning", "gap"),
        ),
    ],
)
def test_an_error_inside_a_200_stream_is_one_finding(store, error_event, expected):
    head = sse_body(chunk(role="assistant", content=""), chunk(content="Hel"), done=False)
    ex = exchange(
        req(stream_options={"include_usage": True}), head + error_event.encode() + b"\n\n", url=OPENAI_URL
    )
    found = [f for f in judge(ex, run_of(store)).findings if f.severity != "info"]
    assert [(f.check, f.severity, f.kind) for f in found] == [("stream.error_event", *expected)]
    assert found[0].at == "$events[2]"


def test_the_usage_chunk_comes_before_done_not_necessarily_last(store):
    usage = {"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5}
    options = {"stream_options": {"include_usage": True}}
    early = sse_body(*clean_chunks()[:3], chunk(choices=[], usage=usage), clean_chunks()[3])
    assert findings_of(exchange(req(**options), early, url=OPENAI_URL), store) == []
    # OpenRouter puts usage on a chunk that still has choices: reported for the reader, not a violation
    last = clean_chunks()[3]
    last["usage"] = usage
    ex = exchange(req(**options), sse_body(*clean_chunks()[:3], last), url=OPENAI_URL)
    assert findings_of(ex, store) == []
    assert [f.severity for f in judge(ex, run_of(store)).findings if f.check == "stream.usage_chunk"] == [
        "info"
    ]
    # a usage chunk after [DONE] does not count: the client stopped reading there
    late = sse_body(*clean_chunks()) + f"data: {json.dumps(chunk(choices=[], usage=usage))}\n\n".encode()
    assert "stream.usage_chunk" in {
        c for c, s in findings_of(exchange(req(**options), late, url=OPENAI_URL), store)
    }


def test_an_empty_chunk_after_the_finish_adds_nothing(store):
    # Azure's late content-filter results: a chunk for the finished choice with an empty delta
    trailing = chunk()
    trailing["choices"][0]["content_filter_results"] = {"hate": {"filtered": False}}
    ex = exchange(req(), sse_body(*clean_chunks(), trailing), url=OPENAI_URL)
    assert findings_of(ex, store) == []
    ex = exchange(req(), sse_body(*clean_chunks(), chunk(content="more")), url=OPENAI_URL)
    assert ("stream.one_finish_reason_per_choice", "violation") in findings_of(ex, store)


def test_a_stream_is_assembled_once_and_every_claim_shares_one_context(store, monkeypatch):
    from chatconform.dialects.openai_chat import _stream as openai_chat
    from chatconform.judging.claims import context

    calls = []
    real = openai_chat._first  # called once for the id each time the chunks are put together
    monkeypatch.setattr(
        openai_chat, "_first", lambda parts, key: (key == "id" and calls.append(key)) or real(parts, key)
    )
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    ex = exchange(
        req(stream_options={"include_usage": True}),
        sse_body(*clean_chunks(), chunk(choices=[], usage=usage)),
        url=OPENAI_URL,
    )
    judgement = judge(ex, run_of(store))
    assert {"usage.total_is_sum", "n.choices_match", "stream.usage_chunk"} <= set(judgement.rows)
    assert calls == ["id"]  # read by a dozen claims and predicates, put together once
    assert (
        context(ex, run_of(store)) is context(ex, run_of(store))
        and context(ex, run_of(store)).completion["usage"] == usage
    )
