"""What the reference provider accepts: the pulled spec's request schema plus the documented bounds."""

from __future__ import annotations

import json

from chatconform.claims.requests import request_problems
from chatconform.exchange import Exchange, Request

MAX_N = 128
PROVIDER = {"aimlapi": "aimlapi", "modelslab": "modelslab", "openai": "openai-compatible"}
PREFIX = {"aimlapi": "/aimlapi", "modelslab": "/modelslab/api/v7/llm", "openai": "/openai/v1"}


def problems(contract: str, path: str, body, store) -> list[str]:
    """Why a chat request is outside the contract ([] when it is a valid request)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    model = body.get("model") or (body.get("model_id") if contract == "modelslab" else None)
    if not isinstance(model, str) or not model:
        return ["`model` is required"]
    if not isinstance(body.get("messages"), list):
        return ["`messages` must be an array"]  # may it be empty? the spec decides (OpenAI's: minItems 1)
    provider = PROVIDER[contract]
    if provider == "aimlapi" and store.spec_for(provider, model) is None:
        return [f"model {model!r} is not served here"]
    request = Request("POST", "http://127.0.0.1" + path, {}, json.dumps(body).encode())
    ex = Exchange(request=request, response=None, provider=provider, model=model)
    found = request_problems(ex, store)
    n = body.get("n")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        found.append("n must be an integer >= 1")
    elif isinstance(n, int) and n > MAX_N:
        # AIML documents no maximum; OpenAI's spec says 128. Found by fuzzing: n=525016 stalled the server.
        found.append(f"n must be at most {MAX_N}")
    return found


def messages_problems(body) -> list[str]:
    """ModelsLab's Anthropic-compatible /v1/messages: model, max_tokens and messages are required."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    missing = [k for k in ("model", "max_tokens", "messages") if k not in body]
    if missing:
        return [f"missing {', '.join(missing)}"]
    limit = body["max_tokens"]
    # JSON Schema's integer includes 1.0; bool is not a number here
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not float(limit).is_integer() or limit < 1:
        return ["max_tokens must be an integer >= 1"]
    temperature = body.get("temperature", 1)
    if not isinstance(temperature, (int, float)) or not 0 <= temperature <= 1:
        return ["temperature must be between 0 and 1 on this endpoint"]
    return []


def error_body(message: str, kind: str = "invalid_request_error", code: str = "invalid_parameter") -> dict:
    """An OpenAI-compatible error object (also ModelsLab's documented Error shape)."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
