"""OpenAI Responses: max_output_tokens, status and incomplete_details, output_text, function-call arguments,
usage arithmetic; quoted from OpenAI's spec."""

from __future__ import annotations

import json

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._predicates import answered_in, within
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import OPENAI_SPEC
from chatconform.judging.toolcalls import checked_calls
from chatconform.model.finding import Finding, excerpt

DIALECT = "openai-responses"
answered = answered_in(DIALECT)
_RESPONSE = OPENAI_SPEC + "#/components/schemas/Response/allOf/2/properties/"
LIMIT_SAYS = "An upper bound for the number of tokens that can be generated for a response"
INCOMPLETE_SAYS = "Details about why the response is incomplete."
TEXT_SAYS = "contains the aggregated text output\nfrom all `output_text` items in the `output` array"
ARGUMENTS_SAYS = "A JSON string of the arguments to pass to the function."
TOTAL_SAYS = "The total number of tokens used."


def _response(ctx: Context) -> dict:
    assert ctx.dialect is not None  # asked only of an answered Responses exchange
    return ctx.dialect.assembled(ctx.ex) or {}  # (an answer was read from it: never None here)


@within(answered)
def _limited(ctx: Context) -> bool:
    return answered(ctx) and ctx.dialect is not None and ctx.dialect.limit_sent(ctx.sent) is not None


@claim(
    id="responses.output_within_max_output_tokens",
    says=LIMIT_SAYS,
    applies_to=_limited,
    source=_RESPONSE + "max_output_tokens/anyOf/0/description",
)
def output_tokens_within_max_output_tokens(ctx: Context):
    """usage.output_tokens <= max_output_tokens, and status incomplete for max_output_tokens only at the
    limit."""
    sent = ctx.dialect.limit_sent(ctx.sent) if ctx.dialect is not None else None
    assert sent is not None and ctx.answer is not None  # applies_to: _limited (answered, a limit sent)
    limit = sent[1]
    usage, output = ctx.answer.usage, ctx.answer.outputs[0]
    used = usage.output if usage else None
    if used is not None and used > limit:
        yield Finding.at_path(
            "$.usage.output_tokens",
            f"output_tokens {used} exceed max_output_tokens {limit}",
            received=str(used),
            expected=f"<= {limit}",
        )
    if output.stop_raw == "max_output_tokens" and used is not None and used < limit:
        yield Finding.at_path(
            "$.incomplete_details.reason",
            f"incomplete for max_output_tokens after {used} of {limit} tokens",
            received="max_output_tokens",
            expected="completed",
        )


@claim(
    id="responses.incomplete_explained",
    says=INCOMPLETE_SAYS,
    applies_to=answered,
    source=_RESPONSE + "incomplete_details/anyOf/0/description",
)
def an_incomplete_response_says_why_and_only_it_does(ctx: Context):
    """status "incomplete" comes with incomplete_details.reason; any other status has none."""
    response = _response(ctx)
    status, details = response.get("status"), response.get("incomplete_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    if status == "incomplete" and not reason:
        yield Finding.at_path(
            "$.incomplete_details",
            "status is incomplete but incomplete_details gives no reason",
            received=excerpt(details),
            expected='{"reason": "max_output_tokens" or ...}',
        )
    elif status != "incomplete" and details is not None:
        said = f"status is {status!r}" if "status" in response else "the response has no status"
        yield Finding.at_path(
            "$.incomplete_details",
            f"{said} but incomplete_details is set",
            received=excerpt(details),
            expected="null",
        )


@within(answered)
def _has_output_text(ctx: Context) -> bool:
    return answered(ctx) and isinstance(_response(ctx).get("output_text"), str)


@claim(
    id="responses.output_text_matches_parts",
    says=TEXT_SAYS,
    applies_to=_has_output_text,
    source=_RESPONSE + "output_text/anyOf/0/description",
)
def output_text_is_the_output_text_parts_joined(ctx: Context):
    """output_text, where a server sends it, equals the output_text parts of its message items joined."""
    assert ctx.answer is not None  # applies_to: answered
    joined = ctx.answer.outputs[0].text or ""
    if _response(ctx)["output_text"] != joined:
        yield Finding.at_path(
            "$.output_text",
            "output_text differs from the output_text parts of the output",
            received=excerpt(_response(ctx)["output_text"]),
            expected=excerpt(joined),
        )


@within(answered)
def _calls_a_function(ctx: Context) -> bool:
    return answered(ctx) and ctx.answer is not None and bool(ctx.answer.outputs[0].tool_calls)


@claim(
    id="responses.function_arguments_json",
    says=ARGUMENTS_SAYS,
    applies_to=_calls_a_function,
    source=OPENAI_SPEC + "#/components/schemas/FunctionToolCall/properties/arguments/description",
)
def function_call_arguments_are_json(ctx: Context):
    """Each function_call's arguments parse as JSON (the last call of a response cut at its token limit may be
    incomplete: info)."""
    cut = {check.call.at for check in checked_calls(ctx.ex) if check.cut}
    assert ctx.answer is not None  # applies_to: _calls_a_function
    for call in ctx.answer.outputs[0].tool_calls:
        try:
            json.loads(call.arguments or "{}")
        except ValueError:
            why = " (cut at the token limit in this call: not judged)" if call.at in cut else ""
            yield Finding.at_path(
                f"{call.at}.arguments",
                f"the arguments are not JSON{why}",
                received=excerpt(call.arguments),
                expected="a JSON string",
                severity="info" if why else None,
            )


@within(answered)
def _has_total(ctx: Context) -> bool:
    usage = ctx.answer.usage if answered(ctx) and ctx.answer is not None else None
    return usage is not None and None not in (usage.input, usage.output, usage.total)


@claim(
    id="responses.usage_total_is_sum",
    says=TOTAL_SAYS,
    applies_to=_has_total,
    source=OPENAI_SPEC + "#/components/schemas/ResponseUsage/properties/total_tokens/description",
)
def total_tokens_is_input_plus_output(ctx: Context):
    """usage.total_tokens equals input_tokens + output_tokens."""
    usage = ctx.answer.usage if ctx.answer is not None else None
    # applies_to: _has_total (all three counts reported)
    assert (
        usage is not None and usage.total is not None and usage.input is not None and usage.output is not None
    )
    if usage.total != usage.input + usage.output:
        yield Finding.at_path(
            "$.usage.total_tokens",
            f"total_tokens {usage.total} is not input_tokens {usage.input} + output_tokens {usage.output}",
            received=str(usage.total),
            expected=str(usage.input + usage.output),
        )
