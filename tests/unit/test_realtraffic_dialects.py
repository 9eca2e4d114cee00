"""Real Anthropic Messages and OpenAI Responses traffic, each judged by its own dialect's contract.

The corpora (../shared/realtraffic/llm-anthropic and llm-openai-responses, see its README) are Anthropic's and
OpenAI's own answers, recorded by simonw's llm plugins. Every remaining finding on them is a named spec defect
(the pinned spec older or stricter than the provider's practice); a violation or a gap would be a false alarm.
The second half edits real interactions into real deviations, so that no check goes quiet by being loosened.
"""

import contextlib
import dataclasses
import io
import json
from pathlib import Path

import pytest

from chatconform.cli import main
from chatconform.judging.judge import judge
from chatconform.model.exchange import Response
from chatconform.recording.cassettes import load_cassette
from tests.builders import default_data, run_of

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "realtraffic"
ANTHROPIC, RESPONSES = CORPUS / "llm-anthropic", CORPUS / "llm-openai-responses"
pytestmark = pytest.mark.skipif(
    not ANTHROPIC.is_dir() or not RESPONSES.is_dir(),
    reason=f"the real-traffic corpora are not at {CORPUS} (CI keeps shared/ beside)",
)

# What a reviewer expects on Anthropic's own answers: the age of the pinned spec (a copy of 2024-11), named.
ANTHROPIC_DEFECTS = {
    "stream.spec-defect.anthropic-ping-event",
    "stream.spec-defect.anthropic-thinking",
    "stream.spec-defect.anthropic-server-tools",
    "stream.spec-defect.anthropic-citations-delta",
    "request.spec-defect.anthropic-thinking",
    "request.spec-defect.anthropic-server-tools",
    "request.spec-defect.anthropic-request-parameters",
}
RESPONSES_DEFECTS = {
    f"{side}.spec-defect.responses-{name}"
    for side in ("response", "stream")
    for name in ("user-null", "logprobs-missing", "cache_write_tokens-missing")
} | {
    f"stream.spec-defect.responses-{name}"
    for name in (
        "sequence_number-missing",
        "arguments-done-name-missing",
        "usage-null-while-running",
        "format-description-null",
    )
}
NOT_API = "exchange.not-an-api-call"  # the two image downloads recorded beside the API calls


def verify(folder: Path) -> tuple[int, list[dict]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["verify", "--json", str(folder)])
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture(scope="module")
def anthropic_lines():
    return verify(ANTHROPIC)


@pytest.fixture(scope="module")
def responses_lines():
    return verify(RESPONSES)


def test_anthropic_answers_are_judged_by_anthropic_s_contract_with_no_false_alarm(anthropic_lines):
    _, lines = anthropic_lines
    assert len(lines) == 29
    verdicts = [line["verdict"] for line in lines]
    assert verdicts.count("pass") == 27 and verdicts.count("not-run") == 2  # 27 API calls, 2 image downloads
    found = {f["check"] for line in lines for f in line["findings"]}
    assert found == ANTHROPIC_DEFECTS | {NOT_API}
    assert all(
        f["severity"] == "warning" for line in lines for f in line["findings"] if f["check"] != NOT_API
    )


def test_responses_answers_are_judged_by_openai_s_responses_contract_with_no_false_alarm(responses_lines):
    code, lines = responses_lines
    assert len(lines) == 9 and {line["verdict"] for line in lines} == {"pass"} and code == 0
    assert {f["check"] for line in lines for f in line["findings"]} == RESPONSES_DEFECTS


def test_each_spec_age_defect_shows_both_sides(anthropic_lines):
    _, lines = anthropic_lines
    [ping] = {
        f["message"]
        for line in lines
        for f in line["findings"]
        if f["check"] == "stream.spec-defect.anthropic-ping-event"
        and "test_stream_events_text" in line["cassette"]
    }
    assert "spec copied 2024-11" in ping and "ping events" in ping  # the spec's words, then practice's


# ---- real interactions edited into real deviations: each must still be caught ----


def real(folder: Path, stem: str, index: int = 0):
    return load_cassette(folder / f"{stem}.yaml", default_data()).exchanges[index]


def answered(ex, body: bytes):
    return dataclasses.replace(ex, response=Response(ex.response.status, dict(ex.response.headers), body))


def failing(ex, store) -> set[str]:
    return {f.check for f in judge(ex, run_of(store)).findings if f.severity == "violation"}


def events_of(ex) -> list[bytes]:
    return [e for e in ex.response.body.split(b"\n\n") if e.strip()]


def rejoin(events) -> bytes:
    return b"\n\n".join(events) + b"\n\n"


def test_anthropic_stream_grammar_breaches_are_caught(store):
    ex = real(ANTHROPIC, "test_stream_events_text")
    events = events_of(ex)
    assert failing(ex, store) == set()
    start = next(i for i, e in enumerate(events) if b"content_block_start" in e)
    delta = next(i for i, e in enumerate(events) if b"content_block_delta" in e)
    swapped = list(events)
    swapped[start], swapped[delta] = events[delta], events[start]
    assert "stream.grammar" in failing(answered(ex, rejoin(swapped)), store)  # a delta before its block
    no_stop = [e for e in events if b"message_stop" not in e]
    assert "stream.grammar" in failing(answered(ex, rejoin(no_stop)), store)  # the message never ends
    wrong = ex.response.body.replace(b'"type":"text_delta"', b'"type":"input_json_delta"', 1)
    assert "stream.grammar" in failing(answered(ex, wrong), store)  # a delta of another block's type
    no_delta = [e for e in events if b"message_delta" not in e]
    assert "stream.grammar" in failing(
        answered(ex, rejoin(no_delta)), store
    )  # no stop_reason, no final usage


