"""The measures as data (measures.toml): what each sends, its threshold, its budget and why that threshold."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from chatconform.measures.stats import Rule
from chatconform.model.errors import UsageError, unknown

PARAMETER, ORACLE = "parameter", "oracle"


@dataclass(frozen=True)
class MeasureSpec:
    """One measure's data."""

    id: str
    kind: str
    dialects: tuple[str, ...]
    rule: Rule
    says: str
    how: str
    parameter: str | None = None
    fields: tuple[str, ...] = ()  # the request fields that carry the parameter (a rejection names one)
    prompt: str = ""
    max_tokens: int = 12
    high: Mapping[str, float] = field(default_factory=dict)
    data: Mapping = field(default_factory=dict)  # the whole table, for what one measure alone reads
    max_flaky: float = 0.25

    def prompt_for(self, trial: int) -> str:
        """The trial's prompt: a fresh one per trial, so no trial can answer from another's cache."""
        return self.prompt.replace("{trial}", str(trial + 1))


@lru_cache(maxsize=1)
def _file() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("measures.toml").read_text("utf-8"))


def defaults() -> Mapping:
    """The [defaults] table."""
    return MappingProxyType(_file()["defaults"])


@lru_cache(maxsize=1)
def measures() -> Mapping[str, MeasureSpec]:
    """id -> MeasureSpec, in the file's order."""
    base = _file()["defaults"]
    out = {}
    for name, m in _file()["measures"].items():
        rule = Rule(
            threshold=float(m["threshold"]),
            confidence=float(m.get("confidence", base["confidence"])),
            max_trials=int(m.get("max_trials", base["max_trials"])),
        )
        out[name] = MeasureSpec(
            id=name,
            kind=m["kind"],
            dialects=tuple(m["dialects"]),
            rule=rule,
            says=m["says"],
            how=m["how"],
            parameter=m.get("parameter"),
            fields=tuple(m.get("fields", ())),
            prompt=m.get("prompt", ""),
            max_tokens=int(m.get("max_tokens", 12)),
            high=MappingProxyType(m.get("high", {})),
            data=MappingProxyType(m),
            max_flaky=float(m.get("max_flaky", base["max_flaky"])),
        )
    return MappingProxyType(out)


def selected(names=(), trials: int | None = None) -> list[MeasureSpec]:
    """The measures named (all when none), each with its repeat budget set to `trials` when given."""
    known = measures()
    for name in names:
        if name not in known:
            raise unknown("measure", name, known)
    if trials is not None and trials < 1:
        raise UsageError(f"--trials {trials}: at least one trial")
    chosen = [known[n] for n in (names or known)]
    return [replace(m, rule=replace(m.rule, max_trials=trials)) if trials else m for m in chosen]
