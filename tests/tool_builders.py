"""Tool-call exchanges in each dialect, built by hand (our own test data, never presented as a provider's).

Each builder takes the calls an answer makes as (name, arguments JSON text) pairs, so one test case reads the
same in chat, Anthropic Messages and Responses.
"""

import json

from chatconform.model.exchange import Exchange, Request, Response

URLS = {
    "chat": "https://api.openai.com/v1/chat/completions",
    "messages": "https://api.anthropic.com/v1/messages",
    "responses": "https://api.openai.com/v1/responses",
}
DIALECTS = tuple(URLS)
WEATHER = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
    "required": ["city"],
}
TIME = {"type": "object", "properties": {"timezone": {"type": "string"}}, "required": ["timezone"]}


def tools(dialect: str, strict: bool = False) -> list[dict]:
    """get_weather and get_time, offered in the dialect's shape."""
    offered = [("get_weather", WEATHER), ("get_time", TIME)]
    if dialect == "chat":
        return [
            {
                "type": "function",
                "function": {"name": n, "parameters": s, **({"strict": True} if strict else {})},
            }
            for n, s in offered
        ]
    if dialect == "messages":
        return [{"name": n, "input_schema": s} for n, s in offered]
    return [{"type": "function", "name": n, "parameters": s, "strict": strict} for n, s in offered]


def request(dialect: str, choice=None, single=False, strict=False, stream=False, limit=100) -> dict:
    """A request offering the two tools, with a tool_choice in shared words (auto, none, required, a name)."""
    body: dict = {"model": "m", "tools": tools(dialect, strict)}
    if dialect == "chat":
        body.update(messages=[{"role": "user", "content": "Weather in Paris?"}], max_tokens=limit)
        if choice:
            body["tool_choice"] = (
                choice
                if choice in ("auto", "none", "required")
                else {"type": "function", "function": {"name": choice}}
            )
        if single:
            body["parallel_tool_calls"] = False
    elif dialect == "messages":
        body.update(messages=[{"role": "user", "content": "Weather in Paris?"}], max_tokens=limit)
        kind = {None: None, "auto": "auto", "required": "any"}.get(choice, "tool")
        if kind or single:
            body["tool_choice"] = {
                "type": kind or "auto",
                **({"name": choice} if kind == "tool" else {}),
                **({"disable_parallel_tool_use": True} if single else {}),
            }
    else:
        body.update(input="Weather in Paris?", max_output_tokens=limit)
        if choice:
            body["tool_choice"] = (
                choice if choice in ("auto", "none", "required") else {"type": "function", "name": choice}
            )
        if single:
            body["parallel_tool_calls"] = False
    if stream:
        body["stream"] = True
    return body


def answer(dialect: str, calls, text: str | None = None, stopped: str = "end", used: int = 10) -> dict:
    """A whole answer making `calls` [(name, arguments JSON)]; stopped "end" or "length"."""
    if dialect == "chat":
        message = {
            "role": "assistant",
            "content": text,
            **(
                {
                    "tool_calls": [
                        {"id": f"call_{n}", "type": "function", "function": {"name": name, "arguments": args}}
                        for n, (name, args) in enumerate(calls)
                    ]
                }
                if calls
                else {}
            ),
        }
        finish = "length" if stopped == "length" else ("tool_calls" if calls else "stop")
        return {
            "id": "x",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "finish_reason": finish, "message": message, "logprobs": None}],
            "usage": {"prompt_tokens": 5, "completion_tokens": used, "total_tokens": 5 + used},
        }
    if dialect == "messages":
        blocks = ([{"type": "text", "text": text}] if text else []) + [
            {"type": "tool_use", "id": f"toolu_{n}", "name": name, "input": json.loads(args)}
            for n, (name, args) in enumerate(calls)
        ]
        reason = "max_tokens" if stopped == "length" else ("tool_use" if calls else "end_turn")
        return {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "m",
            "content": blocks,
            "stop_reason": reason,
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": used},
        }
    output = (
        [
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ]
        if text
        else []
    ) + [
        {
            "type": "function_call",
            "id": f"fc_{n}",
            "call_id": f"call_{n}",
            "name": name,
            "arguments": args,
            "status": "completed",
        }
        for n, (name, args) in enumerate(calls)
    ]
    incomplete = stopped == "length"
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "m",
        "output": output,
        "status": "incomplete" if incomplete else "completed",
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "usage": {"input_tokens": 5, "output_tokens": used, "total_tokens": 5 + used},
    }


