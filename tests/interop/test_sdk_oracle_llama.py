"""The official SDKs as oracles of llama-server (not ours) in each dialect it serves.

Each case goes through the official `openai` or `anthropic` SDK (its streams through the SDK's own
accumulator) and the bytes it read are judged by the suite. llama-server's answers vary from run to run (an
Anthropic stream sometimes opens without message_start: tests/interop/llama_known.py INTERMITTENT), so no
outcome is fixed; the implication is: an answer the suite calls conforming, the SDK parses into what the
suite's dialect reads (text, stop reason, tool calls, usage); an answer the SDK rejects, the suite flagged.
Per case, the suite's verdict and the SDK's outcome go to reports/interop/llama-server.json ("sdk_oracle").
"""

from __future__ import annotations

import json
from dataclasses import replace

import httpx2
import pytest

from chatconform.judging.judge import judge
from chatconform.model.exchange import Response
from tests.builders import run_of
from tests.interop.llama_known import MODEL_ID
from tests.interop.llama_process import MODEL, ROOT, LlamaError, start, stop
from tests.interop.record_tool_scenarios import server_args
from tests.interop.sdk_oracle import behaviour, clients, flagged_by, sdk_exchange, sdk_view, suite_view

PROVIDER = "openai-compatible"
# the name llama-server gives its one model (GET /v1/models): asked for by name, it answers as requested
SERVED = str(MODEL.relative_to(ROOT))
HELLO = [{"role": "user", "content": "Say hello"}]
# the prompt and tool of the recorded tool scenario llama-server answers with calls (tools-no-arguments): a
# 135M model calls a tool only sometimes, and only with tests/interop/smollm2-tools.jinja as its template
FILES = [{"role": "user", "content": "List the files in this folder."}]
NO_ARGS = {"type": "object", "properties": {}}
ABOUT = "List the files in the current folder. Takes no arguments."
TOOLS = {
    "openai-chat": {
        "messages": FILES,
        "tools": [
            {
                "type": "function",
                "function": {"name": "list_files", "description": ABOUT, "parameters": NO_ARGS},
            }
        ],
    },
    "anthropic-messages": {
        "messages": FILES,
        "tools": [{"name": "list_files", "description": ABOUT, "input_schema": NO_ARGS}],
    },
    "openai-responses": {
        "input": FILES,
        "tools": [{"type": "function", "name": "list_files", "description": ABOUT, "parameters": NO_ARGS}],
    },
}
# dialect -> (its output limit, a cheap one, the smallest the dialect documents)
LIMITS = {
    "openai-chat": ("max_tokens", 16, 1),
    "anthropic-messages": ("max_tokens", 16, 1),
    "openai-responses": ("max_output_tokens", 24, 16),
}


def bodies(dialect: str) -> dict[str, dict]:
    """The requests of a dialect: plain, at its smallest limit, streamed, with a tool (streamed too)."""
    field, cheap, least = LIMITS[dialect]
    prompt = {"input": HELLO} if dialect == "openai-responses" else {"messages": HELLO}
    return {
        "plain": {**prompt, field: cheap},
        "capped": {**prompt, field: least},
        "stream": {**prompt, field: cheap, "stream": True},
        "tools": {**TOOLS[dialect], field: 64},
        "tools-stream": {**TOOLS[dialect], field: 64, "stream": True},
    }


CASES = [(d, name, body) for d in LIMITS for name, body in bodies(d).items()]
SEEN: dict[str, dict] = {}


def broken_promise(dialect: str, got, ex, flagged: list[str]) -> str | None:
    """How an exchange breaks the oracle's implication (None: it holds)."""
    if isinstance(got, Exception):
        if flagged:
            return None
        return f"the SDK raised {type(got).__name__} ({got}) on an answer the suite passed"
    if flagged:
        return None  # a flagged answer the SDK still read: the suite is stricter than this client
    sdk, suite = sdk_view(dialect, got), suite_view(dialect, ex)
    return None if sdk == suite else f"on an answer the suite passed, the SDK read {sdk}, the suite {suite}"


@pytest.fixture(scope="module")
def llama_tools(tmp_path_factory):
    """A second llama-server, with the tools-aware template and the model's name as alias (as recorded)."""
    try:
        proc, port, key, _ = start(tmp_path_factory.mktemp("llama-tools") / "server.log", server_args())
    except LlamaError as err:
        pytest.fail(str(err))
    try:
        yield {"port": port, "key": key, "model": MODEL_ID}
    finally:
        stop(proc)


def via_sdk(server: dict, dialect: str, body: dict, timeout: float = 60.0):
    """(what the SDK returned or raised, the exchange it read) for one body sent to a llama-server."""
    root = f"http://127.0.0.1:{server['port']}"
    base = root if dialect == "anthropic-messages" else root + "/v1"
    model = server.get("model", SERVED)
    client, recorder = clients(base, server["key"], timeout, dialect)
    return sdk_exchange(client, recorder, dialect, {"model": model, **body}, model, PROVIDER, "live")


