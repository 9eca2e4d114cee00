"""Token limits: what was sent is respected, and with nothing sent the documented default holds."""

from __future__ import annotations

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._documented import spec_default
from chatconform.judging.claims._predicates import both, has_usage, no_limit_sent, sent
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import AIML_REQ
from chatconform.model.finding import Finding
from chatconform.providers import Documented

DEFAULT = "default_max_tokens"  # the documented value's name in the provider data


def completion_tokens(ctx: Context):
    """usage.completion_tokens, or None when it is not a number."""
    value = ((ctx.completion or {}).get("usage") or {}).get("completion_tokens")
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def choices_asked(ctx: Context) -> int:
    """n as sent (1 when absent): usage counts the tokens of all choices, each under the limit."""
    n = ctx.sent.get("n")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1


def _over(ctx: Context, field: str):
    limit, used, n = ctx.sent.get(field), completion_tokens(ctx), choices_asked(ctx)
    if isinstance(limit, (int, float)) and used is not None and used > limit * n:
        per = f" x {n} choices" if n > 1 else ""
        yield Finding.at_path(
            "$.usage.completion_tokens",
            f"completion_tokens {used} exceed the {field} {limit}{per} the request sent",
            received=str(used),
            expected=f"<= {limit * n} (request {field}{per})",
        )


@claim(
    id="limits.completion_within_max_tokens",
    says="The maximum number of tokens that can be generated in the chat completion.",
    source=AIML_REQ + "max_tokens/description",
    applies_to=both(sent("max_tokens"), has_usage),
)
def completion_tokens_within_max_tokens(ctx: Context):
    """usage.completion_tokens <= the max_tokens sent."""
    yield from _over(ctx, "max_tokens")


@claim(
    id="limits.completion_within_max_completion_tokens",
    says="An upper bound for the number of tokens that can be generated for a completion, including "
    "visible output tokens and reasoning tokens.",
    source=AIML_REQ + "max_completion_tokens/description",
    applies_to=both(sent("max_completion_tokens"), has_usage),
)
def completion_tokens_within_max_completion_tokens(ctx: Context):
    """usage.completion_tokens (reasoning included) <= the max_completion_tokens sent."""
    yield from _over(ctx, "max_completion_tokens")


def default_limit(ctx: Context) -> Documented | None:
    """The documented default for this exchange: the smaller of the provider data's and the spec's."""
    return ctx.once("default limit", _default_limit)


def _default_limit(ctx: Context) -> Documented | None:
    ex = ctx.ex
    found = [
        d
        for d in (ctx.documented(DEFAULT), spec_default(ctx.store, ex.provider, ex.model, ex.request.path))
        if d and isinstance(d.value, (int, float)) and not isinstance(d.value, bool)
    ]
    # every value is a number (filtered above): the isinstance only tells mypy so
    return min(found, key=lambda d: d.value if isinstance(d.value, (int, float)) else 0) if found else None


def _default_documented(ctx: Context) -> bool:
    return default_limit(ctx) is not None


@claim(
    id="limits.default_max_tokens",
    documented=DEFAULT,
    says="(each provider's own sentence) the default max_tokens its documents state for the model",
    source=f"documented {DEFAULT} (chatconform/providers/*.toml, a project's chatconform.toml)",
    applies_to=both(no_limit_sent, has_usage, _default_documented),
)
def default_limit_holds_when_none_is_sent(ctx: Context):
    """With no limit sent, completion_tokens stay within the default the provider documents for the model."""
    documented, used = default_limit(ctx), completion_tokens(ctx)
    # applies_to: _default_documented found one, a number (see _default_limit)
    assert documented is not None and isinstance(documented.value, (int, float))
    if used is not None and used > documented.value * choices_asked(ctx):
        yield Finding.at_path(
            "$.usage.completion_tokens",
            f"no limit was sent and completion_tokens {used} "
            f"exceed the documented default {documented.value}",
            received=str(used),
            expected=f"<= {documented.value} (documented default)",
            says=documented.says,
            source=documented.source,
            extra={"observed_completion_tokens": used},
        )
