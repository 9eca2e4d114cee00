"""reports/summary.html: one self-contained page a reviewer acts on, readable without Allure.

It opens on a headline (new failures since the previous run, failures, known deviations, docs conflicts,
gaps, spend), then a matrix of models (grouped by provider and vendor) x checks with CSS-only verdict
filters and a search; every cell opens onto its evidence. Then each check's trend, the docs conflicts, the
spend and the spec versions. Every string is escaped (see _html); the policy lets only the page's own
search script run.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from chatconform.model.errors import ChatconformError, UsageError
from chatconform.model.paths import safe_name, write_atomic
from chatconform.model.verdict import CONFLICT, FAIL
from chatconform.reporting._html import (
    COLOURS,
    CSP,
    SEARCH_JS,
    SHOWN,
    STYLE,
    e,
    entry_shown,
    link,
    linked,
    shown,
    verdict_rules,
    warned,
    worst,
)
from chatconform.reporting._results_file import known_words, load_scrubbed, unknown_verdicts
from chatconform.reporting._summary_head import bar, headline, legend
from chatconform.reporting._summary_matrix import grid, matrix_html, verdicts

TREND = 10  # runs in a check's trend, this one included
NEW_SHOWN = (
    12  # new failures listed under the headline (the matrix stays in sight); the `new` filter shows all
)
__all__ = ["render", "write_summary", "e", "link", "shown", "worst"]


def render(results: dict, history: list[dict]) -> str:
    """The whole page (history: earlier runs, oldest first; a copy of this very run is left out)."""
    this = results.get(
        "started_at"
    )  # `report` run twice on one results.json: its history copy is not "before"
    history = [run for run in history if not this or run.get("started_at") != this]
    checks, groups, cells = grid(results)
    painted = verdicts(cells)
    previous = history[-1] if history else None
    before = verdicts(grid(previous)[2]) if previous else {}
    new = {k for k, v in painted.items() if v == FAIL and before.get(k) != FAIL} if previous else set()
    anchors: dict = {}
    table = matrix_html(checks, groups, cells, new, anchors, results.get("specs") or {})
    models = sum(len(m) for m in groups.values())
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">'
        f'<meta name="viewport" content="width=device-width">'
        f"<title>chatconform summary</title><style>{STYLE}{verdict_rules()}</style></head><body>"
        f"<h1>chatconform conformance summary</h1>"
        f"<p class='sub'>{models} models from {len({p for p, _ in groups})} providers, {len(checks)} checks, "
        f"{len(results.get('results', []))} judged rows · mode <b>{e(results.get('mode'))}</b> · started "
        f"{e(results.get('started_at'))} · chatconform {e(results.get('tool_version') or '?')}</p>"
        f"{headline(results, previous, new, _money(results), _spent_of(results))}{_everywhere(results)}"
        f"{_new_list(new, cells, anchors, previous)}{legend()}{bar(painted, previous is not None)}{table}"
        f"{_checks(history + [results], checks, painted)}{_conflicts(results)}{_spend(results)}"
        f"{_specs(results)}<script>{SEARCH_JS}</script></body></html>"
    )


def _everywhere(results: dict) -> str:
    """The deviations declared for every model and origin, each with its reason, under the headline."""
    from chatconform.reporting.results import everywhere_notes

    notes = everywhere_notes(results.get("results", []))
    if not notes:
        return ""
    items = "".join(f"<li>{linked(note)}</li>" for note in notes)
    return f'<section id="everywhere"><h2>Declared for every model and origin</h2><ul>{items}</ul></section>'


def _new_list(new: set, cells: dict, anchors: dict, previous) -> str:
    """The new failures by name, each a link that opens its cell."""
    if previous is None:
        return ""
    items = []
    for key in sorted(new, key=lambda k: tuple(map(str, k)))[:NEW_SHOWN]:
        first = next(
            (
                f.get("message")
                for x in cells[key]
                for f in x.get("findings") or []
                if f.get("severity") == "violation" and f.get("message")
            ),
            "",
        )
        items.append(
            f'<li><a href="#{e(anchors[key])}">{e(key[0])} · {e(key[1])} · <code>{e(key[2])}</code></a>'
            f"{' — ' + e(first[:200]) if first else ''}</li>"
        )
    more = (
        f'<li>… and {len(new) - NEW_SHOWN} more: <label for="f-new" class="more">show them all in the matrix'
        "</label></li>"
        if len(new) > NEW_SHOWN
        else ""
    )
    listed = "".join(items) or "<li>none</li>"
    return f'<section id="new"><h2>New failures ({len(new)})</h2><ul>{listed}{more}</ul></section>'


def _checks(runs: list[dict], checks: list[str], painted: dict, last: int = TREND) -> str:
    """Per check: its trend over the last runs (worst over all models) and this run's cells by verdict."""
    trend: dict[str, list[str]] = {c: [] for c in checks}
    for run in runs[-last:]:
        seen: dict[str, list[str]] = {}
        for entry in run.get("results", []):
            seen.setdefault(entry["check"], []).append(entry_shown(entry))
        for check in trend:
            trend[check].append(worst(seen[check]) if check in seen else "")
    rows = []
    for check in checks:
        marks = "".join(
            f'<span class="t" title="{v or "absent"}" style="background:{COLOURS.get(v, "#fff")}"></span>'
            for v in trend[check]
        )
        counts = Counter(v for (_, _, c), v in painted.items() if c == check)
        told = ", ".join(f"{counts[v]} {v}" for v in SHOWN if counts[v])
        rows.append(f"<tr><th><code>{e(check)}</code></th><td>{marks}</td><td>{e(told)}</td></tr>")
    return (
        '<h2>Checks</h2><table id="checks">'
        "<tr><th>check</th><th>trend (oldest → newest, worst of all models)"
        f"</th><th>models by verdict, this run</th></tr>{''.join(rows)}</table>"
    )


