"""What every stream grammar walks the same way: one opening event, nothing after the end, findings named
alike."""

from __future__ import annotations

from typing import Any

from chatconform.model.finding import Finding

CHECK = "stream.grammar"


class StreamWalk:
    """A stream read event by event: started, ended, and what was out of place so far."""

    opening = ""  # the event type every stream of the dialect starts with
    closing = ""  # how the dialect says its stream ended, for messages

    def __init__(self) -> None:
        self.found: list[Finding] = []
        self.started = self.ended = False

    def fail(self, at: str, message: str, **fields: Any) -> None:
        """One finding of the grammar check."""
        self.found.append(Finding(CHECK, "violation", "claim", at=at, message=message, **fields))

    def enter(self, at: str, kind: object) -> None:
        """The checks every event gets: not after the end, the opening event once and first."""
        if self.ended:
            self.fail(at, f"{kind} after {self.closing}", received=str(kind), expected="nothing")
        if kind == self.opening:
            if self.started:
                self.fail(at, f"a second {self.opening}", received=str(kind))
            self.started = True
        elif not self.started:
            self.fail(
                at, f"{kind} before {self.opening}", received=str(kind), expected=f"{self.opening} first"
            )
            self.started = True  # reported once; the rest is judged as if it had started
