"""A rule a tool call broke: the one shape every tool-call measure reports in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Breach:
    """One rule a tool call (or its absence) broke: where, what, and what was expected instead."""

    at: str
    message: str
    received: str | None = None
    expected: str | None = None
    rule: str = ""  # which rule: a tool_choice mode, `single`, a stream rule...
    excused: bool = False  # the answer was cut at its token limit before it could comply
