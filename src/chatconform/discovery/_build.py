"""One page example -> one vcrpy interaction and its provenance, as the page shows it and nothing more."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from chatconform.discovery._calls import Call, as_json, read_call
from chatconform.discovery._examples import Example, Printed
from chatconform.discovery._literals import NotLiteral, printed_value

CREATED_BY = "chatconform catalog examples"
_REASONS = {200: "OK", 201: "Created", 202: "Accepted"}


@dataclass
class Built:
    """What one example became: its kind, the tab its request came from, the response it prints."""

    example: Example
    kind: str  # "chat", "responses" (both judged), "not-judged", "other" or "unreadable"
    calls: dict[str, Call] = field(default_factory=dict)  # tab title -> what it sends
    primary: str = ""  # the tab the request is taken from
    response: str = "none"  # printed | stream | empty | text | none
    body: str | None = None  # response body text
    notes: list[str] = field(default_factory=list)

    @property
    def call(self) -> Call:
        """What the tab the request is taken from sends."""
        return self.calls[self.primary]

    def tab_models(self) -> dict[str, object]:
        """The model each readable tab sends."""
        return {
            t: c.body.get("model")
            for t, c in self.calls.items()
            if not c.problem and isinstance(c.body, dict)
        }

    def tab_differences(self) -> list[str]:
        """Top-level request fields the readable tabs do not agree on (present in one, or different)."""
        bodies = [c.body for c in self.calls.values() if not c.problem and isinstance(c.body, dict)]
        keys = sorted({k for b in bodies for k in b})
        return [k for k in keys if len({json.dumps(b.get(k), sort_keys=True) for b in bodies}) > 1]


def build(example: Example, endpoints, not_judged, responses=()) -> Built:
    """Read every tab, pick the first readable one (page order), and the first printed response."""
    calls = {tab.title or tab.language: read_call(tab.language, tab.code) for tab in example.tabs}
    usable = [t for t, c in calls.items() if not c.problem and c.url and isinstance(c.body, dict)]
    built = Built(example, "unreadable", calls)
    if not usable:
        return built
    built.primary = usable[0]
    path = urlsplit(built.call.url).path.rstrip("/")
    built.kind = (
        "chat"
        if any(path.endswith(e) for e in endpoints)
        else "responses"
        if any(path.endswith(r) for r in responses)
        else "not-judged"
        if any(path.endswith(p) for p in not_judged)
        else "other"
    )
    for title, call in calls.items():
        built.notes += [f"{title} tab: {n}" for n in call.notes]
        if call.problem:
            built.notes.append(f"{title} tab not used: {call.problem}")
    _response(built, example.responses)
    return built


def _response(built: Built, printed: list[Printed]) -> None:
    """The body the page prints under Response, or why there is none."""
    if not printed:
        built.notes.append("the page prints no response for this example")
        return
    if len(printed) > 1:
        built.notes.append(
            f"the page prints {len(printed)} responses for this example; the first is recorded"
        )
    text = printed[0].text.strip()
    if not text:
        built.response = "empty"
        built.notes.append("the page's Response block is empty")
    elif text.startswith("data:"):
        built.response, built.body = "stream", _events(text)
        built.notes.append("a stream as printed; each printed `data:` line is taken as one event")
    else:
        _printed_body(built, text)


def _printed_body(built: Built, text: str) -> None:
    try:
        value, how = printed_value(text)
    except NotLiteral:
        built.response = "text"
        built.notes.append(
            f"the Response block is no readable body (neither JSON, json5 nor a Python dict; it "
            f"starts {text[:40]!r}): the page prints text, not an HTTP response"
        )
        return
    built.response = "printed"
    if how == "json":
        built.body = text  # byte for byte as printed
    else:
        built.body = as_json(value)
        built.notes.append(
            f"the response is printed as {'a Python dict' if how == 'python' else 'json5'} "
            "and recorded as the JSON it stands for"
        )


def _events(text: str) -> str:
    """A printed stream as server-sent events: one event per `data:` line, blank line between."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "".join(f"{line}\n\n" for line in lines)


def status_line(code: int) -> dict:
    """vcrpy's status mapping."""
    return {"code": code, "message": _REASONS.get(code, "")}


def header_lists(headers: dict) -> dict:
    """Headers as vcrpy writes them: name -> [values]."""
    return {str(k): [str(v)] for k, v in headers.items()} if isinstance(headers, dict) else {}


_BEARER = re.compile(r"(?i)\bbearer\s+([^\s'\"`,)}]+)")


def page_secrets(text: str, built: list[Built]) -> set[str]:
    """Every credential the page shows: credential headers of every call, and any `Bearer X` in its text."""
    from chatconform.recording.scrub import request_secrets

    found = set(_BEARER.findall(text))
    for item in built:
        for call in item.calls.values():
            found |= request_secrets(header_lists(call.headers), call.url, None)
    # a credential has a digit or is long: "Bearer authentication" in prose names no key
    return {s for s in found if len(s) >= 20 or (len(s) >= 6 and any(c.isdigit() for c in s))}
