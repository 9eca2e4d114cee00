"""Deterministic answers with the documented arithmetic: tokens, limits, reasoning, stop, n, formats."""

from __future__ import annotations

import hashlib
import json
import time

from chatconform.refserver._reading import Rules

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
         "quebec romeo sierra tango uniform victor whiskey xray yankee zulu END").split()
REASONING_TOKENS = 6  # what a reasoning model (the data's reasoning_models) spends before answering


def _seed(*parts) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def text_of(content) -> str:
    """The text of a message content (a string or a list of text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def prompt_tokens(body: dict) -> int:
    """One token per word of every message, plus one per message (and the system prompt)."""
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    words = sum(len(text_of(m.get("content")).split()) + 1 for m in messages if isinstance(m, dict))
    return words + len(text_of(body.get("system")).split())


def answer_words(body: dict, index: int) -> list[str]:
    """The full answer of choice `index`: 12 to 31 words chosen by the prompt."""
    seed = _seed(json.dumps(body.get("messages"), sort_keys=True), index)
    count = 12 + seed % 20
    return [WORDS[(seed >> (i % 40)) % len(WORDS) if i % 7 else (seed + i) % len(WORDS)] for i in range(count)]


def example_for(schema) -> object:
    """A small instance of a JSON schema (objects, arrays, scalars, enums): for json_schema and tools."""
    if not isinstance(schema, dict):
        return {}
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object":
        props = schema.get("properties") or {}
        return {name: example_for(sub) for name, sub in props.items()}
    return {"array": [], "string": "alpha", "integer": 1, "number": 1.5, "boolean": True, "null": None}.get(kind, {})


def limit_of(body: dict, rules: Rules) -> int:
    """The output limit in force: what the request sent, else the documented default."""
    sent = [body[f] for f in ("max_completion_tokens", "max_tokens") if isinstance(body.get(f), (int, float))]
    return int(min(sent)) if sent else rules.default_limit


def choice_for(body: dict, index: int, rules: Rules) -> tuple[dict, int]:
    """(choice, completion tokens) for one choice, following the limit, reasoning and stop rules."""
    limit = limit_of(body, rules)
    reasoning = min(REASONING_TOKENS, limit) if rules.reasoning else 0
    message = {"role": "assistant", "content": "", "refusal": None}
    fmt = body.get("response_format") if isinstance(body.get("response_format"), dict) else {}
    tools = body.get("tools") if isinstance(body.get("tools"), list) else []
    if tools and body.get("tool_choice") != "none":
        function = (tools[0].get("function") or {}) if isinstance(tools[0], dict) else {}
        message["tool_calls"] = [{"id": f"call_{index}", "type": "function", "function": {
            "name": function.get("name", "tool"), "arguments": json.dumps(example_for(function.get("parameters")))}}]
        return {"index": index, "finish_reason": "tool_calls", "logprobs": None, "message": message}, reasoning + 5
    words = answer_words(body, index)
    visible, finish = _cut(words, limit - reasoning, body.get("stop"))
    if fmt.get("type") in ("json_object", "json_schema") and finish == "stop":
        schema = (fmt.get("json_schema") or {}).get("schema")
        message["content"] = json.dumps(example_for(schema) if schema else {"answer": " ".join(visible)})
    else:
        message["content"] = " ".join(visible)
    used = reasoning + len(visible) if finish == "stop" else limit
    return {"index": index, "finish_reason": finish, "logprobs": None, "message": message}, used


def _cut(words: list[str], room: int, stop) -> tuple[list[str], str]:
    """The words that fit, and why generation ended ("stop" or "length")."""
    stops = [stop] if isinstance(stop, str) else [s for s in stop if isinstance(s, str)] if isinstance(stop, list) else []
    text_so_far = ""
    for position, word in enumerate(words):
        if position >= room:  # the limit is spent first: a stop sequence can only end generated text
            return words[:max(room, 0)], "length"
        candidate = (text_so_far + " " + word).strip()
        if any(s and s in candidate for s in stops):
            return words[:position], "stop"
        text_so_far = candidate
    return words, "stop"


def completion(body: dict, model: str, rules: Rules) -> dict:
    """A whole chat.completion for a valid request."""
    n = body.get("n") if isinstance(body.get("n"), int) else 1
    choices, used = zip(*(choice_for(body, i, rules) for i in range(n)))
    prompt, completion_tokens = prompt_tokens(body), sum(used)
    reasoning = (min(REASONING_TOKENS, limit_of(body, rules)) * n) if rules.reasoning else 0
    return {"id": f"ref-{_seed(json.dumps(body, sort_keys=True)) % 10**10}", "object": "chat.completion",
            "created": int(time.time()), "model": model, "choices": list(choices),
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion_tokens,
                      "total_tokens": prompt + completion_tokens,
                      "completion_tokens_details": {"reasoning_tokens": reasoning}}}


def chunks_of(done: dict, include_usage: bool) -> list[dict]:
    """The stream a client would receive for a completion: role, words, finish, then usage if asked."""
    base = {"id": done["id"], "object": "chat.completion.chunk", "created": done["created"], "model": done["model"]}
    out = []
    for choice in done["choices"]:
        i, message = choice["index"], choice["message"]
        out.append({**base, "choices": [{"index": i, "delta": {"role": "assistant", "content": ""},
                                         "finish_reason": None}]})
        words = (message.get("content") or "").split(" ") if message.get("content") else []
        for position, word in enumerate(words):
            piece = word if position == 0 else " " + word
            out.append({**base, "choices": [{"index": i, "delta": {"content": piece}, "finish_reason": None}]})
        for call_index, call in enumerate(message.get("tool_calls") or []):
            out.append({**base, "choices": [{"index": i, "delta": {"tool_calls": [{**call, "index": call_index}]},
                                             "finish_reason": None}]})
        out.append({**base, "choices": [{"index": i, "delta": {}, "finish_reason": choice["finish_reason"]}]})
    if include_usage:
        out.append({**base, "choices": [], "usage": done["usage"]})
    return out