def _money(results: dict) -> str:
    spend = results.get("spend") or {}
    return f"${spend.get('spent_usd', spend.get('usd', 0.0)) or 0:.4f}"


def _spent_of(results: dict) -> str:
    spend = results.get("spend") or {}
    if results.get("mode") == "replay" and not spend.get("requests"):
        return "replay: nothing was sent"
    return f"of ${spend.get('limit_usd', 0) or 0:.4f} budget, {e(spend.get('requests', 0))} requests"


def _spend(results: dict) -> str:
    spend = results.get("spend") or {}
    return (
        f'<h2 id="spend">Spend</h2><p>{_money(results)} {_spent_of(results)}, {e(spend.get("tokens", 0))} '
        f"tokens, {e(spend.get('refused', 0))} refused for budget</p>"
    )


def _specs(results: dict) -> str:
    rows = "".join(
        f"<tr><td>{e(sid)}</td><td><code>{e(s.get('path'))}</code></td><td>{e(s.get('openapi'))}</td>"
        f"<td><code>{e((s.get('sha256') or '')[:12])}</code></td><td>{len(s.get('lint') or [])}</td>"
        f"<td>{link(s['url']) if s.get('url') else ''}</td></tr>"
        for sid, s in sorted((results.get("specs") or {}).items())
    )
    return (
        '<h2>Spec versions</h2><table id="specs">'
        "<tr><th>spec</th><th>file</th><th>OpenAPI</th><th>sha256</th>"
        f"<th>lint findings</th><th>pulled from</th></tr>{rows}</table>"
    )


