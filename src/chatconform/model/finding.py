"""Findings: what a check reports about an exchange or a spec."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("violation", "warning", "info")
# kinds: schema, request, claim, gap, spec-lint, spec-defect, docs-conflict, transport
GAP_KIND = "gap"


@dataclass
class Finding:
    """One observation: which check, how bad, where in the instance, and why."""

    check: str
    severity: str
    kind: str
    at: str = "$"
    message: str = ""
    keyword: str | None = None
    schema_at: str | None = None
    excerpt: str | None = None
    expected: str | None = None
    received: str | None = None
    says: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity is not None and self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {SEVERITIES}")

    @classmethod
    def at_path(cls, at: str, message: str = "", **fields: Any) -> Finding:
        """A claim's finding; the claim registry stamps check id, severity, quote and source."""
        return cls(
            check=fields.pop("check", ""),
            severity=fields.pop("severity", None),
            kind=fields.pop("kind", "claim"),
            at=at,
            message=message,
            **fields,
        )

    def to_dict(self) -> dict[str, Any]:
        """All set fields, for results.json."""
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, "")}

    def brief(self) -> dict[str, Any]:
        """The four fields of `verify --json`."""
        return {"check": self.check, "severity": self.severity, "at": self.at, "message": self.message}


def excerpt(value: object, limit: int = 80) -> str:
    """A short JSON rendering of a value for a finding."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TAIL = re.compile(
    r"(is not (valid|of|one|a|expected)\b.*|is a required property.*|has non-unique.*|"
    r"is (less|greater) than.*|is (longer|shorter) than.*|does not match.*|"
    r"has (more|less|fewer) than.*|should not be valid.*|is (too|not allowed).*)$",
    re.S,
)


def shorten(text: str, instance: object) -> str:
    """A validator message on one line; a long instance dump is cut down to an excerpt of the value."""
    text = " ".join(str(text).split())
    if len(text) > 160:
        tail = _TAIL.search(text)
        if tail:
            text = f"{excerpt(instance, 60)} {tail.group(1)}"
    return text if len(text) <= 200 else text[:199] + "…"


def json_path(parts: Iterable[object]) -> str:
    """A JSONPath like $.choices[0].message.content from path parts."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


def verdict(findings: list[Finding]) -> str:
    """fail on any violation; gap when something could not be judged; else pass."""
    if any(f.severity == "violation" for f in findings):
        return "fail"
    if any(f.kind == GAP_KIND for f in findings):
        return "gap"
    return "pass"
