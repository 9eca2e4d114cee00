"""OpenAI chat completions as the reference serves them: a chat.completion, or its chunks ended by [DONE]."""

from __future__ import annotations

import json
import time

from chatconform.dialects import dialect_named
from chatconform.refserver._behaviour_faults import BEHAVIOUR
from chatconform.refserver._contract import error_body, judging_operation, problems
from chatconform.refserver._faults import CHAT
from chatconform.refserver._generate import (
    REASONING_TOKENS,
    answer_words,
    cut,
    example_for,
    logprobs_of,
    prompt_tokens,
    seed_id,
    stops_of,
)
from chatconform.refserver._reading import Rules, trim
from chatconform.refserver._reply import Call, Reply, transport_fault
from chatconform.refserver._sampler import GREEDY, Sampling, sampling

DIALECT = dialect_named("openai-chat")
DONE = b"data: [DONE]\n\n"
_ERRORS = {
    400: ("invalid_request_error", "invalid_parameter"),
    401: ("authentication_error", "unauthorized"),
    404: ("not_found", "not_found"),
    429: ("rate_limit", "rate_limited"),
    500: ("server_error", "internal"),
}


def envelope(status: int, message: str) -> dict:
    """OpenAI's error object for a status."""
    return error_body(message, *_ERRORS.get(status, ("server_error", "internal")))


def serve(call: Call) -> Reply:
    """A chat request answered: refused when invalid, else a completion (whole or streamed), faults
    applied."""
    faults, body, contract = call.faults, call.body, call.contract
    found = problems(contract, call.path, body, call.store)
    if found and "accept-invalid" not in faults:
        if "invalid-500" in faults:
            return Reply(500, envelope(500, "internal error"))
        payload = envelope(400, "; ".join(found))
        return Reply(400, [payload] if "error-array" in faults else payload)
    if not found and "reject-minimal" in faults and set(body) == {"model", "messages"}:
        return Reply(400, envelope(400, "max_tokens is required"))
    fault = transport_fault(CHAT.transports(faults), envelope)
    if fault is not None:
        return fault
    model = contract.model_of(body)
    done = completion({**body, "model": model}, model, contract.rules(model), sampling(body, call.nonce))
    spec, op = judging_operation(contract, DIALECT, call.path, model, call.store)
    trim(spec, op, done)
    CHAT.apply(faults, body, done)
    BEHAVIOUR.apply(faults, body, done)
    if call.streamed:
        return Reply(events=_events(body, done, faults))
    return Reply(_ok_status(call), done, mangle=faults)


def _ok_status(call: Call) -> int:
    """The 2xx the spec documents: 201 where that is all it documents (one of AIML's specs does)."""
    spec = call.store.spec_or_none(call.contract.provider, call.contract.model_of(call.body))
    op = spec.find_operation("post", call.path) if spec else None
    documented = [int(k) for k in (op.responses if op else {}) if k.isdigit() and k.startswith("2")]
    return 200 if not documented or 200 in documented else min(documented)


def _events(body: dict, done: dict, faults) -> list[bytes]:
    options = body["stream_options"] if isinstance(body.get("stream_options"), dict) else {}
    chunks = chunks_of(done, options.get("include_usage") is True)
    CHAT.apply(faults, body, done, chunks)
    events = [f"data: {json.dumps(c)}\n\n".encode() for c in chunks]
    if "no-done" not in faults:
        events.append(DONE)
    if "truncated-stream" in faults:
        events = [e for e in events if e != DONE] + [b'data: {"id": "ref", "choi']
    if "stream-invalid-utf8" in faults:
        events.insert(1, b": keep-alive \xff\xfe\n\n")
    return events


def limit_of(body: dict, rules: Rules) -> int:
    """The output limit in force: what the request sent, else the documented default."""
    sent = [body[f] for f in ("max_completion_tokens", "max_tokens") if isinstance(body.get(f), (int, float))]
    return int(min(sent)) if sent else rules.default_limit


