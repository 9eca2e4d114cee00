"""Requests: a minimal request is accepted; an invalid one gets a documented 4xx, never 2xx or 5xx."""

from __future__ import annotations

import json

from chatconform.claims._negative import content_rejection, schema_problems
from chatconform.claims._predicates import is_chat_request
from chatconform.claims._registry import claim
from chatconform.claims._sources import AIML_REQ, AIML_SEED_PAGE
from chatconform.claims._view import once
from chatconform.findings import Finding, excerpt

NOT_ABOUT_SHAPE = (401, 403, 408, 429)
MAX_STOP = 4  # "Up to 4 sequences ..." (the schema itself sets no maxItems)


def _answered_chat(ex) -> bool:
    return ex.response is not None and is_chat_request(ex)


def _minimal(ex) -> bool:
    return _answered_chat(ex) and set(ex.request_json) == {"model", "messages"} and not _invalid(ex, None)


@claim(id="request.minimal_accepted",
       says="Only `model` and `messages` are required parameters for this model",
       source=AIML_SEED_PAGE, applies_to=_minimal)
def a_request_with_only_model_and_messages_succeeds(ex):
    """A request with only model and messages gets a 2xx (auth, 429, 5xx and refusals of its content aside)."""
    status = ex.response.status
    if status in NOT_ABOUT_SHAPE or status >= 500:
        yield Finding.at_path("$", f"not judged: {status} says nothing about the request's shape",
                              kind="gap", severity="warning")
        return
    why = content_rejection(ex) if 400 <= status < 500 else None
    if why:
        yield Finding.at_path("$", f"minimal in shape but refused for its content: {why}; a 4xx is the right "
                              "answer", severity="info", received=str(status))
        yield from _error_shape(ex)
    elif not ex.ok:
        yield Finding.at_path("$", f"a request with only model and messages got {status}",
                              received=str(status), expected="2xx")


def request_problems(ex, store) -> list[str]:
    """Why the request must be refused: its spec's bounds and types (vendor extensions aside), documented limits."""
    if store is None:
        return _limit_problems(ex)
    return once(ex, "_cc_request_problems", lambda ex: _limit_problems(ex) + _schema_problems(ex, store))


def _limit_problems(ex) -> list[str]:
    stop = ex.request_json.get("stop")
    if isinstance(stop, list) and len(stop) > MAX_STOP:
        return [f"{len(stop)} stop sequences (documented: up to {MAX_STOP})"]
    return []


def _schema_problems(ex, store) -> list[str]:
    spec = store.spec_or_none(ex.provider, ex.model)
    op = spec.find_operation(ex.request.method, ex.request.path) if spec else None
    if op and op.request_schema and ex.request.json is not None:
        return schema_problems(spec, op.request_schema, ex.request.json)
    return []


def _invalid(ex, store) -> bool:
    return bool(request_problems(ex, store))


@claim(id="request.invalid_rejected", implied=True,
       says="(implied by OpenAI compatibility) a request outside the request schema's bounds and types is "
            "rejected with a 4xx error object",
       source=AIML_REQ.rstrip("/properties/"), applies_to=lambda ex, store: _answered_chat(ex) and _invalid(ex, store))
def an_invalid_request_gets_a_4xx_with_an_error_body(ex, store):
    """A request outside the documented bounds gets a 4xx with an error object: never 2xx, never 5xx."""
    why = "; ".join(request_problems(ex, store))
    status = ex.response.status
    if not 400 <= status < 500:
        yield Finding.at_path("$", f"an invalid request ({why}) got {status}", received=str(status),
                              expected="4xx")
        return
    yield from _error_shape(ex)


def _error_shape(ex):
    """OpenAI-compatible errors are {"error": {"message": ...}}; a JSON array (seen from Gemini) is not."""
    try:
        body = json.loads(ex.response.body)
    except ValueError:
        yield Finding.at_path("$", "the error body is not JSON", severity="warning",
                              received=excerpt(ex.response.body[:80].decode("utf-8", "replace")))
        return
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else error if isinstance(error, str) else None
    if not isinstance(message, str):
        yield Finding.at_path("$", "the error body has no error.message (OpenAI-compatible shape)",
                              severity="warning", received=excerpt(body))
