"""finish_reason and the empty-content pitfall of reasoning models."""

from __future__ import annotations

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._predicates import LIMIT_FIELDS, answered_completion, has_usage, within
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import AIML_FLASH_DOC, AIML_RESP
from chatconform.judging.claims._view import content_of
from chatconform.judging.claims.limits import completion_tokens, default_limit
from chatconform.model.finding import Finding

LENGTH_SAYS = (
    'Pay attention to the `finish_reason` field in the response. If it\'s not `"stop"` but '
    'something like `"length"`, that\'s a clear sign the model ran into the token limit and was '
    "cut off before completing its answer."
)
EMPTY_SAYS = (
    "A common issue when using reasoning-capable models via API is receiving an empty string in the "
    "`content` field—meaning the model did not return the expected text, yet no error was thrown."
)
FINISH_SAYS = "length if the maximum number of tokens specified in the request was reached"


def effective_limit(ctx: Context):
    """The limit in force: the smaller limit the request sent, else the documented default."""
    sent = [ctx.sent[f] for f in LIMIT_FIELDS if isinstance(ctx.sent.get(f), (int, float))]
    if sent:
        return min(sent)
    documented = default_limit(ctx)
    return documented.value if documented else None


def _one_choice_with(reason: str):
    @within(has_usage)  # asked last, but needed: a choice is read from an answered completion only
    def predicate(ctx: Context) -> bool:
        choices = ctx.choices if answered_completion(ctx) else []
        return len(choices) == 1 and choices[0].get("finish_reason") == reason and has_usage(ctx)

    return predicate


@claim(
    id="finish.length_only_at_limit",
    says=FINISH_SAYS,
    source=AIML_RESP + "choices/items/properties/finish_reason/description",
    applies_to=_one_choice_with("length"),
)
def length_means_the_limit_was_reached(ctx: Context):
    """finish_reason "length" only when completion_tokens reached the limit in force (one choice)."""
    limit, used = effective_limit(ctx), completion_tokens(ctx)
    if limit is not None and used is not None and used < limit:
        yield Finding.at_path(
            "$.choices[0].finish_reason",
            f'finish_reason is "length" but only {used} of the {limit}-token limit were used',
            received="length",
            expected=f"stop (limit {limit} not reached)",
        )


def _empty(choice) -> bool:
    return content_of(choice) in (None, "")


def _empty_and(reason: str):
    inner = _one_choice_with(reason)
    return within(inner)(
        lambda ctx: (
            inner(ctx) and _empty(ctx.choices[0]) and not ctx.choices[0].get("message", {}).get("tool_calls")
        )
    )


@claim(
    id="finish.empty_content_pitfall", says=EMPTY_SAYS, source=AIML_FLASH_DOC, applies_to=_empty_and("stop")
)
def empty_content_with_stop_is_not_hidden_truncation(ctx: Context):
    """Empty content with finish_reason "stop" while the limit was spent is the documented pitfall,
    mislabelled."""
    limit, used = effective_limit(ctx), completion_tokens(ctx)
    details = ((ctx.completion or {}).get("usage") or {}).get("completion_tokens_details") or {}
    if limit is not None and used is not None and used >= limit:
        yield Finding.at_path(
            "$.choices[0].finish_reason",
            (
                f'content is empty and finish_reason is "stop", yet {used} of the {limit}-token limit were '
                f"spent ({details.get('reasoning_tokens', '?')} on reasoning): the docs say a limit shows as "
                '"length"; raise max_tokens/max_completion_tokens'
            ),
            received="stop",
            expected="length",
            extra={"docs": LENGTH_SAYS},
        )


@claim(
    id="finish.empty_content_explained",
    says=LENGTH_SAYS,
    source=AIML_FLASH_DOC,
    severity="info",
    applies_to=_empty_and("length"),
)
def empty_content_with_length_is_the_documented_pitfall(ctx: Context):
    """Empty content with finish_reason "length": the documented pitfall, reported for the reviewer."""
    limit = effective_limit(ctx)
    yield Finding.at_path(
        "$.choices[0].message.content",
        (
            f"empty content: the model ran into the {limit if limit is not None else '?'}-token limit "
            "(reasoning models often need thousands); the documented pitfall"
        ),
        received='""',
    )
