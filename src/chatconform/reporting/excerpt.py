"""A short, scrubbed excerpt of an exchange's request and response, for a reviewer opening a summary cell.

Secrets are removed from the whole body before it is cut (a cut could otherwise leave half a key no
pattern recognises); long strings inside JSON are shortened so the structure (usage, finish_reason)
still fits; a stream keeps its first and last events.
"""

from __future__ import annotations

import json

from chatconform.recording.scrub import exchange_secrets, scrub_body, scrub_text

REQUEST, RESPONSE = 400, 700  # characters of each side kept in results.json
STRING = 80  # characters of one JSON string value
HEAD, TAIL = 3, 2  # events of a stream kept at each end


def excerpt(ex) -> dict:
    """{"request": "POST /path {...}", "response": "200 {...}"}: each side scrubbed, then cut."""
    secrets = exchange_secrets(ex)
    request = f"{ex.request.method} {ex.request.path} {_body(ex.request.body, secrets)}".rstrip()
    if ex.response is None:
        return {"request": _cut(request, REQUEST), "response": "(no response recorded)"}
    response = ex.response
    if response.is_event_stream:
        text = _stream(scrub_body(response.body, secrets))
    else:
        text = _body(response.body, secrets)
    kind = response.media_type or "no content-type"
    return {
        "request": _cut(request, REQUEST),
        "response": _cut(f"{response.status} {kind} {text}".rstrip(), RESPONSE),
    }


def _body(body, secrets) -> str:
    """A body as compact text: JSON with long strings shortened, anything else as (scrubbed) text."""
    clean = scrub_body(body, secrets)
    return _compact(
        clean.decode("utf-8", "replace") if isinstance(clean, (bytes, bytearray)) else str(clean or "")
    )


def _compact(text: str) -> str:
    """JSON text re-written compactly with long strings shortened; other text on one line."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return " ".join(text.split())
    try:
        return json.dumps(_short(value), ensure_ascii=False, separators=(",", ":"))
    except (ValueError, RecursionError):
        return " ".join(text.split())


def _short(value, depth: int = 0):
    """The JSON value with every long string cut to STRING characters (deep values elided)."""
    if depth > 20:
        return "…"
    if isinstance(value, str):
        return value if len(value) <= STRING else value[: STRING - 1] + "…"
    if isinstance(value, dict):
        return {k: _short(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_short(v, depth + 1) for v in value]
    return value


def _stream(body) -> str:
    """The data lines of a stream: the first HEAD and the last TAIL, with how many were left out."""
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else str(body or "")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith(":")]
    if len(lines) > HEAD + TAIL:
        lines = lines[:HEAD] + [f"… {len(lines) - HEAD - TAIL} more lines …"] + lines[-TAIL:]
    shown = [f"data: {_compact(line[5:].strip())}" if line.startswith("data:") else line for line in lines]
    return " ⏎ ".join(_cut(scrub_text(line), 200) for line in shown)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
