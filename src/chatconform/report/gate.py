"""`chatconform gate`: baseline vs candidate results.json, as a markdown PR comment; exit 1 on regression."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from chatconform.errors import UsageError

BAD = {"fail"}
GOOD = {"pass", "xfail", "gap", "conflict"}
NEUTRAL = {"unavailable", "not-run"}


def load(path: Path) -> dict:
    """A results.json, or a one-line usage error."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise UsageError(f"{path}: cannot read ({err.strerror or err})") from None
    except ValueError as err:
        raise UsageError(f"{path}: not JSON ({err})") from None
    if not isinstance(data, dict) or "results" not in data:
        raise UsageError(f"{path}: not a chatconform results.json (no `results`)")
    return data


def _key(entry: dict) -> str:
    return entry.get("test_id") or f"{entry['provider']}|{entry.get('model')}|{entry['check']}|{entry.get('exchange')}"


def compare(baseline: dict, candidate: dict, drift: list[dict] = ()) -> dict:
    """New failures, fixes, outages, observation and spend changes, and breaking upstream changes."""
    old = {_key(e): e for e in baseline["results"]}
    new = {_key(e): e for e in candidate["results"]}
    regressions = [new[k] for k in new if new[k]["verdict"] in BAD and old.get(k, {}).get("verdict") not in BAD]
    fixed = [new[k] for k in new if new[k]["verdict"] in GOOD and old.get(k, {}).get("verdict") in BAD]
    still = [new[k] for k in new if new[k]["verdict"] in BAD and old.get(k, {}).get("verdict") in BAD]
    unavailable = [new[k] for k in new if new[k]["verdict"] in NEUTRAL]
    breaking = [c for c in drift if c.get("breaking")]
    return {"regressions": regressions, "fixed": fixed, "still_failing": still, "unavailable": unavailable,
            "observations": _observations(baseline, candidate), "spend": _spend(baseline, candidate),
            "specs": _specs(baseline, candidate), "breaking_upstream": breaking,
            "failed": bool(regressions or breaking)}


def _observations(baseline: dict, candidate: dict) -> list[str]:
    """Changes in what providers do: finish_reason mix and the default limit observed (per model)."""
    lines = []
    for label, extract in (("finish_reason mix", _finish_mix), ("largest completion with no limit sent", _defaults)):
        before, after = extract(baseline), extract(candidate)
        for model in sorted(set(before) | set(after)):
            if before.get(model) != after.get(model):
                lines.append(f"{model}: {label} {before.get(model, '-')} -> {after.get(model, '-')}")
    return lines


def _finish_mix(results: dict) -> dict:
    mix: dict[str, Counter] = {}
    for entry in results["results"]:
        for reason in (entry.get("observations") or {}).get("finish_reasons", []):
            mix.setdefault(f"{entry['provider']} {entry.get('model')}", Counter())[reason] += 1
    return {k: dict(sorted(v.items())) for k, v in mix.items()}


def _defaults(results: dict) -> dict:
    out: dict[str, int] = {}
    for entry in results["results"]:
        obs = entry.get("observations") or {}
        if obs.get("no_limit_sent") and isinstance(obs.get("completion_tokens"), int):
            key = f"{entry['provider']} {entry.get('model')}"
            out[key] = max(out.get(key, 0), obs["completion_tokens"])
    return out


def _spend(baseline: dict, candidate: dict) -> str:
    a = (baseline.get("spend") or {}).get("spent_usd", 0.0) or 0.0
    b = (candidate.get("spend") or {}).get("spent_usd", 0.0) or 0.0
    return f"${a:.4f} -> ${b:.4f} ({b - a:+.4f})"


def _specs(baseline: dict, candidate: dict) -> list[str]:
    a, b = baseline.get("specs") or {}, candidate.get("specs") or {}
    return [f"{sid}: {a.get(sid, {}).get('sha256', '-')[:12]} -> {b.get(sid, {}).get('sha256', '-')[:12]}"
            for sid in sorted(set(a) | set(b)) if a.get(sid, {}).get("sha256") != b.get(sid, {}).get("sha256")]


def markdown(result: dict) -> str:
    """The PR comment."""
    head = "❌ **chatconform gate: regression**" if result["failed"] else "✅ **chatconform gate: no regression**"
    out = [head, ""]
    sections = [("New failures", result["regressions"], _row), ("Fixed", result["fixed"], _row),
                ("Still failing (not new)", result["still_failing"], _row),
                ("Not judged (provider unavailable or budget)", result["unavailable"], _row)]
    for title, items, fmt in sections:
        out.append(f"### {title} ({len(items)})")
        out += [fmt(i) for i in items] or ["none"]
        out.append("")
    out.append("### Breaking upstream spec changes")
    out += [f"- `{c['path']}` {c['kind']}: {c.get('detail', '')}" for c in result["breaking_upstream"]] or ["none"]
    out += ["", "### Changed observations"] + ([f"- {line}" for line in result["observations"]] or ["none"])
    out += ["", f"**Spend:** {result['spend']}"]
    if result["specs"]:
        out += ["", "**Spec versions changed:** " + "; ".join(result["specs"])]
    return "\n".join(out) + "\n"


def _row(entry: dict) -> str:
    first = next((f for f in entry.get("findings", []) if f.get("severity") == "violation"), {})
    why = f": {first.get('message', '')}" if first else (f": {entry['reason']}" if entry.get("reason") else "")
    return f"- `{entry['provider']}` `{entry.get('model')}` **{entry['check']}** ({entry.get('exchange')}){why}"
