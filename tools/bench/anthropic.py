"""`make bench`, Anthropic part: generated Anthropic Messages interactions, whole and streamed, for verify.

Benchmark data in Anthropic's shape (not a provider's answers): a whole message, or its stream of named events
(message_start, one text block's start / deltas / stop, message_delta with the final usage, message_stop),
sent to a loopback host, so the dialect's own contract (Anthropic's spec) judges them as it would any gateway.
"""

from __future__ import annotations

import json

URL = "http://127.0.0.1:8080/v1/messages"
MODEL = "bench-model"
DELTAS = 3  # text deltas per streamed message


def message_interaction(index: int, streamed: bool = False) -> dict:
    """One valid Messages exchange as vcrpy writes it: a whole message, or its event stream."""
    request = {
        "model": MODEL,
        "max_tokens": 20,
        "messages": [{"role": "user", "content": f"Say {index}"}],
        **({"stream": True} if streamed else {}),
    }
    body, kind = (
        (_stream(index), "text/event-stream")
        if streamed
        else (json.dumps(_message(index)), "application/json")
    )
    # fresh header lists per interaction: a shared object would be dumped as a YAML alias, which no recorded
    # cassette has (and which sends verify's reader to SafeLoader)
    headers = {"Content-Type": ["application/json"], "anthropic-version": ["2023-06-01"]}
    return {
        "request": {"method": "POST", "uri": URL, "body": json.dumps(request), "headers": headers},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": [kind]},
            "body": {"string": body},
        },
    }


def _message(index: int, text: str | None = None, content: bool = True) -> dict:
    return {
        "id": f"msg_bench{index}",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [{"type": "text", "text": text if text is not None else f"{index}"}] if content else [],
        "stop_reason": "end_turn" if content else None,
        "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": DELTAS if content else 1},
    }


def _stream(index: int) -> str:
    """The named events of one streamed message whose text is DELTAS parts."""
    events = [
        ("message_start", {"type": "message_start", "message": _message(index, content=False)}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
    ]
    events += [
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": f"{index}-{n} "},
            },
        )
        for n in range(DELTAS)
    ]
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": DELTAS},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
