"""Anthropic Messages faults: each breaks one rule of the Messages contract and names the check that catches
it."""

from __future__ import annotations

from chatconform.refserver._fault import FaultSet

ANTHROPIC = FaultSet("anthropic-messages")
fault = ANTHROPIC.fault
BROKEN_ENVELOPE = "messages-error-envelope"
ACCEPT_INVALID = "messages-accept-invalid"


def _first(events: list[dict], kind: str) -> int:
    return next(n for n, e in enumerate(events) if e["type"] == kind)


fault(
    "messages-overloaded",
    "529 overloaded_error on every attempt",
    "messages-basic",
    "provider-unavailable",
    transport="overloaded",
)()
fault(
    BROKEN_ENVELOPE,
    "a 400 whose body is OpenAI's error object, not Anthropic's envelope",
    "messages-invalid",
    "error.envelope",
    "response.schema",
    transport=BROKEN_ENVELOPE,
)()
fault(
    ACCEPT_INVALID,
    "temperature 1.5 (over Anthropic's 1) is answered 200",
    "messages-invalid",
    "request.invalid_rejected",
    transport=ACCEPT_INVALID,
)()
fault(
    "messages-stop-sequence-unsent",
    "stop_reason stop_sequence naming a sequence never sent",
    "messages-stop",
    "messages.stop_sequence_sent",
)(lambda b, m: m.update(stop_reason="stop_sequence", stop_sequence="NEVER SENT"))
fault(
    "messages-over-max-tokens",
    "output_tokens exceed max_tokens",
    "messages-capped",
    "messages.output_within_max_tokens",
)(lambda b, m: m["usage"].update(output_tokens=b["max_tokens"] + 5))
fault(
    "messages-max-tokens-early",
    "stop_reason max_tokens far below the limit",
    "messages-basic",
    "messages.max_tokens_stop_at_limit",
)(lambda b, m: m.update(stop_reason="max_tokens"))
fault(
    "messages-tool-input-off-schema",
    "tool_use input that breaks the offered input_schema",
    "messages-tools",
    "tools.arguments_match_schema",
)(lambda b, m: m["content"][0].update(input={"city": 5}))
fault(
    "messages-tool-name-wrong",
    "a tool_use of a tool that was never offered",
    "messages-tools",
    "tools.called_offered",
)(lambda b, m: m["content"][0].update(name="get_wether"))


@fault(
    "messages-block-index", "the first content block starts at index 1", "messages-stream", "stream.grammar"
)
def chunks_block_index(body, events):
    for event in events:
        if event["type"].startswith("content_block_") and event["index"] == 0:
            event["index"] = 1


@fault(
    "messages-delta-before-block",
    "a delta comes before its content_block_start",
    "messages-stream",
    "stream.grammar",
)
def chunks_delta_before_block(body, events):
    events.insert(_first(events, "content_block_start"), events.pop(_first(events, "content_block_delta")))


@fault("messages-delta-type", "a text block gets an input_json_delta", "messages-stream", "stream.grammar")
def chunks_delta_type(body, events):
    wrong = {"type": "input_json_delta", "partial_json": "{}"}
    events[_first(events, "content_block_delta")]["delta"] = wrong


@fault("messages-no-stop", "the stream ends without message_stop", "messages-stream", "stream.grammar")
def chunks_no_message_stop(body, events):
    events.pop(_first(events, "message_stop"))


@fault(
    "messages-no-delta",
    "the stream ends without a message_delta (no stop_reason, no final usage)",
    "messages-stream",
    "stream.grammar",
)
def chunks_no_message_delta(body, events):
    events.pop(_first(events, "message_delta"))


@fault(
    "messages-usage-shrinks",
    "the final output_tokens are fewer than message_start counted",
    "messages-stream",
    "messages.streamed_usage_cumulative",
)
def chunks_usage_shrinks(body, events):
    start = events[_first(events, "message_start")]["message"]["usage"]
    start["output_tokens"] = events[_first(events, "message_delta")]["usage"]["output_tokens"] + 5


@fault(
    "messages-undocumented-block",
    "a content block of a type no Anthropic document knows",
    "messages-stream",
    "stream.chunk-schema",
)
def chunks_undocumented_block(body, events):
    index = sum(e["type"] == "content_block_start" for e in events)
    at = _first(events, "message_delta")
    events[at:at] = [
        {"type": "content_block_start", "index": index, "content_block": {"type": "hologram"}},
        {"type": "content_block_stop", "index": index},
    ]