def _conflicts(results: dict) -> str:
    """Every conflict row: what it is about, each side quoted with its source, and what chatconform does."""
    items = []
    for entry in results.get("results", []):
        if entry["verdict"] != CONFLICT:
            continue
        extra: dict = next(
            (f["extra"] for f in entry.get("findings") or [] if (f.get("extra") or {}).get("sides")), {}
        )
        sides = "".join(f"<li>{link(s['source'])}: “{e(s['says'])}”</li>" for s in extra.get("sides", []))
        about = f"{e(entry['provider'])}{' · ' + e(entry['model']) if entry.get('model') else ''}"
        items.append(
            f"<li><b>{e(extra.get('subject') or entry['check'])}</b> <small>({about})</small>"
            f"<ul>{sides or '<li>no sides recorded (a results.json of an older chatconform)</li>'}</ul>"
            f"<i>{e(extra.get('consequence') or entry.get('reason') or '')}</i></li>"
        )
    listed = "".join(items) or "<li>none</li>"
    return f'<h2>Docs conflicts ({len(items)})</h2><ul id="conflicts">{listed}</ul>'


def write_summary(
    results_path: Path,
    history_dir: Path,
    out: Path,
    keep: int = 20,
    secrets=(),
    results: dict | None = None,
    key_envs=(),
) -> Path:
    """Write summary.html from results.json (or `results`, what this process wrote there) and the previous
    runs, then add this run to the history.

    Unknown verdict words (here or in the history) are shown as unknown, the page is still written for the
    reviewer, this run is kept out of the history, and a one-line UsageError says which words and where.
    """
    out, history_dir = Path(out), Path(history_dir)
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; --out names the summary file to write")
    if history_dir.exists() and not history_dir.is_dir():
        raise UsageError(f"{history_dir}: not a folder; --history names the folder of previous runs")
    # what this process wrote is scrubbed already; a file read may come from anywhere
    results = results if results is not None else load_scrubbed(results_path)
    runs = sorted(history_dir.glob("results-*.json")) if history_dir.is_dir() else []
    runs = runs[-(TREND - 1) :]  # the page shows no older run than the trend's first
    history = [load_scrubbed(p, "history copy of a results.json") for p in runs]
    words = unknown_verdicts(results, str(results_path))
    for path, run in zip(runs, history, strict=True):
        words += unknown_verdicts(run, str(path))
    write_atomic(out, _scrubbed(render(results, history), secrets, key_envs).encode("utf-8"))
    if words:
        raise UsageError(
            f"unknown verdict word(s) {'; '.join(words)} (known: {known_words()}); {out} shows "
            "them as unknown, and this run was not added to the history"
        )
    _remember(results, history_dir, keep, secrets)
    return out


def _remember(results: dict, history_dir: Path, keep: int, secrets=()) -> None:
    """This run into the history folder (a file name made safe from started_at), keeping the last `keep`."""
    stamp = safe_name(str(results.get("started_at") or "run").replace(":", "").replace("+", "Z"), "run")
    try:
        history_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ChatconformError(f"cannot create {history_dir} ({err.strerror or err})") from None
    # a history copy is written too: no key in it
    text = _scrubbed(json.dumps(remembered(results), ensure_ascii=False), secrets)
    write_atomic(history_dir / f"results-{stamp}.json", text.encode("utf-8"))
    for old in sorted(history_dir.glob("results-*.json"))[:-keep]:
        old.unlink(missing_ok=True)


def remembered(results: dict) -> dict:
    """What a later page reads of this run (each row's verdict and whether it warned), not its evidence: a
    catalog run's results.json is megabytes, and the next summary reads the last TREND - 1 of them."""
    rows = [
        {
            "provider": x["provider"],
            "model": x.get("model"),
            "check": x["check"],
            "verdict": x["verdict"],
            "findings": [{"severity": "warning"}] if warned(x) else [],
        }
        for x in results.get("results", [])
    ]
    return {**{k: v for k, v in results.items() if k not in ("results", "specs")}, "results": rows}


def _scrubbed(page: str, secrets=(), key_envs=()) -> str:
    """The page with every key value the run knows removed, raw or as escaped on the page."""
    from chatconform.recording.scrub import known_secrets, scrub_text

    values = list(known_secrets(secrets, key_envs))
    return scrub_text(page, values + [e(v) for v in values if e(v) != v])