def exchange(dialect: str, body: dict, response, provenance=None) -> Exchange:
    """An exchange of the dialect: a dict response is a JSON body, a list of events an event stream."""
    if isinstance(response, list):
        data, kind = stream_bytes(dialect, response), "text/event-stream"
    else:
        data, kind = json.dumps(response).encode(), "application/json"
    request_ = Request("POST", URLS[dialect], {"content-type": "application/json"}, json.dumps(body).encode())
    return Exchange(
        request_,
        Response(200, {"content-type": kind}, data),
        provider="openai-compatible",
        model="m",
        label="test",
        provenance=dict(provenance or {}),
    )


def stream_bytes(dialect: str, events: list[dict]) -> bytes:
    """Events as an SSE body: chat's data lines ended by [DONE], the others named by their type."""
    if dialect == "chat":
        return b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def chat_chunk(calls=None, finish=None, usage=None) -> dict:
    """One chat chunk whose delta carries these tool_calls entries (as given: index, id, function...)."""
    delta = {"tool_calls": calls} if calls else {}
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    if usage:
        chunk["usage"] = usage
    return chunk


def chat_stream(calls) -> list[dict]:
    """A conventional chat stream of calls [(name, arguments JSON)], each call's arguments in two pieces."""
    out = []
    for n, (name, args) in enumerate(calls):
        half = len(args) // 2
        out.append(
            chat_chunk(
                [
                    {
                        "index": n,
                        "id": f"call_{n}",
                        "type": "function",
                        "function": {"name": name, "arguments": ""},
                    }
                ]
            )
        )
        out += [
            chat_chunk([{"index": n, "function": {"arguments": part}}]) for part in (args[:half], args[half:])
        ]
    return out + [chat_chunk(finish="tool_calls")]


def messages_stream(calls) -> list[dict]:
    """A conventional Anthropic stream of tool_use blocks, each input in two input_json_delta pieces."""
    out = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "m",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 5, "output_tokens": 1},
            },
        }
    ]
    for n, (name, args) in enumerate(calls):
        half = len(args) // 2
        out.append(
            {
                "type": "content_block_start",
                "index": n,
                "content_block": {"type": "tool_use", "id": f"toolu_{n}", "name": name, "input": {}},
            }
        )
        out += [
            {
                "type": "content_block_delta",
                "index": n,
                "delta": {"type": "input_json_delta", "partial_json": p},
            }
            for p in (args[:half], args[half:])
        ]
        out.append({"type": "content_block_stop", "index": n})
    return out + [
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use", "stop_sequence": None},
            "usage": {"output_tokens": 10},
        },
        {"type": "message_stop"},
    ]


def responses_stream(calls) -> list[dict]:
    """A conventional Responses stream of function_call items, each's arguments in two deltas."""
    final = answer("responses", calls)
    out: list[dict] = [
        {"type": "response.created", "response": {**final, "status": "in_progress", "output": []}}
    ]
    for n, (name, args) in enumerate(calls):
        item = {
            "type": "function_call",
            "id": f"fc_{n}",
            "call_id": f"call_{n}",
            "name": name,
            "status": "in_progress",
        }
        half = len(args) // 2
        out.append(
            {"type": "response.output_item.added", "output_index": n, "item": {**item, "arguments": ""}}
        )
        out += [
            {
                "type": "response.function_call_arguments.delta",
                "output_index": n,
                "item_id": f"fc_{n}",
                "delta": p,
            }
            for p in (args[:half], args[half:])
        ]
        out.append(
            {
                "type": "response.function_call_arguments.done",
                "output_index": n,
                "item_id": f"fc_{n}",
                "name": name,
                "arguments": args,
            }
        )
        out.append(
            {
                "type": "response.output_item.done",
                "output_index": n,
                "item": {**item, "arguments": args, "status": "completed"},
            }
        )
    out.append({"type": "response.completed", "response": final})
    return [{**e, "sequence_number": i} for i, e in enumerate(out)]


STREAMS = {"chat": chat_stream, "messages": messages_stream, "responses": responses_stream}
