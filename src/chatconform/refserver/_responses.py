"""OpenAI Responses as the reference serves them: a Response whole or as its response.* events with sequence
numbers, max_output_tokens honoured (status incomplete), function_call items, errors in OpenAI's envelope."""

from __future__ import annotations

import json
import time

from chatconform.dialects import dialect_named
from chatconform.refserver._chat import envelope
from chatconform.refserver._contract import schema_problems
from chatconform.refserver._generate import answer_words, cut, example_for, prompt_tokens, seed_id
from chatconform.refserver._reply import Call, Reply, answered, transport_fault
from chatconform.refserver._responses_faults import BROKEN_ENVELOPE, RESPONSES
from chatconform.refserver._sampler import GREEDY, Sampling, sampling

DIALECT = dialect_named("openai-responses")
TOOL_TOKENS = 5  # what a function_call item costs
UNLIMITED = 1 << 20  # no max_output_tokens: every answer is shorter


def serve(call: Call) -> Reply:
    """A Responses request answered (or an input token count), refused in OpenAI's envelope when invalid."""
    found = problems(call.body) or schema_problems(call.contract, DIALECT, call.path, call.body, call.store)
    if found:
        broken = BROKEN_ENVELOPE in RESPONSES.transports(call.faults)  # a bare message (a fault)
        return Reply(400, {"message": "; ".join(found)} if broken else envelope(400, "; ".join(found)))
    fault = transport_fault(RESPONSES.transports(call.faults), envelope)
    if fault is not None:
        return fault
    if not DIALECT.is_generation(call.path):
        return Reply(200, {"object": "response.input_tokens", "input_tokens": _input_tokens(call.body)})
    how = sampling(call.body, call.nonce, seed=False, top_k=False)
    return answered(call, RESPONSES, response(call.body, how), events_of)


def problems(body: dict) -> list[str]:
    """What the schema does not say and a Responses request still needs: a model, a positive output limit."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        return ["`model` is required"]
    limit = body.get("max_output_tokens")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        return ["max_output_tokens must be an integer >= 1"]
    return []


def _input_tokens(body: dict) -> int:
    return prompt_tokens(body, "input", "instructions")


def _tool_to_call(body: dict) -> str | None:
    """The offered function the answer calls: the one tool_choice names, else the first (none for "none")."""
    tools, choice = DIALECT.offered_tools(body), body.get("tool_choice")
    if not tools or choice == "none":
        return None
    named = choice.get("name") if isinstance(choice, dict) else None
    return named if named in tools else next(iter(tools))


def response(body: dict, how: Sampling = GREEDY) -> dict:
    """A whole Response: a function_call item when a function is offered, else one message item (JSON when
    text.format asks for it)."""
    limit = body["max_output_tokens"] if isinstance(body.get("max_output_tokens"), int) else UNLIMITED
    tool, incomplete = _tool_to_call(body), None
    items: list[dict[str, object]]
    if tool is not None and TOOL_TOKENS <= limit:
        arguments = json.dumps(example_for(DIALECT.offered_tools(body)[tool]))
        items = [
            {
                "type": "function_call",
                "id": "fc_ref_0",
                "call_id": "call_ref_0",
                "name": tool,
                "arguments": arguments,
                "status": "completed",
            }
        ]
        used = TOOL_TOKENS
    else:
        words, why, _ = cut(_formatted(body) or answer_words(body, 0, "input", how), limit, [])
        incomplete = {"reason": "max_output_tokens"} if why == "length" else None
        part = {"type": "output_text", "text": " ".join(words), "annotations": [], "logprobs": []}
        items = [
            {
                "type": "message",
                "id": "msg_ref_0",
                "status": "incomplete" if incomplete else "completed",
                "role": "assistant",
                "content": [part],
            }
        ]
        used = len(words)
    prompt = _input_tokens(body)
    usage = {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": used,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": prompt + used,
    }
    return {
        **_echo(body),
        "id": seed_id("resp_ref", body),
        "object": "response",
        "created_at": int(time.time()),
        "status": "incomplete" if incomplete else "completed",
        "error": None,
        "incomplete_details": incomplete,
        "output": items,
        "usage": usage,
    }


def _formatted(body: dict) -> list[str] | None:
    """The words of the JSON a text.format asks for (None: text)."""
    text = body["text"] if isinstance(body.get("text"), dict) else {}
    fmt = text["format"] if isinstance(text.get("format"), dict) else {}
    if fmt.get("type") == "json_schema":
        return json.dumps(example_for(fmt.get("schema"))).split(" ")
    if fmt.get("type") == "json_object":
        return json.dumps({"answer": " ".join(answer_words(body, 0, "input"))}).split(" ")
    return None


def _echo(body: dict) -> dict:
    """The request's settings as a Response repeats them (their documented defaults where none was sent)."""
    return {
        "model": body["model"],
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "metadata": body.get("metadata") or {},
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": None,
        "reasoning": None,
        "temperature": body.get("temperature", 1.0),
        "top_p": body.get("top_p", 1.0),
        "text": body.get("text") or {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools") or [],
        "truncation": "disabled",
    }


def events_of(answer: dict) -> list[dict]:
    """response.created, .in_progress, each item's events, .completed (or .incomplete), numbered from 0."""
    running = {k: v for k, v in answer.items() if k != "usage"}  # nothing is counted yet: no usage
    running.update(status="in_progress", output=[], incomplete_details=None)
    out = [
        {"type": "response.created", "response": running},
        {"type": "response.in_progress", "response": running},
    ]
    for index, item in enumerate(answer["output"]):
        out += _item_events(index, item)
    out.append(
        {
            "type": f"response.{'incomplete' if answer['status'] == 'incomplete' else 'completed'}",
            "response": answer,
        }
    )
    return [{**event, "sequence_number": number} for number, event in enumerate(out)]


def _item_events(index: int, item: dict) -> list[dict]:
    """output_item.added, the item's parts and deltas, output_item.done."""
    opened = {**item, "status": "in_progress"}
    where = {"item_id": item["id"], "output_index": index}
    if item["type"] == "function_call":
        text = item["arguments"]
        inner = [
            {"type": "response.function_call_arguments.delta", **where, "delta": piece}
            for piece in (text[: len(text) // 2], text[len(text) // 2 :])
        ]
        inner.append(
            {
                "type": "response.function_call_arguments.done",
                **where,
                "name": item["name"],
                "arguments": text,
            }
        )
        opened["arguments"] = ""
    else:
        opened["content"] = []
        inner = []
        for number, part in enumerate(item["content"]):
            inner += _part_events({**where, "content_index": number}, part)
    return [
        {"type": "response.output_item.added", "output_index": index, "item": opened},
        *inner,
        {"type": "response.output_item.done", "output_index": index, "item": item},
    ]


def _part_events(where: dict, part: dict) -> list[dict]:
    words = part["text"].split(" ") if part["text"] else []
    return [
        {"type": "response.content_part.added", **where, "part": {**part, "text": ""}},
        *(
            {"type": "response.output_text.delta", **where, "delta": w if n == 0 else " " + w, "logprobs": []}
            for n, w in enumerate(words)
        ),
        {"type": "response.output_text.done", **where, "text": part["text"], "logprobs": []},
        {"type": "response.content_part.done", **where, "part": part},
    ]
