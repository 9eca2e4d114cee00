"""A key a server echoes over several stream events: no event holds it, the text they add up to does.

A client assembles a streamed answer by joining each field's pieces in event order (`choices[0].delta.content`
of every chunk, `delta.text` of Anthropic's deltas, the raw text of non-JSON `data:` lines). So the pieces of
each field are joined here the same way, every known secret is looked for in the joined text, and each piece
that holds part of one has that part redacted.
"""

from __future__ import annotations

import json
from bisect import bisect_right

from chatconform.recording.keys import REDACTED, parse_json

_RAW = (None,)  # the group of `data:` lines that are not JSON objects or arrays (no JSON path is this)


def redact_split(text: str, secrets) -> str:
    """An event stream with every secret its events spell only together redacted in each piece of it."""
    if not secrets or "data:" not in text:
        return text
    lines = text.splitlines(keepends=True)
    payloads: dict[int, object] = {}  # line index -> its parsed JSON payload (or its raw text)
    groups: dict[tuple, list[tuple[int, str]]] = {}  # field path -> [(line index, piece)] in event order
    for index, line in enumerate(lines):
        if not line.startswith("data:"):
            continue
        payload = line.rstrip("\r\n")[5:].lstrip(" ")
        value = parse_json(payload)
        if isinstance(value, (dict, list)):
            payloads[index] = value
            for path, piece in _strings(value):
                groups.setdefault(path, []).append((index, piece))
        else:
            payloads[index] = payload
            groups.setdefault(_RAW, []).append((index, payload))
    changed: set[int] = set()
    for path, pieces in groups.items():
        if len(pieces) > 1:
            for (index, _), new in _redacted(pieces, secrets):
                _put(payloads, index, path, new)
                changed.add(index)
    for index in changed:
        ending = lines[index][len(lines[index].rstrip("\r\n")) :]
        value = payloads[index]
        body = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines[index] = f"data: {body}{ending}"
    return "".join(lines) if changed else text


def _strings(value):
    """(path, text) of every string in a JSON value, in document order (iterative: no depth limit)."""
    stack = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, dict):
            stack.extend(((*path, k), v) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(item))))


def _redacted(pieces: list[tuple[int, str]], secrets) -> list[tuple[tuple[int, str], str]]:
    """(piece, its new text) for each piece holding part of a secret that spans two pieces or more."""
    joined = "".join(piece for _, piece in pieces)
    starts, at = [], 0
    for _, piece in pieces:
        starts.append(at)
        at += len(piece)
    cut: dict[int, list[tuple[int, int]]] = {}  # piece number -> (start, end) within it to redact
    for secret in secrets:
        found = joined.find(secret)
        while found >= 0:
            end = found + len(secret)
            first = _piece_at(starts, found)
            if _piece_at(starts, end - 1) != first:  # inside one piece, the ordinary scrubbing removes it
                for number in range(first, _piece_at(starts, end - 1) + 1):
                    lo, hi = max(found, starts[number]), min(end, starts[number] + len(pieces[number][1]))
                    cut.setdefault(number, []).append((lo - starts[number], hi - starts[number]))
            found = joined.find(secret, found + 1)
    return [(pieces[n], _cut(pieces[n][1], spans)) for n, spans in cut.items()]


def _piece_at(starts: list[int], offset: int) -> int:
    """The number of the piece that holds the joined text's character at `offset`."""
    return bisect_right(starts, offset) - 1


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span (merged where they overlap) replaced by the redaction mark."""
    merged: list[list[int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    out, last = [], 0
    for lo, hi in merged:
        out += [text[last:lo], REDACTED]
        last = hi
    return "".join(out) + text[last:]


def _put(payloads: dict, index: int, path: tuple, new: str) -> None:
    """Set the string at `path` in the payload of line `index` (the whole payload for a raw line)."""
    if path == _RAW and isinstance(payloads[index], str):
        payloads[index] = new
        return
    holder = payloads[index]
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = new
