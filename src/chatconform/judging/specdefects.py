"""Spec defects: schema failures that are the published document's fault, folded into one named finding.

Two kinds, both data in chatconform/data/spec_defects.toml. A provider's own spec can contradict OpenAI
compatibility (AIML's chunk schema types `finish_reason` as a non-null string, which no conventional stream
satisfies): a violation of the literal spec that a profile may declare a known deviation. OpenAI's own spec
can be stricter than OpenAI's own answers (`system_fingerprint: null` where it says string): a warning, since
the de-facto contract holds. Either way the spec is never loosened: each failure it explains is folded into
one `<check>.spec-defect.<name>` finding that shows both sides, and `chatconform claims` lists the catalog.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from chatconform.model.errors import ChatconformError
from chatconform.model.finding import SEVERITIES, Finding

SCHEMA_CHECKS = {
    "stream.chunk-schema": "stream.spec-defect",
    "response.schema": "response.spec-defect",
    "request.schema": "request.spec-defect",
}
DATA = Path(str(resources.files("chatconform").joinpath("data", "spec_defects.toml")))
_REQUIRED = (
    "name",
    "checks",
    "spec",
    "schema_at",
    "severity",
    "spec_says",
    "spec_pointer",
    "spec_quote",
    "practice",
    "evidence",
)


@dataclass(frozen=True)
class Defect:
    """A schema failure that is the spec's defect rather than the server's, with both sides of it."""

    name: str
    checks: tuple[str, ...]
    spec: str
    schema_at: re.Pattern
    instance: re.Pattern | None
    message: re.Pattern | None
    severity: str
    spec_says: str
    spec_pointer: str
    spec_quote: str
    practice: str
    evidence: str
    evidence_quote: str | None = None

    def explains(self, finding: Finding) -> bool:
        """True when this defect accounts for a schema finding."""
        where = finding.schema_at or ""
        return (
            finding.check in self.checks
            and (self.spec == "*" or where.startswith(self.spec + "#"))
            and bool(self.schema_at.search(where))
            and (self.instance is None or bool(self.instance.match(finding.excerpt or "")))
            and (self.message is None or bool(self.message.search(finding.message or "")))
        )


@cache
def defects(path: Path = DATA) -> tuple[Defect, ...]:
    """The catalog of spec defects, read once (a broken entry is an internal error naming it)."""
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("defect", [])
    return tuple(_defect(entry, f"{path.name} defect #{n}") for n, entry in enumerate(entries, 1))


def _defect(entry: dict, where: str) -> Defect:
    missing = [key for key in _REQUIRED if not entry.get(key)]
    if missing or entry["severity"] not in SEVERITIES or set(entry["checks"]) - set(SCHEMA_CHECKS):
        raise ChatconformError(f"{where}: missing {missing}, or a severity/check that does not exist")
    optional = {key: re.compile(entry[key]) if key in entry else None for key in ("instance", "message")}
    return Defect(
        name=entry["name"],
        checks=tuple(entry["checks"]),
        spec=entry["spec"],
        schema_at=re.compile(entry["schema_at"]),
        severity=entry["severity"],
        spec_says=entry["spec_says"],
        spec_pointer=entry["spec_pointer"],
        spec_quote=entry["spec_quote"],
        practice=entry["practice"],
        evidence=entry["evidence"],
        evidence_quote=entry.get("evidence_quote"),
        **optional,
    )


def fold(findings: list[Finding]) -> list[Finding]:
    """Schema findings with every failure a spec defect explains folded into one finding per defect."""
    if not findings:  # a valid body: most calls, with nothing to fold
        return []
    kept: list[Finding] = []
    hits: dict[Defect, list[Finding]] = {}
    catalog = defects()
    for finding in findings:
        defect = next((d for d in catalog if d.explains(finding)), None) if finding.schema_at else None
        if defect is None:
            kept.append(finding)
        else:
            hits.setdefault(defect, []).append(finding)
    return kept + [_folded(defect, found) for defect, found in hits.items()]


def _folded(defect: Defect, found: list[Finding]) -> Finding:
    first = found[0]
    if first.check == "stream.chunk-schema":
        count = f"{len({f.at.split('.')[0] for f in found})} chunk(s)"
    else:
        count = f"{len({f.at for f in found})} place(s)"
    return Finding(
        check=f"{SCHEMA_CHECKS[first.check]}.{defect.name}",
        severity=defect.severity,
        kind="spec-defect",
        at=first.at,
        message=(
            f"spec defect {defect.name}: {count} fail the same way: the spec says "
            f"{defect.spec_says} ({first.schema_at}); {defect.practice}"
        ),
        keyword=first.keyword,
        schema_at=first.schema_at,
        excerpt=first.excerpt,
        says=defect.spec_says,
        source=_in_judging_spec(defect, first.schema_at),
        extra={"rule": defect.name, "practice": defect.practice, "evidence": defect.evidence},
    )


def _in_judging_spec(defect: Defect, schema_at: str | None) -> str:
    """Where the spec says it: a defect declared for every spec ("*") names one spec as its example; the
    finding points at the same place in the spec that judged the exchange (where the failure was found)."""
    example_file, _, inner = defect.spec_pointer.partition("#")
    judged_file, _, judged_at = (schema_at or "").partition("#")
    if defect.spec == "*" and judged_file and judged_file != example_file and judged_at.startswith(inner):
        return f"{judged_file}#{inner}"
    return defect.spec_pointer


def listing(store) -> list[dict]:
    """The catalog for `chatconform claims`: both sides of each defect, and whether the pinned spec still says
    so."""
    out = []
    for d in defects():
        out.append(
            {
                "name": d.name,
                "severity": d.severity,
                "checks": [f"{SCHEMA_CHECKS[c]}.{d.name}" for c in d.checks],
                "spec": {
                    "source": d.spec_pointer,
                    "says": d.spec_says,
                    "still_there": still_says(store, d.spec_pointer, d.spec_quote),
                },
                "practice": {"says": d.practice, "evidence": d.evidence},
            }
        )
    return out


def still_says(store, pointer: str, quote: str) -> bool | None:
    """True when the pinned spec's JSON at `pointer` still holds `quote` (None: that spec is not pulled)."""
    from chatconform.model.pointer import PointerError, resolve

    relpath, _, inner = pointer.partition("#")
    source = next((s for s in store.catalog.sources if f"specs/{s.relpath}" == relpath), None)
    try:
        raw = store.load(source).raw if source else None
    except ChatconformError:
        return None
    if raw is None:
        return None
    try:
        return quote in json.dumps(resolve(raw, inner), ensure_ascii=False)
    except PointerError:
        return False


def render_listing(entries: list[dict]) -> str:
    """The catalog as text: each defect with the spec's side and practice's side."""
    lines = [
        "\nSpec defects (a published schema versus practice; folded into one finding each, never loosened):"
    ]
    for e in entries:
        state = {
            True: "the pinned spec still says so",
            False: "NOT in the pinned spec any more",
            None: "spec not pulled",
        }[e["spec"]["still_there"]]
        lines += [
            f"{e['name']}  [{e['severity']}; {', '.join(e['checks'])}]",
            f"    spec:     {e['spec']['source']}: {e['spec']['says']} ({state})",
            f"    practice: {e['practice']['says']}",
            f"    evidence: {e['practice']['evidence']}",
        ]
    return "\n".join(lines)
