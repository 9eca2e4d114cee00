"""The Responses stream: response.created ... response.completed (or failed / incomplete), items opened before
their deltas and closed after, sequence numbers that count up. `assemble` gives the response a client ends up
with; `grammar` reports every event out of its place and every assembled text the events contradict.
"""

from __future__ import annotations

import copy
import json
from itertools import pairwise
from typing import Any

from chatconform.dialects._base import as_dict
from chatconform.dialects._grammar import StreamWalk
from chatconform.model.exchange import NOT_JSON, Exchange, view
from chatconform.model.finding import Finding, excerpt

TERMINAL = ("response.completed", "response.failed", "response.incomplete")
_TEXT_DELTAS = {
    "response.output_text.delta": "response.output_text.done",
    "response.refusal.delta": "response.refusal.done",
}


@view
def typed_events(ex: Exchange) -> list[tuple[int, str | None, object]]:
    """(event index, JSON `type`, JSON) of every data event."""
    return [
        (
            index,
            value.get("type") if isinstance(value, dict) and isinstance(value.get("type"), str) else None,
            value,
        )
        for index, _, value in ex.payloads
    ]


def assemble(ex: Exchange) -> dict[str, Any] | None:
    """The final response: the terminal event's, else the created one with the items the stream finished."""
    start: dict[str, Any] | None = None
    items: dict[object, object] = {}
    for _, kind, value in typed_events(ex):
        if not isinstance(value, dict):
            continue
        if kind in TERMINAL and isinstance(value.get("response"), dict):
            response: dict[str, Any] = value["response"]
            return response
        if kind == "response.created" and isinstance(value.get("response"), dict) and start is None:
            start = copy.deepcopy(value["response"])
        if kind == "response.output_item.done" and isinstance(value.get("item"), dict):
            items[value.get("output_index")] = value["item"]
    if start is not None:
        start["output"] = [items[k] for k in sorted(items, key=str)]
    return start


def grammar(ex: Exchange) -> list[Finding]:
    """Every event out of its place, and every done text or final item the deltas contradict."""
    if ex.stream is None:
        return []  # a whole answer has no grammar of events
    state = _Grammar()
    for index, kind, value in typed_events(ex):
        if value is NOT_JSON:
            continue
        state.step(f"$events[{index}]", kind, value if isinstance(value, dict) else {})
    return state.end(ex)