def test_anthropic_tool_input_that_does_not_assemble_or_fit_is_caught(store):
    ex = real(ANTHROPIC, "test_fixed_version_tool_chain_regression")
    assert failing(ex, store) == set()
    body = ex.response.body
    assert b"input_json_delta" in body
    broken = body.replace(b'"partial_json":"', b'"partial_json":"{{', 1)
    assert failing(answered(ex, broken), store) >= {"stream.grammar"}


def test_an_anthropic_stop_sequence_never_sent_and_usage_past_max_tokens_are_caught(store):
    ex = real(ANTHROPIC, "test_prompt_with_prefill_and_stop_sequences")
    assert failing(ex, store) == set()
    body = ex.response.body
    assert b'"stop_reason":"stop_sequence"' in body
    sent = json.loads(ex.request.body)["stop_sequences"][0]
    other = body.replace(json.dumps(sent).encode(), b'"NEVER SENT"')
    assert "messages.stop_sequence_sent" in failing(answered(ex, other), store)
    limit = json.loads(ex.request.body)["max_tokens"]
    over = body.replace(b'"output_tokens":', f'"output_tokens":{limit}0'.encode())
    assert "messages.output_within_max_tokens" in failing(answered(ex, over), store)


def test_responses_stream_breaches_are_caught(store):
    ex = real(RESPONSES, "test_tools")
    assert failing(ex, store) == set()
    body = ex.response.body
    backwards = body.replace(b'"sequence_number":3,', b'"sequence_number":1,', 1)
    assert "stream.grammar" in failing(answered(ex, backwards), store)
    lost = body.replace(
        b'"delta":"5"', b'"delta":"6"', 1
    )  # the deltas no longer add up to the done arguments
    assert "stream.grammar" in failing(answered(ex, lost), store)
    events = events_of(ex)
    unfinished = [e for e in events if b"response.completed" not in e]
    assert "stream.grammar" in failing(answered(ex, rejoin(unfinished)), store)


def test_responses_text_for_a_content_part_never_added_is_caught(store):
    """The openai SDK's stream reader indexes an item's parts: a delta for a part never added breaks it
    (IndexError), so the grammar holds parts to content_part.added ... content_part.done too."""
    ex = real(RESPONSES, "test_tools", 1)
    assert failing(ex, store) == set()
    events = events_of(ex)
    assert any(b"response.content_part.added" in e for e in events)
    unopened = [e for e in events if b"response.content_part.added" not in e]
    assert "stream.grammar" in failing(answered(ex, rejoin(unopened)), store)
    done = next(e for e in events if b"response.content_part.done" in e)
    first_delta = next(i for i, e in enumerate(events) if b"response.output_text.delta" in e)
    closed_early = [e for e in events if e is not done]
    closed_early.insert(first_delta, done)  # the part is done before its text comes
    assert "stream.grammar" in failing(answered(ex, rejoin(closed_early)), store)


def test_a_responses_stream_whose_end_contradicts_its_events_is_caught(store):
    """One response from created to completed (the openai SDKs refuse an id that changes), and a final
    response whose items are not those the stream finished, nor their text what the deltas added up to."""
    ex = real(RESPONSES, "test_async_model")
    assert failing(ex, store) == set()
    body = ex.response.body
    final = body.rindex(b'"id":"resp_')
    other = body[:final] + body[final:].replace(b'"id":"resp_', b'"id":"resp_X', 1)
    assert "stream.grammar" in failing(answered(ex, other), store)
    said = b'"text":"Hi there! How can I assist you today?"'
    assert body.count(said) == 4  # output_text.done, content_part.done, output_item.done, response.completed
    at = body.rindex(said)
    assert "stream.grammar" in failing(
        answered(ex, body[:at] + b'"text":"Bye"' + body[at + len(said) :]), store
    )
    item = body.index(said, body.index(b"response.output_item.done"))
    changed = body[:item] + b'"text":"Bye"' + body[item + len(said) :]
    assert "stream.grammar" in failing(answered(ex, changed), store)


def test_a_responses_answer_with_broken_usage_or_status_is_caught(store):
    ex = real(RESPONSES, "test_options[options0]")
    assert failing(ex, store) == set()
    body = ex.response.body
    assert "responses.usage_total_is_sum" in failing(
        answered(ex, body.replace(b'"total_tokens": 38', b'"total_tokens": 40')), store
    )
    over = body.replace(b'"output_tokens": 11', b'"output_tokens": 30').replace(
        b'"total_tokens": 38', b'"total_tokens": 57'
    )
    assert "responses.output_within_max_output_tokens" in failing(answered(ex, over), store)
    silent = body.replace(
        b'"status": "completed"', b'"status": "incomplete"', 1
    )  # the first is the response's
    assert "responses.incomplete_explained" in failing(answered(ex, silent), store)


def test_results_carry_each_row_s_dialect_and_what_its_answer_showed(store):
    from chatconform.reporting.results import ResultsLog

    log = ResultsLog()
    for ex in (real(ANTHROPIC, "test_stream_events_thinking"), real(RESPONSES, "test_options[options0]")):
        for row in judge(ex, run_of(store)).rows.values():
            log.add_row(ex, row)
    by = {e["dialect"]: e for e in log.entries}
    assert set(by) == {"anthropic-messages", "openai-responses"}
    anthropic, responses = by["anthropic-messages"]["observations"], by["openai-responses"]["observations"]
    assert (anthropic["finish_reasons"], anthropic["completion_tokens"], anthropic["prompt_tokens"]) == (
        ["end_turn"],
        133,
        46,
    )
    assert (responses["finish_reasons"], responses["completion_tokens"], responses["no_limit_sent"]) == (
        ["completed"],
        11,
        False,
    )
