"""Faults: each breaks one documented rule or one transport expectation, and names what must catch it.

Chat's faults are here; each other dialect keeps its own set beside its answers (_anthropic_faults,
_responses_faults), and the behaviours every dialect shares theirs (_behaviour_faults, caught by measures).
FAULTS is every set's, by name: a new set is one more entry in it.
"""

from __future__ import annotations

from chatconform.refserver._fault import Fault, FaultSet

CHAT = FaultSet("openai-chat")
fault = CHAT.fault


def _usage(r):
    return r["usage"]


def _call(r) -> dict:
    return r["choices"][0]["message"]["tool_calls"][0]["function"]


fault("usage-total-off", "total_tokens is one more than prompt + completion", "capped", "usage.total_is_sum")(
    lambda b, r: _usage(r).update(total_tokens=_usage(r)["total_tokens"] + 1)
)
fault(
    "reasoning-over",
    "reasoning_tokens exceed completion_tokens",
    "capped",
    "usage.reasoning_within_completion",
)(
    lambda b, r: _usage(r)["completion_tokens_details"].update(
        reasoning_tokens=_usage(r)["completion_tokens"] + 1
    )
)
fault("prompt-zero", "prompt_tokens reported as 0", "capped", "usage.prompt_counted")(
    lambda b, r: _usage(r).update(prompt_tokens=0, total_tokens=_usage(r)["completion_tokens"])
)
fault(
    "over-max-tokens", "completion_tokens exceed max_tokens", "capped", "limits.completion_within_max_tokens"
)(lambda b, r: _over(r, b["max_tokens"] + 5))
fault(
    "over-max-completion-tokens",
    "completion_tokens exceed max_completion_tokens",
    "completion-capped",
    "limits.completion_within_max_completion_tokens",
)(lambda b, r: _over(r, b["max_completion_tokens"] + 5))
fault(
    "over-default",
    "with no limit sent, completion_tokens exceed the documented default",
    "basic",
    "limits.default_max_tokens.*",
)(lambda b, r: _over(r, 1500))
fault(
    "length-early",
    "finish_reason length with the limit far from reached",
    "basic",
    "finish.length_only_at_limit",
)(lambda b, r: r["choices"][0].update(finish_reason="length"))
fault(
    "empty-stop",
    "reasoning spends the limit, content empty, finish_reason stop",
    "tiny",
    "finish.empty_content_pitfall",
)(lambda b, r: r["choices"][0].update(finish_reason="stop"))
fault("n-ignored", "one choice when n=2 was asked", "n2", "n.choices_match")(
    lambda b, r: r.update(choices=r["choices"][:1])
)
fault("stop-ignored", "the stop sequence is left in the content", "stop", "stop.sequences_absent")(
    lambda b, r: r["choices"][0]["message"].update(content=r["choices"][0]["message"]["content"] + " END")
)
fault("json-broken", "json_object content that is not JSON", "json", "response_format.json_object")(
    lambda b, r: r["choices"][0]["message"].update(content="answer: not json")
)
fault("tool-args-broken", "tool call arguments that are not JSON", "tools", "tools.arguments_are_json")(
    lambda b, r: r["choices"][0]["message"]["tool_calls"][0]["function"].update(arguments="{city: Paris")
)
fault(
    "tool-args-off-schema",
    "tool call arguments that break the offered schema",
    "tools",
    "tools.arguments_match_schema",
)(lambda b, r: _call(r).update(arguments='{"town": "Paris"}'))
fault("tool-name-wrong", "a call of a tool that was never offered", "tools", "tools.called_offered")(
    lambda b, r: _call(r).update(name="get_wether")
)
fault("tool-finish-stop", "a tool call with finish_reason stop", "tools", "tools.finish_reason_tool_calls")(
    lambda b, r: r["choices"][0].update(finish_reason="stop")
)
fault("model-swap", "another model answers", "basic", "model.answered_as_requested")(
    lambda b, r: r.update(model="reference/some-other-model")
)
fault("schema-finish-reason", "an undocumented finish_reason value", "basic", "response.schema")(
    lambda b, r: r["choices"][0].update(finish_reason="exploded")
)
fault("schema-no-usage", "the required usage object is missing", "basic", "response.schema")(
    lambda b, r: r.pop("usage")
)
fault(
    "accept-invalid",
    "an out-of-range temperature is answered 200",
    "invalid-temperature",
    "request.invalid_rejected",
    transport="accept-invalid",
)()
fault(
    "invalid-500",
    "an out-of-range temperature is answered 500",
    "invalid-temperature",
    "request.invalid_rejected",
    "response.server-error",
    transport="invalid-500",
)()
fault(
    "reject-minimal",
    "a request with only model and messages is refused 400",
    "basic",
    "request.minimal_accepted",
    transport="reject-minimal",
)()
fault(
    "error-array",
    "the 4xx error body is a JSON array (as Gemini gateways send)",
    "invalid-temperature",
    "request.invalid_rejected",
    transport="error-array",
)()
fault(
    "wrong-content-type",
    "JSON served as text/plain",
    "basic",
    "response.content-type",
    transport="wrong-content-type",
)()
fault("html-200", "an HTML page with status 200", "basic", "response.content-type", transport="html-200")()
fault(
    "malformed-json", "a JSON body cut in the middle", "basic", "response.json", transport="malformed-json"
)()
fault(
    "invalid-utf8",
    "a JSON body with bytes that are not UTF-8",
    "basic",
    "response.json",
    transport="invalid-utf8",
)()
fault(
    "server-error", "a 500 for a valid request", "basic", "response.server-error", transport="server-error"
)()
fault(
    "rate-limit",
    "429 with Retry-After on every attempt",
    "basic",
    "provider-unavailable",
    transport="rate-limit",
)()
fault(
    "bad-gateway-html",
    "502 with an HTML page on every attempt",
    "basic",
    "provider-unavailable",
    transport="bad-gateway-html",
)()
fault("slow", "answers after the client's read timeout", "basic", "provider-unavailable", transport="slow")()
fault(
    "reset",
    "the connection is reset in the middle of the body",
    "basic",
    "provider-unavailable",
    transport="reset",
)()
fault(
    "truncated-stream",
    "the stream stops mid-event, without [DONE]",
    "stream",
    "stream.ends_with_done",
    transport="truncated-stream",
)()
fault(
    "stream-invalid-utf8",
    "a stream comment holds bytes that are not UTF-8",
    "stream",
    "stream.ends_with_done",
    transport="stream-invalid-utf8",
)()


