"""Usage arithmetic: totals add up, reasoning is part of the completion, prompts are counted."""

from __future__ import annotations

from typing import TypeGuard

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._predicates import has_usage
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import AIML_REQ, AIML_RESP
from chatconform.model.finding import Finding


def _usage(ctx: Context) -> dict:
    completion = ctx.completion
    assert completion is not None  # the usage claims apply only where has_usage found a completion
    return completion["usage"]


def _number(value: object) -> TypeGuard[float]:
    """True for a token count (an int or float; a bool is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@claim(
    id="usage.total_is_sum",
    says="Total number of tokens used in the request (prompt + completion).",
    source=AIML_RESP + "usage/properties/total_tokens/description",
    applies_to=has_usage,
)
def total_tokens_is_prompt_plus_completion(ctx: Context):
    """usage.total_tokens equals prompt_tokens + completion_tokens."""
    u = _usage(ctx)
    prompt, completion, total = u.get("prompt_tokens"), u.get("completion_tokens"), u.get("total_tokens")
    if _number(prompt) and _number(completion) and _number(total) and total != prompt + completion:
        yield Finding.at_path(
            "$.usage.total_tokens",
            f"total_tokens {total} is not prompt_tokens {prompt} + completion_tokens {completion}",
            received=str(total),
            expected=f"{prompt + completion} (prompt + completion)",
        )


@claim(
    id="usage.reasoning_within_completion",
    says="An upper bound for the number of tokens that can be generated for a completion, including "
    "visible output tokens and reasoning tokens.",
    source=AIML_REQ + "max_completion_tokens/description",
    applies_to=has_usage,
)
def reasoning_tokens_are_part_of_completion_tokens(ctx: Context):
    """completion_tokens_details.reasoning_tokens <= completion_tokens."""
    u = _usage(ctx)
    details = u.get("completion_tokens_details") or {}
    reasoning, completion = details.get("reasoning_tokens"), u.get("completion_tokens")
    if _number(reasoning) and _number(completion) and reasoning > completion:
        yield Finding.at_path(
            "$.usage.completion_tokens_details.reasoning_tokens",
            f"reasoning_tokens {reasoning} exceed completion_tokens {completion}",
            received=str(reasoning),
            expected=f"<= {completion} (completion_tokens)",
        )


@claim(
    id="usage.prompt_counted",
    says="Number of tokens in the prompt.",
    source=AIML_RESP + "usage/properties/prompt_tokens/description",
    applies_to=has_usage,
    severity="warning",
)
def prompt_tokens_are_counted_for_a_non_empty_prompt(ctx: Context):
    """prompt_tokens > 0 when the request has a non-empty message (a suspicious zero, not a breach)."""
    prompt = _usage(ctx).get("prompt_tokens")
    if prompt == 0 and _has_text(ctx.sent.get("messages")):
        yield Finding.at_path(
            "$.usage.prompt_tokens", "prompt_tokens is 0 for a non-empty prompt", received="0", expected="> 0"
        )


def _has_text(messages) -> bool:
    return isinstance(messages, list) and any(
        isinstance(m, dict) and m.get("content") not in (None, "", []) for m in messages
    )
