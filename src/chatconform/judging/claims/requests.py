"""Requests: a minimal request is accepted; an invalid one gets a documented 4xx, never 2xx or 5xx."""

from __future__ import annotations

import json

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._negative import content_rejection, schema_problems
from chatconform.judging.claims._predicates import is_chat_request, within
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import AIML_REQ, AIML_SEED_PAGE
from chatconform.judging.route import judging_spec
from chatconform.model.finding import Finding, excerpt

NOT_ABOUT_SHAPE = (401, 403, 408, 429)
REQUIRED = (
    "model",
    "messages",
)  # what OpenAI's request schema requires, when a provider documents nothing else
STOP_LIMIT = "max_stop_sequences"  # documented values' names in the provider data
REQUIRED_PARAMS = "required_params"


@within(is_chat_request)
def _answered_chat(ctx: Context) -> bool:
    return ctx.ex.response is not None and is_chat_request(ctx)


def required(ctx: Context) -> tuple[str, ...]:
    """The parameters the provider documents as required for the model (OpenAI's pair when it says
    nothing)."""
    documented = ctx.documented(REQUIRED_PARAMS)
    value = documented.value if documented else None
    return tuple(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else REQUIRED


@within(_answered_chat)
def _minimal(ctx: Context) -> bool:
    return _answered_chat(ctx) and set(ctx.sent) == set(required(ctx)) and not _limit_problems(ctx)


@claim(
    id="request.minimal_accepted",
    documented=REQUIRED_PARAMS,
    says="Only `model` and `messages` are required parameters for this model",
    source=AIML_SEED_PAGE,
    applies_to=_minimal,
)
def a_request_with_only_the_required_parameters_succeeds(ctx: Context):
    """A request with only the required parameters gets a 2xx (auth, 429, 5xx and refusals of its content
    aside)."""
    assert ctx.ex.response is not None  # applies to answered requests only
    ex, status = ctx.ex, ctx.ex.response.status
    if status in NOT_ABOUT_SHAPE or status >= 500:
        yield Finding.at_path(
            "$",
            f"not judged: {status} says nothing about the request's shape",
            kind="gap",
            severity="warning",
        )
        return
    why = content_rejection(ex) if 400 <= status < 500 else None
    if why:
        yield Finding.at_path(
            "$",
            f"minimal in shape but refused for its content: {why}; a 4xx is the right answer",
            severity="info",
            received=str(status),
        )
        yield from _error_shape(ex)
    elif not ex.ok:
        yield Finding.at_path(
            "$",
            f"a request with only {' and '.join(required(ctx))} got {status}",
            received=str(status),
            expected="2xx",
        )


def request_problems(ctx: Context) -> list[str]:
    """Why the request must be refused: its spec's bounds and types (vendor extensions aside), documented
    limits."""
    return ctx.once("request_problems", lambda ctx: _limit_problems(ctx) + _schema_problems(ctx))


def _limit_problems(ctx: Context) -> list[str]:
    """Documented limits the request breaks (the provider's own, else the OpenAI-compatible contract's)."""
    stop = ctx.sent.get("stop")
    if not isinstance(stop, list):  # most requests: no list, no limit to look up
        return []
    documented = ctx.contract(STOP_LIMIT)
    limit = documented.value if documented else None
    if isinstance(limit, int) and len(stop) > limit:
        return [f"{len(stop)} stop sequences (documented: up to {limit})"]
    return []


def _schema_problems(ctx: Context) -> list[str]:
    ex = ctx.ex
    spec = judging_spec(ex, ctx.run)
    op = spec.find_operation(ex.request.method, ex.request.path) if spec else None
    if op and op.request_schema and ex.request.json is not None:
        return schema_problems(spec, op.request_schema, ex.request.json)
    return []


def _invalid(ctx: Context) -> bool:
    ex = ctx.ex
    return (
        ex.response is not None
        and ctx.dialect is not None
        and ctx.dialect.is_generation(ex.request.path)
        and bool(request_problems(ctx))
    )


@claim(
    id="request.invalid_rejected",
    implied=True,
    says="(implied by OpenAI compatibility) a request outside the request schema's bounds and types is "
    "rejected with a 4xx error object",
    source=AIML_REQ.removesuffix("/properties/"),
    applies_to=_invalid,
)
def an_invalid_request_gets_a_4xx_with_an_error_body(ctx: Context):
    """A request outside the documented bounds gets a 4xx with an error object: never 2xx, never 5xx."""
    why = "; ".join(request_problems(ctx))
    # applies_to: _invalid (a response, in a known dialect)
    assert ctx.ex.response is not None and ctx.dialect is not None
    status = ctx.ex.response.status
    if not 400 <= status < 500:
        yield Finding.at_path(
            "$", f"an invalid request ({why}) got {status}", received=str(status), expected="4xx"
        )
    elif ctx.dialect.name == "openai-chat":  # the other dialects' envelopes are judged by error.envelope
        yield from _error_shape(ctx.ex)


def _error_shape(ex):
    """OpenAI-compatible errors are {"error": {"message": ...}}; a JSON array (seen from Gemini) is not."""
    try:
        body = json.loads(ex.response.body)
    except ValueError:
        yield Finding.at_path(
            "$",
            "the error body is not JSON",
            severity="warning",
            received=excerpt(ex.response.body[:80].decode("utf-8", "replace")),
        )
        return
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else error if isinstance(error, str) else None
    if not isinstance(message, str):
        yield Finding.at_path(
            "$",
            "the error body has no error.message (OpenAI-compatible shape)",
            severity="warning",
            received=excerpt(body),
        )