class _Grammar(StreamWalk):
    """The walk over the events: open items and parts, assembled texts, the sequence so far."""

    opening, closing = "response.created", "the response ended"

    def __init__(self) -> None:
        super().__init__()
        self.sequence: list[int | None] = []
        self.items: dict[object, dict[str, Any]] = {}  # output_index -> {"open": bool, "type": str}
        # (output_index, content_index, delta kind) -> text from deltas
        self.texts: dict[tuple[object, object, str | None], str] = {}
        self.done: dict[object, dict[str, Any]] = {}
        self.parts: dict[tuple[object, object], bool] = {}  # (output_index, content_index) -> open
        self.response_id: object = None

    def step(self, at: str, kind: str | None, value: dict[str, Any]) -> None:
        self.sequence.append(
            value.get("sequence_number") if isinstance(value.get("sequence_number"), int) else None
        )
        if kind == "error":
            return  # judged once, as the error it reports (stream.error_event)
        self.enter(at, kind)
        if isinstance(value.get("response"), dict):
            self._lifecycle(at, kind, value["response"])
        if kind in TERMINAL:
            self.ended = True
        elif isinstance(kind, str) and kind.startswith("response.output_item."):
            self._item(at, kind, value)
        elif "output_index" in value:
            self._inside_item(at, kind, value)

    def _item(self, at: str, kind: str, value: dict[str, Any]) -> None:
        index, item = value.get("output_index"), as_dict(value.get("item"))
        if kind.endswith(".added"):
            if not isinstance(index, int):  # said as what it is, not as an item out of order
                self.fail(
                    f"{at}.output_index",
                    f"{kind} carries no output_index: the item has no place in the output",
                    received=excerpt(index),
                    expected=str(len(self.items)),
                )
            elif index in self.items:
                self.fail(f"{at}.output_index", f"output item {index} added twice", received=excerpt(index))
            elif index != len(self.items):
                self.fail(
                    f"{at}.output_index",
                    "output items must be added in order 0, 1, 2...",
                    received=excerpt(index),
                    expected=str(len(self.items)),
                )
            self.items[index] = {"open": True, "type": item.get("type")}
        elif kind.endswith(".done"):
            if index not in self.items or not self.items[index]["open"]:
                self.fail(
                    at,
                    f"output item {index} is done but was never added (or is done twice)",
                    received=excerpt(index),
                )
            self.items.setdefault(index, {})["open"] = False
            self.done[index] = item
            self._parts_said(at, index, item)

    def _inside_item(self, at: str, kind: str | None, value: dict[str, Any]) -> None:
        index = value.get("output_index")
        if index not in self.items or not self.items[index].get("open"):
            self.fail(
                at,
                f"{kind} for output item {index}, which is not open",
                received=excerpt(index),
                expected="an event between its output_item.added and output_item.done",
            )
            return
        self._part(at, kind, index, value.get("content_index"))
        key = (index, value.get("content_index"), kind)
        if kind in _TEXT_DELTAS or kind == "response.function_call_arguments.delta":
            if isinstance(value.get("delta"), str):
                self.texts[key] = self.texts.get(key, "") + value["delta"]
        elif kind in _TEXT_DELTAS.values() or kind == "response.function_call_arguments.done":
            # kind is a str here (one of the done kinds): str() only tells mypy so
            delta_kind = {v: k for k, v in _TEXT_DELTAS.items()}.get(
                str(kind), "response.function_call_arguments.delta"
            )
            sent = self.texts.get((index, value.get("content_index"), delta_kind), "")
            final = value.get("text", value.get("refusal", value.get("arguments")))
            if isinstance(final, str) and final != sent:
                self.fail(
                    at,
                    f"{kind} gives a text its deltas do not add up to",
                    received=excerpt(final),
                    expected=excerpt(sent),
                )

    def _lifecycle(self, at: str, kind: str | None, response: dict[str, Any]) -> None:
        """One response from created to its end (the openai SDKs refuse a stream whose id changes), and the
        terminal response's items those output_item.done gave."""
        if self.response_id is None:
            self.response_id = response.get("id")
        elif response.get("id") != self.response_id:
            self.fail(
                f"{at}.response.id",
                f"{kind} is about another response than response.created",
                received=excerpt(response.get("id")),
                expected=excerpt(self.response_id),
            )
        output = response["output"] if kind in TERMINAL and isinstance(response.get("output"), list) else []
        for index, item in self.done.items():
            if isinstance(index, int) and 0 <= index < len(output) and output[index] != item:
                self.fail(
                    f"{at}.response.output[{index}]",
                    f"{kind} gives output item {index} otherwise than its output_item.done",
                    received=excerpt(output[index]),
                    expected=excerpt(item),
                )

    def _parts_said(self, at: str, index: object, item: dict[str, Any]) -> None:
        """A done message item's text parts are what their deltas added up to."""
        for number, part in enumerate(item.get("content") or []):
            sent = self.texts.get((index, number, "response.output_text.delta"))
            if sent is not None and isinstance(part, dict) and part.get("text") != sent:
                self.fail(
                    f"{at}.item.content[{number}].text",
                    "the done item's text is not what its deltas added up to",
                    received=excerpt(part.get("text")),
                    expected=excerpt(sent),
                )

    def _part(self, at: str, kind: str | None, index: object, part: object) -> None:
        """Content parts open (content_part.added) before their text deltas and done, and close once."""
        # the openai SDKs index an item's parts by content_index: a delta for a part never added breaks them
        key = (index, part)
        if kind == "response.content_part.added":
            if key in self.parts:
                self.fail(f"{at}.content_index", f"content part {part} of output item {index} added twice")
            self.parts[key] = True
        elif kind in _TEXT_DELTAS or kind in _TEXT_DELTAS.values() or kind == "response.content_part.done":
            if not self.parts.get(key):
                self.fail(
                    at,
                    f"{kind} for content part {part} of output item {index}, which is not open",
                    received=excerpt(part),
                    expected="an event between its content_part.added and .done",
                )
            if kind == "response.content_part.done":
                self.parts[key] = False

    def end(self, ex: Exchange) -> list[Finding]:
        if not self.started:
            self.fail("$events", "the stream never sent response.created", expected="response.created")
        elif not self.ended and ex.origin != "docs":
            self.fail(
                "$events",
                "the stream never sent response.completed, .failed or .incomplete",
                expected=" or ".join(TERMINAL),
            )
        open_items = [i for i, item in self.items.items() if item.get("open")]
        if open_items and self.ended:
            self.fail("$events", f"the response ended with output item {open_items[0]} still open")
        self._sequence()
        self._arguments()
        return self.found

    def _sequence(self) -> None:
        numbers = [n for n in self.sequence if n is not None]
        if numbers and len(numbers) != len(self.sequence):
            self.fail("$events", "some events carry a sequence_number and some do not")
        for position, (a, b) in enumerate(pairwise(numbers), 1):
            if b <= a:
                self.fail(
                    f"$events[{position}].sequence_number",
                    "sequence numbers must increase",
                    received=str(b),
                    expected=f"> {a}",
                )
                return

    def _arguments(self) -> None:
        for index, item in self.done.items():
            if (
                isinstance(item, dict)
                and item.get("type") == "function_call"
                and isinstance(item.get("arguments"), str)
            ):
                try:
                    json.loads(item["arguments"] or "{}")
                except ValueError:
                    self.fail(
                        f"$.output[{index}].arguments",
                        "the function call's arguments are not JSON",
                        received=excerpt(item["arguments"]),
                        expected="JSON",
                    )
