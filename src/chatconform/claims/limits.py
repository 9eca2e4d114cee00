"""Token limits: what was sent is respected, and with nothing sent the documented default holds."""

from __future__ import annotations

from chatconform.claims._documented import AIML_512, ML_1000, prose_default, spec_default
from chatconform.claims._predicates import both, has_usage, no_limit_sent, sent
from chatconform.claims._registry import claim
from chatconform.claims._sources import AIML_FLASH_DOC, AIML_REQ, ML_PARAMS_DOC
from chatconform.claims._view import assembled
from chatconform.findings import Finding


def completion_tokens(ex):
    """usage.completion_tokens, or None when it is not a number."""
    value = (assembled(ex).get("usage") or {}).get("completion_tokens")
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def choices_asked(ex) -> int:
    """n as sent (1 when absent): usage counts the tokens of all choices, each under the limit."""
    n = ex.request_json.get("n")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1


def _over(ex, field: str):
    limit, used, n = ex.request_json.get(field), completion_tokens(ex), choices_asked(ex)
    if isinstance(limit, (int, float)) and used is not None and used > limit * n:
        per = f" x {n} choices" if n > 1 else ""
        yield Finding.at_path("$.usage.completion_tokens", f"completion_tokens {used} exceed the {field} "
                              f"{limit}{per} the request sent", received=str(used),
                              expected=f"<= {limit * n} (request {field}{per})")


@claim(id="limits.completion_within_max_tokens",
       says="The maximum number of tokens that can be generated in the chat completion.",
       source=AIML_REQ + "max_tokens/description", applies_to=both(sent("max_tokens"), has_usage))
def completion_tokens_within_max_tokens(ex):
    """usage.completion_tokens <= the max_tokens sent."""
    yield from _over(ex, "max_tokens")


@claim(id="limits.completion_within_max_completion_tokens",
       says="An upper bound for the number of tokens that can be generated for a completion, including "
            "visible output tokens and reasoning tokens.",
       source=AIML_REQ + "max_completion_tokens/description",
       applies_to=both(sent("max_completion_tokens"), has_usage))
def completion_tokens_within_max_completion_tokens(ex):
    """usage.completion_tokens (reasoning included) <= the max_completion_tokens sent."""
    yield from _over(ex, "max_completion_tokens")


def default_limit(ex, store):
    """The documented default for this exchange: the smaller of prose and spec when both exist."""
    found = [d for d in (prose_default(ex.provider, ex.model),
                         spec_default(store, ex.provider, ex.model, ex.request.path)) if d]
    return min(found, key=lambda d: d.value) if found else None


def _check_default(ex, store):
    documented, used = default_limit(ex, store), completion_tokens(ex)
    if documented is None or used is None:
        return
    if used > documented.value * choices_asked(ex):
        yield Finding.at_path("$.usage.completion_tokens", f"no limit was sent and completion_tokens {used} "
                              f"exceed the documented default {documented.value}", received=str(used),
                              expected=f"<= {documented.value} (documented default)",
                              says=documented.says, source=documented.source,
                              extra={"observed_completion_tokens": used})


def _default_documented(ex, store) -> bool:
    return default_limit(ex, store) is not None


@claim(id="limits.default_max_tokens.aimlapi", says=AIML_512, source=AIML_FLASH_DOC, providers=("aimlapi",),
       applies_to=lambda ex, store: no_limit_sent(ex) and has_usage(ex) and _default_documented(ex, store))
def aiml_default_limit_holds_when_none_is_sent(ex, store):
    """With no max_tokens sent, completion_tokens stay within AIML's documented 512 default."""
    yield from _check_default(ex, store)


@claim(id="limits.default_max_tokens.modelslab", says=ML_1000, source=ML_PARAMS_DOC, providers=("modelslab",),
       applies_to=both(no_limit_sent, has_usage))
def modelslab_default_limit_holds_when_none_is_sent(ex, store):
    """With no max_tokens sent, completion_tokens stay within ModelsLab's documented 1000 default."""
    yield from _check_default(ex, store)
