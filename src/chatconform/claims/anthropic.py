"""ModelsLab's Anthropic-compatible /v1/messages: output within max_tokens, stop_reason honest."""

from __future__ import annotations

from chatconform.claims._context import Context
from chatconform.claims._predicates import is_messages_call
from chatconform.claims._registry import claim
from chatconform.claims._sources import ML_SPEC
from chatconform.findings import Finding

_MAX = ML_SPEC + "#/components/schemas/MessagesRequest/properties/max_tokens/description"


def _output_tokens(ctx: Context):
    value = (ctx.ex.json.get("usage") or {}).get("output_tokens")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@claim(id="messages.output_within_max_tokens", says="Maximum number of tokens to generate", source=_MAX,
       providers=("modelslab",), applies_to=is_messages_call)
def output_tokens_within_max_tokens(ctx: Context):
    """usage.output_tokens <= the max_tokens sent (required on this endpoint)."""
    limit, used = ctx.sent.get("max_tokens"), _output_tokens(ctx)
    if isinstance(limit, int) and used is not None and used > limit:
        yield Finding.at_path("$.usage.output_tokens", f"output_tokens {used} exceed max_tokens {limit}",
                              received=str(used), expected=f"<= {limit}")


def _stopped_at_max_tokens(ctx: Context) -> bool:
    return is_messages_call(ctx) and ctx.ex.json.get("stop_reason") == "max_tokens"


@claim(id="messages.max_tokens_stop_at_limit", says="Maximum number of tokens to generate", source=_MAX,
       providers=("modelslab",), applies_to=_stopped_at_max_tokens)
def stop_reason_max_tokens_only_at_the_limit(ctx: Context):
    """stop_reason "max_tokens" only when output_tokens reached max_tokens."""
    limit, used = ctx.sent.get("max_tokens"), _output_tokens(ctx)
    if isinstance(limit, int) and used is not None and used < limit:
        yield Finding.at_path("$.stop_reason", f"stop_reason max_tokens after {used} of {limit} tokens",
                              received="max_tokens", expected="end_turn")