@pytest.mark.parametrize("dialect, name, body", CASES, ids=[f"{d}-{n}" for d, n, _ in CASES])
def test_an_sdk_parses_what_the_suite_calls_conforming(
    request, spec_store, interop_report, dialect, name, body
):
    server = request.getfixturevalue("llama_tools" if name.startswith("tools") else "llama")
    got, ex = via_sdk(server, dialect, body)
    assert ex is not None, f"llama-server gave the SDK no answer: {got}"
    judgement = judge(ex, run_of(spec_store))
    flagged = flagged_by(judgement)
    problem = broken_promise(dialect, got, ex, flagged)
    read = None if isinstance(got, Exception) else sdk_view(dialect, got)
    SEEN[f"{dialect}-{name}"] = {
        "request": ex.request_json,
        "status": ex.response.status,
        "suite_verdict": judgement.verdict,
        "suite_flagged": list(
            dict.fromkeys(f"{f.check}: {f.message}"[:240] for f in judgement.findings if f.check in flagged)
        ),
        "sdk": f"raised {type(got).__name__}: {got}"[:300] if isinstance(got, Exception) else "parsed",
        "sdk_read": read,
        "suite_read": suite_view(dialect, ex),
        "same_reading": None if read is None else read == suite_view(dialect, ex),
        "oracle": problem or "holds",
    }
    interop_report.section("sdk_oracle", dict(sorted(SEEN.items())), {})
    assert problem is None, f"{dialect}-{name}: {problem}"


def test_the_oracle_fails_where_the_suite_passes_what_the_sdk_reads_otherwise(llama, spec_store):
    """A doctored copy of a real answer (its text changed, still well formed): the suite passes it, the SDK
    read the original, so the comparison must break; the real answer must not."""
    dialect = "anthropic-messages"
    got, ex = via_sdk(llama, dialect, bodies(dialect)["plain"])
    assert broken_promise(dialect, got, ex, behaviour(ex, spec_store)) is None
    answer = ex.json
    answer["content"][0]["text"] += " (doctored)"
    doctored = doctor(ex, json.dumps(answer).encode())
    assert behaviour(doctored, spec_store) == []
    assert "the SDK read" in broken_promise(dialect, got, doctored, [])


def test_the_oracle_fails_where_an_sdk_rejects_an_answer_the_suite_passed(llama, spec_store):
    """llama-server's Responses stream (no output_index) breaks the openai SDK and the suite flags it: with
    the suite's findings taken away, as a suite blind to that fault would, the oracle must fail."""
    dialect = "openai-responses"
    got, ex = via_sdk(llama, dialect, bodies(dialect)["stream"])
    flagged = behaviour(ex, spec_store)
    assert isinstance(got, Exception) and flagged  # what llama_known.py NO_OUTPUT_INDEX says
    assert broken_promise(dialect, got, ex, flagged) is None
    assert "the SDK raised" in broken_promise(dialect, got, ex, [])


def test_an_anthropic_stream_without_message_start_is_rejected_and_flagged(llama, spec_store):
    """What llama-server sometimes sends (llama_known.py INTERMITTENT), made certain: its stream with the
    message_start event cut out, given to the anthropic SDK as the answer; the oracle holds only because the
    suite flags stream.grammar."""
    dialect = "anthropic-messages"
    got, ex = via_sdk(llama, dialect, bodies(dialect)["stream"])
    if b"message_start" in ex.response.body:  # replayed whole, the same stream reads as it did live
        assert sdk_view(dialect, replayed(ex, dialect, bodies(dialect)["stream"])) == sdk_view(dialect, got)
    events = ex.response.body.split(b"\n\n")
    cut = doctor(ex, b"\n\n".join(e for e in events if b"message_start" not in e))
    got = replayed(cut, dialect, bodies(dialect)["stream"])
    flagged = behaviour(cut, spec_store)
    assert isinstance(got, Exception) and "stream.grammar" in flagged, got
    assert broken_promise(dialect, got, cut, flagged) is None
    assert "the SDK raised" in broken_promise(dialect, got, cut, [])
    print(f"the anthropic SDK on a stream without message_start: {type(got).__name__}: {got}")


def replayed(ex, dialect: str, body: dict):
    """What the dialect's SDK makes of an exchange's response, given to it as the answer to the body."""
    answer = httpx2.MockTransport(lambda r: httpx2.Response(ex.response.status, content=ex.response.body))
    client, recorder = clients("http://127.0.0.1:9", "key", 10.0, dialect, inner=answer)
    got, _ = sdk_exchange(client, recorder, dialect, {"model": SERVED, **body}, SERVED, PROVIDER, "live")
    return got


def doctor(ex, body: bytes):
    """The exchange with another response body (its content-length dropped: it no longer fits)."""
    headers = {k: v for k, v in ex.response.headers.items() if k.lower() != "content-length"}
    return replace(ex, response=Response(ex.response.status, headers, body))
