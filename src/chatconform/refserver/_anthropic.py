"""Anthropic Messages as the reference serves them: a Message whole or as its named events, count_tokens, and
every error in Anthropic's envelope (https://docs.anthropic.com/en/api/messages, /streaming, /errors)."""

from __future__ import annotations

import json

from chatconform.dialects import dialect_named
from chatconform.refserver._anthropic_faults import ACCEPT_INVALID, ANTHROPIC, BROKEN_ENVELOPE
from chatconform.refserver._contract import judging_operation, schema_problems
from chatconform.refserver._generate import answer_words, cut, example_for, prompt_tokens, seed_id, stops_of
from chatconform.refserver._reading import fits
from chatconform.refserver._reply import Call, Reply, answered, transport_fault
from chatconform.refserver._sampler import GREEDY, Sampling, sampling

DIALECT = dialect_named("anthropic-messages")
TOOL_TOKENS = 5  # what a tool_use block costs (its input is a small example of the offered schema)
ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def envelope(status: int, message: str) -> dict:
    """Anthropic's error body: {"type": "error", "error": {"type", "message"}}."""
    return {
        "type": "error",
        "error": {
            "type": ERRORS.get(status, "api_error" if status >= 500 else "invalid_request_error"),
            "message": message,
        },
    }


def serve(call: Call) -> Reply:
    """A Messages request (or a token count) answered, refused in Anthropic's envelope when invalid."""
    counting = not DIALECT.is_generation(call.path)
    found = problems(call.body, counting) or schema_problems(
        call.contract, DIALECT, call.path, call.body, call.store
    )
    if found and ACCEPT_INVALID not in ANTHROPIC.transports(call.faults):
        broken = BROKEN_ENVELOPE in ANTHROPIC.transports(call.faults)  # OpenAI's object instead (a fault)
        said = "; ".join(found)
        return Reply(400, {"error": {"message": said}} if broken else envelope(400, said))
    fault = transport_fault(ANTHROPIC.transports(call.faults), envelope)
    if fault is not None:
        return fault
    if counting:
        return Reply(200, {"input_tokens": _input_tokens(call.body)})
    how = sampling(call.body, call.nonce, seed=False)
    answer = message(call.body, how=how)
    spec, op = judging_operation(call.contract, DIALECT, call.path, call.body.get("model"), call.store)
    if not fits(spec, op, answer):  # a contract without tool_use blocks (ModelsLab's) is answered in text
        answer = message(call.body, tools=False, how=how)
    return answered(call, ANTHROPIC, answer, events_of)


def problems(body: dict, counting: bool = False) -> list[str]:
    """What makes a Messages request invalid: model, messages (and max_tokens, to generate) required."""
    missing = [k for k in ("model", "messages", *(() if counting else ("max_tokens",))) if k not in body]
    if missing:
        return [f"missing {', '.join(missing)}"]
    if counting:
        return []
    limit = body["max_tokens"]
    # JSON Schema's integer includes 1.0; bool is not a number here
    if (
        isinstance(limit, bool)
        or not isinstance(limit, (int, float))
        or not float(limit).is_integer()
        or limit < 1
    ):
        return ["max_tokens must be an integer >= 1"]
    temperature = body.get("temperature", 1)
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float))
        or not 0 <= temperature <= 1
    ):
        return ["temperature must be between 0 and 1 on this endpoint"]
    return []


def _input_tokens(body: dict) -> int:
    return prompt_tokens(body) + sum(len(json.dumps(t).split()) for t in _tools(body).values())


def _tools(body: dict) -> dict[str, dict]:
    return DIALECT.offered_tools(body) if isinstance(body.get("tools"), list) else {}


def _tool_to_call(body: dict) -> str | None:
    """The offered tool the answer calls: the one tool_choice names, else the first (none for "none")."""
    tools, choice = _tools(body), body["tool_choice"] if isinstance(body.get("tool_choice"), dict) else {}
    if not tools or choice.get("type") == "none":
        return None
    named = choice.get("name") if choice.get("type") == "tool" else None
    return named if named in tools else next(iter(tools))


def message(body: dict, tools: bool = True, how: Sampling = GREEDY) -> dict:
    """A whole Message for a valid request: a tool_use block when a tool is offered (and allowed), else
    text."""
    limit, tool = int(body["max_tokens"]), _tool_to_call(body) if tools else None
    stop_sequence = None
    if tool is not None and TOOL_TOKENS <= limit:
        content = [
            {"type": "tool_use", "id": "toolu_ref_0", "name": tool, "input": example_for(_tools(body)[tool])}
        ]
        reason, used = "tool_use", TOOL_TOKENS
    else:
        stops = stops_of(body.get("stop_sequences"))
        words, why, stop_sequence = cut(answer_words(body, 0, how=how), limit, stops)
        content = [{"type": "text", "text": " ".join(words)}]
        reason, used = {"length": "max_tokens", "stop": "end_turn"}.get(why, why), len(words)
    return {
        "id": seed_id("msg_ref", body),
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": reason,
        "stop_sequence": stop_sequence,
        "usage": {
            "input_tokens": _input_tokens(body),
            "output_tokens": used,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def events_of(answer: dict) -> list[dict]:
    """A Message's named events: message_start, each block's start/deltas/stop, message_delta,
    message_stop."""
    usage = answer["usage"]
    start = {
        **answer,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**usage, "output_tokens": min(1, usage["output_tokens"])},
    }
    out = [{"type": "message_start", "message": start}]
    for index, block in enumerate(answer["content"]):
        out += _block_events(index, block)
        if index == 0:
            out.append({"type": "ping"})  # as Anthropic's streams do, after the first block opens
    out.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": answer["stop_reason"], "stop_sequence": answer["stop_sequence"]},
            "usage": {"input_tokens": usage["input_tokens"], "output_tokens": usage["output_tokens"]},
        }
    )
    out.append({"type": "message_stop"})
    return out


def _block_events(index: int, block: dict) -> list[dict]:
    """content_block_start (the block empty), its text_delta or input_json_delta deltas,
    content_block_stop."""
    if block["type"] == "tool_use":
        text = json.dumps(block["input"])
        opened, pieces = {**block, "input": {}}, [text[: len(text) // 2], text[len(text) // 2 :]]
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in pieces]
    else:
        words = block["text"].split(" ") if block["text"] else []
        opened = {**block, "text": ""}
        deltas = [{"type": "text_delta", "text": w if n == 0 else " " + w} for n, w in enumerate(words)]
    return [
        {"type": "content_block_start", "index": index, "content_block": opened},
        *({"type": "content_block_delta", "index": index, "delta": d} for d in deltas),
        {"type": "content_block_stop", "index": index},
    ]
