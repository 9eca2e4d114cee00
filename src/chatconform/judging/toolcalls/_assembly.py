"""The walk over a stream's tool-call pieces (Dialect.tool_deltas): which call each piece goes to, and every
piece that a client adding them up would assemble into something other than distinct calls with one id
each."""

from __future__ import annotations

from chatconform.dialects import ToolDelta
from chatconform.judging.toolcalls._breach import Breach
from chatconform.model.finding import excerpt


class Assembly:
    """Calls by slot as their pieces arrive, and what was wrong so far."""

    def __init__(self) -> None:
        self.calls: dict = {}  # slot -> {"id", "name", "args", "item"}
        self.order: list = []  # slots in the order their calls opened
        self.opened_in: dict = {}  # group (a chat choice) -> how many calls opened in it
        self.found: list[Breach] = []

    def fail(self, at: str, message: str, rule: str, **fields) -> None:
        self.found.append(Breach(at, message, rule=rule, **fields))

    def step(self, piece: ToolDelta) -> None:
        """One piece, by its kind."""
        {"open": self._open, "piece": self._piece, "close": self._close}[piece.kind](piece)

    def _open(self, d: ToolDelta) -> None:
        if d.slot in self.calls:
            self.fail(
                d.at,
                f"a second call opens at {_slot(d.slot)}: two calls merged into one",
                "merged",
                received=excerpt(d.name),
                expected="a call of its own at the next index",
            )
            return
        if not d.id or not d.name:
            missing = " and ".join(w for w, v in (("an id", d.id), ("a name", d.name)) if not v)
            self.fail(
                d.at,
                f"the call at {_slot(d.slot)} opens without {missing}",
                "id",
                expected="the call's id and the tool's name in its first piece",
            )
        if d.id and any(c["id"] == d.id for c in self.calls.values()):
            self.fail(
                d.at,
                f"the id {d.id!r} is already another call's",
                "id",
                received=excerpt(d.id),
                expected="one id per call",
            )
        self._in_order(d)
        self.calls[d.slot] = {"id": d.id, "name": d.name, "args": d.arguments, "item": d.item}
        self.order.append(d.slot)

    def _in_order(self, d: ToolDelta) -> None:
        """Chat's calls of one choice take indexes 0, 1, 2... (a gap or a step back scrambles the calls)."""
        if (
            not (isinstance(d.slot, tuple) and len(d.slot) == 2 and isinstance(d.slot[1], int))
            or d.slot[0] == "item"
        ):
            # Anthropic's and Responses' indexes are shared with other blocks: their grammar orders them
            return
        group, index = d.slot
        expected = self.opened_in.get(group, 0)
        if index != expected:
            self.fail(
                f"{d.at}.index",
                f"tool call index {index} opens where index {expected} comes next",
                "index",
                received=str(index),
                expected=str(expected),
            )
        self.opened_in[group] = max(expected, index) + 1

    def _piece(self, d: ToolDelta) -> None:
        call = self.calls.get(d.slot)
        if call is None:
            self.fail(
                d.at,
                f"arguments for a call at {_slot(d.slot)} that never opened",
                "orphan",
                received=excerpt(d.arguments),
                expected="the call opened first (its id and name)",
            )
            return
        if (d.id and d.id != call["id"]) or (d.name and d.name != call["name"]):
            self.fail(
                d.at,
                f"a piece of another call ({d.name or call['name']!r}, id {d.id or call['id']!r}) goes "
                f"to the call {call['id']!r} at {_slot(d.slot)}: two calls merged",
                "merged",
                received=excerpt(d.id or d.name),
                expected="arguments only",
            )
        elif d.name:
            self.fail(
                d.at,
                f"the name {d.name!r} is sent again: a client adding the pieces up gets it twice",
                "name",
                received=excerpt(d.name),
                expected="arguments only",
            )
        if d.item and call["item"] and d.item != call["item"]:
            self.fail(
                d.at,
                f"arguments of item {d.item!r} go to the call of item {call['item']!r} at "
                f"{_slot(d.slot)}: two calls merged",
                "merged",
                received=excerpt(d.item),
                expected=excerpt(call["item"]),
            )
        call["args"] += d.arguments

    def _close(self, d: ToolDelta) -> None:
        call = self.calls.get(d.slot)
        if call is None:
            self.fail(d.at, f"a call at {_slot(d.slot)} is done that never opened", "orphan")
            return
        for field, label in (("id", "id"), ("name", "name")):
            if getattr(d, field) != call[field]:
                self.fail(
                    d.at,
                    f"the call ends with the {label} {getattr(d, field)!r} but opened with {call[field]!r}",
                    "id",
                    received=excerpt(getattr(d, field)),
                    expected=excerpt(call[field]),
                )
        if call["args"] and d.arguments != call["args"]:
            self.fail(
                f"{d.at}.arguments",
                "the final arguments differ from what the pieces add up to",
                "pieces",
                received=excerpt(d.arguments),
                expected=excerpt(call["args"]),
            )
        call["args"] = call["args"] or d.arguments

    def end(self, final: list | None) -> list[Breach]:
        """What was found, and (when the walk found nothing) whether the answer holds the calls streamed."""
        if self.found or final is None:
            return self.found
        streamed = [self.calls[s] for s in self.order]
        if len(streamed) != len(final):
            self.fail(
                "$events",
                f"the stream opens {len(streamed)} tool call(s) but the answer holds {len(final)}",
                "answer",
                received=str(len(final)),
                expected=str(len(streamed)),
            )
            return self.found
        for call, held in zip(streamed, final, strict=True):
            if held.id != call["id"] or held.name != call["name"]:
                self.fail(
                    held.at,
                    f"the answer holds {held.name!r} ({held.id!r}) where the stream sent "
                    f"{call['name']!r} ({call['id']!r})",
                    "answer",
                )
            elif call["args"] and held.arguments != call["args"]:
                self.fail(
                    f"{held.at}.arguments",
                    "the answer's arguments differ from what the stream sent",
                    "answer",
                    received=excerpt(held.arguments),
                    expected=excerpt(call["args"]),
                )
        return self.found


def _slot(slot) -> str:
    if isinstance(slot, tuple) and len(slot) == 2:
        return f"item {slot[1]!r}" if slot[0] == "item" else f"choice {slot[0]} index {slot[1]}"
    return f"index {slot}"
