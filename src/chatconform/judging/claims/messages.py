"""Anthropic Messages (Anthropic itself, ModelsLab's compatible endpoint, any gateway speaking it): limits,
stop reasons and stop sequences, usage; quoted from Anthropic's spec. (Tool input against the offered
input_schema is judged in every dialect alike: claims/tools.py, in Anthropic's words.)"""

from __future__ import annotations

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._predicates import answered_in, within
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import ANTHROPIC_MESSAGE, ANTHROPIC_PARAMS
from chatconform.model.finding import Finding, excerpt

DIALECT = "anthropic-messages"
answered = answered_in(DIALECT)
MAX_SAYS = "This parameter only specifies the absolute maximum number of tokens to generate."
STOP_SAYS = (
    "If the model encounters one of the custom sequences, the response `stop_reason` value will be "
    '`"stop_sequence"` and the response `stop_sequence` value will contain the matched stop sequence.'
)
LIMIT_SAYS = '`"max_tokens"`: we exceeded the requested `max_tokens` or the model\'s maximum'
USAGE_SAYS = "The cumulative number of output tokens which were used."


def _output_tokens(ctx: Context) -> int | None:
    assert ctx.answer is not None  # applies_to: answered
    usage = ctx.answer.usage
    return usage.output if usage else None


def _limit(ctx: Context) -> int | None:
    assert ctx.dialect is not None  # applies_to: the exchange's dialect is known
    sent = ctx.dialect.limit_sent(ctx.sent)
    return sent[1] if sent else None


@claim(
    id="messages.output_within_max_tokens",
    says=MAX_SAYS,
    source=ANTHROPIC_PARAMS + "max_tokens/description",
    applies_to=answered,
)
def output_tokens_within_max_tokens(ctx: Context):
    """usage.output_tokens <= the max_tokens sent (a required parameter of this dialect)."""
    limit, used = _limit(ctx), _output_tokens(ctx)
    if limit is not None and used is not None and used > limit:
        yield Finding.at_path(
            "$.usage.output_tokens",
            f"output_tokens {used} exceed max_tokens {limit}",
            received=str(used),
            expected=f"<= {limit}",
        )


@within(answered)
def _stopped_at_max_tokens(ctx: Context) -> bool:
    return answered(ctx) and ctx.answer is not None and ctx.answer.outputs[0].stop_raw == "max_tokens"


@claim(
    id="messages.max_tokens_stop_at_limit",
    says=LIMIT_SAYS,
    source=ANTHROPIC_MESSAGE + "stop_reason/description",
    applies_to=_stopped_at_max_tokens,
)
def stop_reason_max_tokens_only_at_the_limit(ctx: Context):
    """stop_reason "max_tokens" only when output_tokens reached max_tokens (or the model's own maximum)."""
    limit, used = _limit(ctx), _output_tokens(ctx)
    if limit is not None and used is not None and used < limit:
        yield Finding.at_path(
            "$.stop_reason",
            f"stop_reason max_tokens after {used} of {limit} tokens",
            received="max_tokens",
            expected="end_turn (the limit was not reached)",
        )


@within(answered)
def _stop_sequence_said(ctx: Context) -> bool:
    message = ctx.dialect.assembled(ctx.ex) if answered(ctx) and ctx.dialect is not None else None
    return isinstance(message, dict) and (
        message.get("stop_reason") == "stop_sequence" or message.get("stop_sequence") is not None
    )


@claim(
    id="messages.stop_sequence_sent",
    says=STOP_SAYS,
    source=ANTHROPIC_PARAMS + "stop_sequences/description",
    applies_to=_stop_sequence_said,
)
def the_stop_sequence_returned_is_one_that_was_sent(ctx: Context):
    """stop_reason "stop_sequence" comes with the stop_sequence matched, one of those the request sent."""
    assert ctx.dialect is not None  # applies_to: an answered Messages exchange
    message = ctx.dialect.assembled(ctx.ex)
    assert message is not None  # (its stop reason was read from it)
    reason, matched = message.get("stop_reason"), message.get("stop_sequence")
    sent = ctx.dialect.stops_sent(ctx.sent)
    if reason == "stop_sequence" and matched is None:
        yield Finding.at_path(
            "$.stop_sequence",
            "stop_reason is stop_sequence but stop_sequence is null",
            received="null",
            expected=f"one of {excerpt(sent)}",
        )
    elif matched is not None and matched not in sent:
        yield Finding.at_path(
            "$.stop_sequence",
            "the stop_sequence returned was never sent",
            received=excerpt(matched),
            expected=f"one of {excerpt(sent)}",
        )
    elif matched is not None and reason != "stop_sequence":
        yield Finding.at_path(
            "$.stop_reason",
            f"a stop_sequence is named but stop_reason is {reason!r}",
            received=excerpt(reason),
            expected="stop_sequence",
        )


@within(answered)
def _streamed_usage(ctx: Context) -> bool:
    return answered(ctx) and ctx.ex.stream is not None


@claim(
    id="messages.streamed_usage_cumulative",
    says=USAGE_SAYS,
    applies_to=_streamed_usage,
    source=ANTHROPIC_MESSAGE.replace("Message/properties/", "MessageDeltaUsage/properties/")
    + "output_tokens/description",
)
def message_delta_usage_is_cumulative(ctx: Context):
    """The final message_delta's output_tokens is no less than what message_start already counted."""
    from chatconform.dialects.anthropic_messages import typed_events

    start = delta = None
    for _, kind, value in typed_events(ctx.ex):
        if not isinstance(value, dict) or kind not in ("message_start", "message_delta"):
            continue
        message = value["message"] if isinstance(value.get("message"), dict) else {}
        usage = message.get("usage") if kind == "message_start" else value.get("usage")
        count = usage.get("output_tokens") if isinstance(usage, dict) else None
        if isinstance(count, int):
            start, delta = (count, delta) if kind == "message_start" else (start, count)
    if start is not None and delta is not None and delta < start:
        yield Finding.at_path(
            "$.usage.output_tokens",
            f"the final output_tokens {delta} are fewer than the {start} message_start counted",
            received=str(delta),
            expected=f">= {start}",
        )
