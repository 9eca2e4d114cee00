"""API dialects: one package each (openai_chat, anthropic_messages, openai_responses), listed by
load_dialects().

A new dialect is a new package with its dialect.toml and a `DIALECT` object, plus its name in MODULES (or,
outside chatconform, the object named under the `chatconform.dialects` entry point group); the judge, claims
and reports ask it what they need. Named contracts (`spec = "anthropic"` in a provider's data)
are data too: contracts.toml.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module, resources
from types import MappingProxyType
from typing import Any

from chatconform.dialects._base import STOPS, Answer, Dialect, Output, ToolCall, ToolChoice, ToolDelta, Usage
from chatconform.model.errors import UsageError
from chatconform.model.exchange import Request
from chatconform.model.extensions import DIALECTS, extensions

MODULES = ("openai_chat", "anthropic_messages", "openai_responses")


@dataclass(frozen=True)
class Contract:
    """A named published spec: which source pins it, and where its stream event schemas are."""

    name: str
    source: str
    title: str
    streams: dict[str, Any] = field(default_factory=dict)  # path ending -> pointer of one event's schema
    errors: str = ""  # pointer of the error object every refusal has, where an operation lists none


@lru_cache(maxsize=1)
def load_dialects() -> Mapping[str, Dialect]:
    """name -> Dialect for every built-in dialect, in MODULES order, then every installed extension's."""
    found = {}
    built_in = [(module, import_module(f"{__name__}.{module}").DIALECT) for module in MODULES]
    for origin, dialect in [*built_in, *extensions(DIALECTS)]:
        if not isinstance(dialect, Dialect):
            raise UsageError(f"the {DIALECTS} entry point {origin!r} names no Dialect object")
        if dialect.name in found:
            raise UsageError(f"dialect {dialect.name!r} declared twice (again by {origin!r})")
        found[dialect.name] = dialect
    return MappingProxyType(found)


def dialect_named(name: str) -> Dialect:
    """The dialect with this name, or a usage error with the closest names."""
    known = load_dialects()
    if name not in known:
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"Unknown dialect {name!r}.{hint} Known: {', '.join(known)}.")
    return known[name]


def recognise(request: Request) -> Dialect | None:
    """The dialect a request speaks by its path and headers (None: no dialect knows it)."""
    best, score = None, 0
    for dialect in load_dialects().values():
        mine = dialect.recognises(request)
        if mine > score:
            best, score = dialect, mine
    return best


@lru_cache(maxsize=1)
def contracts() -> Mapping[str, Contract]:
    """name -> Contract for every named contract (contracts.toml)."""
    data = tomllib.loads(resources.files(__name__).joinpath("contracts.toml").read_text("utf-8"))["contracts"]
    return MappingProxyType(
        {
            name: Contract(name, c["source"], c["title"], dict(c.get("streams", {})), c.get("errors", ""))
            for name, c in data.items()
        }
    )


__all__ = [
    "STOPS",
    "Answer",
    "Contract",
    "Dialect",
    "MODULES",
    "Output",
    "ToolCall",
    "ToolChoice",
    "ToolDelta",
    "Usage",
    "contracts",
    "dialect_named",
    "load_dialects",
    "recognise",
]