@fault(
    "chunk-object",
    "a chunk says object chat.completion",
    "stream",
    "stream.chunk_object",
    "stream.chunk-schema",
)
def chunks_wrong_object(body, chunks):
    chunks[1]["object"] = "chat.completion"


@fault(
    "no-done", "the stream ends without data: [DONE]", "stream", "stream.ends_with_done", transport="no-done"
)
def chunks_no_done(body, chunks):
    pass  # the HTTP layer leaves out [DONE]


@fault("double-finish", "a choice gets two finish_reasons", "stream", "stream.one_finish_reason_per_choice")
def chunks_double_finish(body, chunks):
    chunks[1]["choices"][0]["finish_reason"] = "stop"


@fault("no-usage-chunk", "include_usage asked, no usage chunk sent", "stream", "stream.usage_chunk")
def chunks_no_usage(body, chunks):
    chunks.pop()


@fault("chunk-bad-finish", "a chunk with an undocumented finish_reason", "stream", "stream.chunk-schema")
def chunks_bad_finish(body, chunks):
    chunks[-2]["choices"][0]["finish_reason"] = "exploded"


@fault(
    "n-ge-3",
    "only when n >= 3: the last choice is dropped (a bug for fuzzing to find)",
    "n3",
    "n.choices_match",
)
def n_at_least_three(body, response):
    if isinstance(body.get("n"), int) and body["n"] >= 3:
        response["choices"] = response["choices"][:-1]


@fault(
    "tool-calls-merged",
    "a second parallel call streamed into the first call's index",
    "tools-stream",
    "tools.streamed_calls_assemble",
    "tools.arguments_are_json",
    "tools.called_offered",
)
def chunks_tool_calls_merged(body, chunks):
    # a client adding the pieces up gets one call whose name is both names and whose arguments are no JSON
    at = next(
        n for n, c in enumerate(chunks) if c["choices"] and (c["choices"][0]["delta"] or {}).get("tool_calls")
    )
    second = {
        "index": 0,
        "id": "call_merged",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'},
    }
    choice = {**chunks[at]["choices"][0], "delta": {"tool_calls": [second]}}
    chunks.insert(at + 1, {**chunks[at], "choices": [choice]})


def _over(response: dict, completion_tokens: int) -> None:
    usage = response["usage"]
    usage.update(completion_tokens=completion_tokens, total_tokens=usage["prompt_tokens"] + completion_tokens)


def _every_dialect() -> dict[str, Fault]:
    from chatconform.refserver._anthropic_faults import ANTHROPIC
    from chatconform.refserver._behaviour_faults import BEHAVIOUR
    from chatconform.refserver._responses_faults import RESPONSES

    # (a header names a fault by its name alone: tests/selftest/test_faults.py holds the names unique)
    return {name: f for s in (CHAT, ANTHROPIC, RESPONSES, BEHAVIOUR) for name, f in s.items()}


FAULTS: dict[str, Fault] = _every_dialect()
