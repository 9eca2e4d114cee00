"""A trial: the calls a measure makes for one repeat, what became of each, and what the trial showed.

The verdict of a measure is a pure function of its trial records (`conclude`), so a live run and a rescoring
of the kept evidence reach the same verdict from the same exchanges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from chatconform.dialects import Answer, Output, recognise
from chatconform.measures.bodies import Ask
from chatconform.model.exchange import Exchange

NOTES = 6  # single-trial notes kept in a result
REFUSALS = (400, 422)  # the statuses that refuse what a request asks (a clear 4xx for a parameter)


@dataclass(frozen=True)
class Call:
    """One request of a trial: its role in the trial, what it asks, and whether it carries the parameter under
    test (a 4xx to such a call is a rejection of the parameter; to another call, a failed trial)."""

    role: str
    ask: Ask
    probed: bool = True
    dialect: str | None = None  # another dialect than the measure's (dialect parity)


@dataclass(frozen=True)
class Outcome:
    """What a trial showed: the effect seen (True), not seen (False), or nothing to tell by (None)."""

    effect: bool | None
    note: str = ""


@dataclass
class Made:
    """One call as made: its exchange (None: never answered), its request attempts, and why it failed."""

    role: str
    probed: bool
    exchange: Exchange | None
    attempts: int = 1
    detail: str = ""
    tokens: int = 0
    usd: float = 0.0


@dataclass
class TrialRecord:
    """The calls one trial made, in order."""

    trial: int
    made: list[Made] = field(default_factory=list)

    def exchanges(self) -> dict[str, Exchange]:
        return {m.role: m.exchange for m in self.made if m.exchange is not None}


@dataclass(frozen=True)
class Probe:
    """A measure's code: the calls of trial `n` (given what the trial got so far), and what a trial showed."""

    calls: Callable[..., Iterator[Call]]  # (spec, dialect, trial, got) -> calls, one at a time
    score: Callable[..., Outcome]  # (spec, dialect, {role: Exchange}) -> Outcome
    most: int  # the most calls one trial makes (the plan's ceiling)


def fate(made: Made, fields: tuple[str, ...] = ()) -> str | None:
    """`failed`, `rejected` or None (answered 2xx) for one call; a rejection is a 400 or 422 to a call
    carrying the parameter whose error names one of its `fields` (not a 404 for a wrong URL, a 401, a 429, nor
    a refusal of something else in the request)."""
    ex = made.exchange
    if ex is None or ex.response is None or ex.response.status >= 500:
        return "failed"
    if ex.response.status >= 400:
        said = ex.response.body.decode("utf-8", "replace")
        named = any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(f)}(?![A-Za-z0-9_])", said) for f in fields)
        return "rejected" if made.probed and ex.response.status in REFUSALS and named else "failed"
    return None


def refusal(made: Made) -> str:
    """A short account of a refused or failed call: status and the provider's message."""
    ex = made.exchange
    if ex is None or ex.response is None:
        return made.detail or "no answer"
    body = ex.json if isinstance(ex.json, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else body
    message = error.get("message") if isinstance(error, dict) else None
    return f"HTTP {ex.response.status}" + (f": {str(message)[:160]}" if message else "")


def answer(ex: Exchange | None) -> Answer | None:
    """The answer in shared terms (None: no readable successful answer)."""
    dialect = recognise(ex.request) if ex is not None else None
    return dialect.answer(ex) if dialect and ex is not None and ex.ok else None


def first(ex: Exchange | None) -> Output | None:
    """The first output of an answer."""
    found = answer(ex)
    return found.outputs[0] if found and found.outputs else None


def text(ex: Exchange | None) -> str | None:
    """The text of the first output ('' when it has none)."""
    out = first(ex)
    return None if out is None else (out.text or "")


def signature(ex: Exchange | None) -> tuple | None:
    """What two answers of one deterministic request must share: text, stop reason and tool calls."""
    out = first(ex)
    if out is None:
        return None
    return out.text or "", out.stop, tuple((c.name, c.arguments) for c in out.tool_calls)


def clip(value, width: int = 60) -> str:
    """A value quoted for a note, cut to `width` characters."""
    shown = repr(value)
    return shown if len(shown) <= width else shown[: width - 1] + "…"
