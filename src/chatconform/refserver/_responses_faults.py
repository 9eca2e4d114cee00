"""OpenAI Responses faults: each breaks one rule of the Responses contract and names the check that catches
it."""

from __future__ import annotations

from chatconform.refserver._fault import FaultSet

RESPONSES = FaultSet("openai-responses")
fault = RESPONSES.fault
BROKEN_ENVELOPE = "responses-error-envelope"


def _first(events: list[dict], kind: str) -> int:
    return next(n for n, e in enumerate(events) if e["type"] == kind)


def _over(body: dict, answer: dict) -> None:
    usage = answer["usage"]
    usage.update(
        output_tokens=body["max_output_tokens"] + 5,
        total_tokens=usage["input_tokens"] + body["max_output_tokens"] + 5,
    )


fault(
    BROKEN_ENVELOPE,
    "a 400 whose body has no error object",
    "responses-invalid",
    "error.envelope",
    "response.schema",
    transport=BROKEN_ENVELOPE,
)()
fault(
    "responses-incomplete-unexplained",
    "status incomplete with no incomplete_details",
    "responses-capped",
    "responses.incomplete_explained",
)(lambda b, r: r.update(incomplete_details=None))
fault(
    "responses-total-off",
    "total_tokens is one more than input + output",
    "responses-basic",
    "responses.usage_total_is_sum",
)(lambda b, r: r["usage"].update(total_tokens=r["usage"]["total_tokens"] + 1))
fault(
    "responses-over-max-output",
    "output_tokens exceed max_output_tokens",
    "responses-capped",
    "responses.output_within_max_output_tokens",
)(_over)
fault(
    "responses-output-text-off",
    "an output_text that is not the output_text parts joined",
    "responses-basic",
    "responses.output_text_matches_parts",
)(lambda b, r: r.update(output_text="not what the parts say"))
fault(
    "responses-arguments-broken",
    "function_call arguments that are not JSON",
    "responses-tools",
    "responses.function_arguments_json",
)(lambda b, r: r["output"][0].update(arguments="{city: Paris"))
fault(
    "responses-arguments-off-schema",
    "function_call arguments that break the offered schema",
    "responses-tools",
    "tools.arguments_match_schema",
)(lambda b, r: r["output"][0].update(arguments='{"town": "Paris"}'))
fault(
    "responses-tool-name-wrong",
    "a function_call of a function never offered",
    "responses-tools",
    "tools.called_offered",
)(lambda b, r: r["output"][0].update(name="get_wether"))


@fault(
    "responses-sequence-backwards",
    "two events' sequence numbers swapped",
    "responses-stream",
    "stream.grammar",
)
def chunks_sequence_backwards(body, events):
    events[2]["sequence_number"], events[3]["sequence_number"] = (
        events[3]["sequence_number"],
        events[2]["sequence_number"],
    )


@fault(
    "responses-deltas-mismatch",
    "output_text.done gives a text its deltas do not add up to",
    "responses-stream",
    "stream.grammar",
)
def chunks_deltas_mismatch(body, events):
    events[_first(events, "response.output_text.done")]["text"] += " and more"


@fault(
    "responses-no-terminal",
    "the stream ends without response.completed",
    "responses-stream",
    "stream.grammar",
)
def chunks_no_terminal(body, events):
    events.pop()


@fault(
    "responses-part-never-added",
    "text deltas for a content part never added",
    "responses-stream",
    "stream.grammar",
)
def chunks_part_never_added(body, events):
    events.pop(_first(events, "response.content_part.added"))


@fault(
    "responses-id-changes",
    "response.completed is about another response id than response.created",
    "responses-stream",
    "stream.grammar",
)
def chunks_id_changes(body, events):
    events[-1]["response"] = {**events[-1]["response"], "id": "resp_someone_else"}


@fault(
    "responses-final-text-differs",
    "response.completed gives a text the deltas never sent",
    "responses-stream",
    "stream.grammar",
)
def chunks_final_text_differs(body, events):
    final = events[-1]["response"]
    item = final["output"][0]
    part = {**item["content"][0], "text": "something else"}
    events[-1]["response"] = {**final, "output": [{**item, "content": [part]}]}