def choice_for(body: dict, index: int, rules: Rules, how: Sampling = GREEDY) -> tuple[dict, int]:
    """(choice, completion tokens) for one choice, following the limit, reasoning, stop and sampling rules."""
    limit = limit_of(body, rules)
    reasoning = min(REASONING_TOKENS, limit) if rules.reasoning else 0
    message: dict[str, object] = {"role": "assistant", "content": "", "refusal": None}
    tools = body["tools"] if isinstance(body.get("tools"), list) else []
    if tools and body.get("tool_choice") != "none":
        function = (tools[0].get("function") or {}) if isinstance(tools[0], dict) else {}
        message["tool_calls"] = [
            {
                "id": f"call_{index}",
                "type": "function",
                "function": {
                    "name": function.get("name", "tool"),
                    "arguments": json.dumps(example_for(function.get("parameters"))),
                },
            }
        ]
        return {
            "index": index,
            "finish_reason": "tool_calls",
            "logprobs": None,
            "message": message,
        }, reasoning + 5
    words = answer_words(body, index, how=how)
    formatted = _formatted(body, words)  # a JSON format constrains the whole answer: its words are the JSON's
    visible, why, _ = cut(formatted or words, limit - reasoning, stops_of(body.get("stop")))
    message["content"] = " ".join(visible)
    finish = "length" if why == "length" else "stop"
    used = reasoning + len(visible) if finish == "stop" else limit
    top = body["top_logprobs"] if isinstance(body.get("top_logprobs"), int) else 0
    logprobs = (
        {"content": logprobs_of(body, index, visible, top, prose=formatted is None), "refusal": None}
        if body.get("logprobs") is True
        else None
    )
    return {"index": index, "finish_reason": finish, "logprobs": logprobs, "message": message}, used


def _formatted(body: dict, words: list[str]) -> list[str] | None:
    """The words of the JSON a response_format asks for (None: no JSON format)."""
    fmt = body["response_format"] if isinstance(body.get("response_format"), dict) else {}
    if fmt.get("type") not in ("json_object", "json_schema"):
        return None
    named = fmt["json_schema"] if isinstance(fmt.get("json_schema"), dict) else {}
    schema = named.get("schema")
    return json.dumps(example_for(schema) if schema else {"answer": " ".join(words)}).split(" ")


def completion(body: dict, model: str | None, rules: Rules, how: Sampling = GREEDY) -> dict:
    """A whole chat.completion for a valid request."""
    n = body["n"] if isinstance(body.get("n"), int) else 1
    choices, used = zip(*(choice_for(body, i, rules, how) for i in range(n)), strict=True)
    prompt, completion_tokens = prompt_tokens(body), sum(used)
    reasoning = (min(REASONING_TOKENS, limit_of(body, rules)) * n) if rules.reasoning else 0
    return {
        "id": seed_id("ref-", body),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": list(choices),
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt + completion_tokens,
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        },
    }


def chunks_of(done: dict, include_usage: bool) -> list[dict]:
    """The stream a client would receive for a completion: role, words, finish, then usage if asked."""
    base = {
        "id": done["id"],
        "object": "chat.completion.chunk",
        "created": done["created"],
        "model": done["model"],
    }
    out = []
    for choice in done["choices"]:
        i, message = choice["index"], choice["message"]
        out.append(
            {
                **base,
                "choices": [
                    {"index": i, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
                ],
            }
        )
        words = (message.get("content") or "").split(" ") if message.get("content") else []
        tokens = (choice.get("logprobs") or {}).get("content") or []
        for position, word in enumerate(words):
            piece = word if position == 0 else " " + word
            streamed = {"index": i, "delta": {"content": piece}, "finish_reason": None}
            if position < len(tokens):  # each piece with its own log probability, as OpenAI streams them
                streamed["logprobs"] = {"content": [tokens[position]], "refusal": None}
            out.append({**base, "choices": [streamed]})
        for call_index, call in enumerate(message.get("tool_calls") or []):
            out.append(
                {
                    **base,
                    "choices": [
                        {
                            "index": i,
                            "delta": {"tool_calls": [{**call, "index": call_index}]},
                            "finish_reason": None,
                        }
                    ],
                }
            )
        out.append({**base, "choices": [{"index": i, "delta": {}, "finish_reason": choice["finish_reason"]}]})
    if include_usage:
        out.append({**base, "choices": [], "usage": done["usage"]})
    return out
