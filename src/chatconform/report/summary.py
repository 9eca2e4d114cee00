"""reports/summary.html: one self-contained page, readable without Allure.

A matrix of checks x (provider, model) with verdict colours, the trend of each check over the previous
runs, spend, the spec versions judged against, and the docs conflicts.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

# worst first: the colour of a cell is the worst verdict among its entries
ORDER = ["fail", "xfail", "unavailable", "gap", "not-run", "conflict", "warn", "pass"]
COLOURS = {"fail": "#d73a49", "xfail": "#f0883e", "unavailable": "#8b949e", "gap": "#c9d1d9",
           "not-run": "#e1e4e8", "conflict": "#8957e5", "warn": "#bf8700", "pass": "#2da44e"}
STYLE = """body{font:14px system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse}
td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.v{color:#fff;font-weight:600;text-align:center}td.v.light{color:#1f2328}.t{display:inline-block;width:10px;
height:10px;margin-right:2px;border-radius:2px}code{font-size:12px}.legend span{padding:2px 6px;margin-right:6px;
border-radius:3px;color:#fff}"""


def worst(verdicts) -> str:
    """The worst verdict of a list."""
    seen = set(verdicts)
    present = [v for v in ORDER if v in seen]
    return present[0] if present else "pass"


def matrix(results: dict) -> tuple[list[str], list[str], dict]:
    """(checks, columns, cells): cells[(check, column)] = list of entries."""
    cells: dict = {}
    for entry in results.get("results", []):
        if entry["verdict"] == "conflict":
            continue
        column = f"{entry['provider']} · {entry.get('model') or '-'}"
        cells.setdefault((entry["check"], column), []).append(entry)
    checks = sorted({c for c, _ in cells})
    columns = sorted({col for _, col in cells})
    return checks, columns, cells


def render(results: dict, history: list[dict]) -> str:
    """The whole page."""
    checks, columns, cells = matrix(results)
    trend = _trends(history + [results])
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    rows = []
    for check in checks:
        tds = "".join(_cell(cells.get((check, col), [])) for col in columns)
        rows.append(f"<tr><th><code>{escape(check)}</code></th><td>{trend.get(check, '')}</td>{tds}</tr>")
    legend = "".join(f'<span style="background:{c}">{v}</span>' for v, c in COLOURS.items())
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>chatconform summary</title>"
            f"<style>{STYLE}</style></head><body><h1>chatconform conformance summary</h1>"
            f"<p>mode <b>{escape(str(results.get('mode')))}</b>, started {escape(str(results.get('started_at')))}, "
            f"counts {escape(json.dumps(results.get('counts', {})))}</p>"
            f"<p class='legend'>{legend}</p>"
            f"<table id='matrix'><tr><th>check</th><th>trend (oldest → newest)</th>{head}</tr>{''.join(rows)}</table>"
            f"{_spend(results)}{_specs(results)}{_conflicts(results)}</body></html>")


def _cell(entries: list) -> str:
    if not entries:
        return "<td></td>"
    verdict = worst(_shown(e) for e in entries)
    notes = [f["message"] for e in entries for f in e.get("findings", []) if f.get("severity") != "info"]
    notes += [e["reason"] for e in entries if e.get("reason")]
    light = " light" if verdict in ("gap", "not-run") else ""
    title = escape("; ".join(notes)[:500])
    return (f'<td class="v{light}" data-verdict="{verdict}" style="background:{COLOURS[verdict]}" title="{title}">'
            f"{verdict}{f' ×{len(entries)}' if len(entries) > 1 else ''}</td>")


def _shown(entry: dict) -> str:
    """A pass with warnings is shown as `warn` (suspicious, not a breach)."""
    warned = any(f.get("severity") == "warning" for f in entry.get("findings", []))
    return "warn" if entry["verdict"] == "pass" and warned else entry["verdict"]


def _trends(runs: list[dict], last: int = 10) -> dict:
    by_check: dict[str, list[str]] = {}
    for run in runs[-last:]:
        seen: dict[str, list[str]] = {}
        for entry in run.get("results", []):
            seen.setdefault(entry["check"], []).append(entry["verdict"])
        for check in set(by_check) | set(seen):
            by_check.setdefault(check, []).append(worst(seen[check]) if check in seen else "")
    return {check: "".join(f'<span class="t" title="{v or "absent"}" style="background:{COLOURS.get(v, "#fff")}">'
                           "</span>" for v in verdicts) for check, verdicts in by_check.items()}


def _spend(results: dict) -> str:
    spend = results.get("spend") or {}
    return (f"<h2>Spend</h2><p>${spend.get('spent_usd', spend.get('usd', 0.0)) or 0:.4f} of "
            f"${spend.get('limit_usd', 0) or 0:.4f} budget, {spend.get('requests', 0)} requests, "
            f"{spend.get('tokens', 0)} tokens, {spend.get('refused', 0)} refused for budget</p>")


def _specs(results: dict) -> str:
    rows = "".join(f"<tr><td>{escape(sid)}</td><td><code>{escape(s['path'])}</code></td><td>{escape(s['openapi'])}"
                   f"</td><td><code>{s['sha256'][:12]}</code></td><td>{len(s.get('lint', []))}</td></tr>"
                   for sid, s in sorted((results.get("specs") or {}).items()))
    return ("<h2>Spec versions</h2><table id='specs'><tr><th>spec</th><th>file</th><th>OpenAPI</th><th>sha256</th>"
            f"<th>lint findings</th></tr>{rows}</table>")


def _conflicts(results: dict) -> str:
    items = []
    for entry in results.get("results", []):
        if entry["verdict"] != "conflict":
            continue
        extra = (entry.get("findings") or [{}])[0].get("extra") or {}
        sides = "".join(f"<li><code>{escape(s['source'])}</code>: “{escape(s['says'])}”</li>"
                        for s in extra.get("sides", []))
        items.append(f"<li><b>{escape(extra.get('subject', entry['check']))}</b><ul>{sides}</ul>"
                     f"<i>{escape(extra.get('consequence', ''))}</i></li>")
    return f"<h2>Docs conflicts</h2><ul id='conflicts'>{''.join(items) or '<li>none</li>'}</ul>"


def write_summary(results_path: Path, history_dir: Path, out: Path, keep: int = 20) -> Path:
    """Write summary.html from results.json and the previous runs, then add this run to the history."""
    results = json.loads(Path(results_path).read_text(encoding="utf-8"))
    history_dir.mkdir(parents=True, exist_ok=True)
    runs = sorted(history_dir.glob("results-*.json"))
    history = [json.loads(p.read_text(encoding="utf-8")) for p in runs[-keep:]]
    out.write_text(render(results, history), encoding="utf-8")
    stamp = str(results.get("started_at", "run")).replace(":", "").replace("+", "Z")
    (history_dir / f"results-{stamp}.json").write_text(json.dumps(results), encoding="utf-8")
    for old in sorted(history_dir.glob("results-*.json"))[:-keep]:
        old.unlink()
    return out
