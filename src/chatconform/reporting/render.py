"""Findings as text a reviewer reads (the format of DESIGN.md)."""

from __future__ import annotations

from chatconform.judging.judge import Judgement
from chatconform.model.finding import Finding
from chatconform.model.verdict import EVERYWHERE, KNOWN

_LABEL = {"violation": "FAIL", "warning": "WARN", "info": "INFO"}
# Provider text reaches a terminal here: control characters (escape sequences, CR, NEL) are shown, not obeyed.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}
_CONTROLS.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def clean(value) -> str:
    """A value as one printable line: control characters escaped, lone surrogates backslashed."""
    text = str(value).translate(_CONTROLS)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def label(finding: Finding) -> str:
    """FAIL, WARN, INFO, or GAP for what could not be judged."""
    if finding.kind == "gap" and finding.severity != "violation":
        return "GAP "
    return _LABEL[finding.severity]


def render_judgement(j: Judgement, spec_display: str | None = None, replay: str | None = None) -> str:
    """One interaction: a headline with its verdict, then a block per finding."""
    ex = j.exchange
    who = f"{ex.provider} {ex.model or '(no model)'}  source={ex.origin}"
    lines = [clean(f"{j.verdict.upper():4} {ex.label}  {who}")]
    for finding in j.findings:
        lines.append(render_finding(finding, who, spec_display, replay))
    # a deviation declared for every model and origin passes its check everywhere: its reason is always said
    lines += [
        clean(f"  NOTE {row.check}: {row.reason}")
        for row in j.rows.values()
        if row.verdict == KNOWN and (row.reason or "").startswith(EVERYWHERE)
    ]
    return "\n".join(lines)


def render_finding(f: Finding, who: str, spec_display: str | None, replay: str | None) -> str:
    """A finding block: check id and where, then the fields that are set."""
    rows = [clean(f"  {label(f)} {f.check}  {who}")]
    fields = [
        ("at", f.at),
        ("message", f.message),
        ("received", f.received),
        ("expected", f.expected),
        ("excerpt", f.excerpt),
        ("keyword", f.keyword),
        ("schema", f.schema_at),
        ("says", f'"{f.says}"' if f.says else None),
        ("source", f.source),
        ("spec", spec_display if f.kind in ("schema", "request") else None),
        ("replay", replay),
    ]
    rows += [f"    {name + ':':10} {clean(value)}" for name, value in fields if value]
    return "\n".join(rows)
