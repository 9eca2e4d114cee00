"""The comparison as a self-contained HTML page: a table per model, the trend of each measure as inline SVG.

Every string comes from results files that provider answers went into, so every one goes through `e`; the
page runs no script at all (its content security policy says so) and loads nothing.
"""

from __future__ import annotations

from chatconform.measures.results import MEANING, STANDING, MeasureResult
from chatconform.reporting._html import e, link
from chatconform.reporting.compare.table import Table, series
from chatconform.reporting.compare.trend import colour_of, svg

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"
PAINT = {"good": "#aceebb", "named": "#b6e3ff", "bad": "#ff8182", "unknown": "#eaeef2"}
STYLE = (
    "body{font:14px system-ui,sans-serif;margin:0 24px 24px;color:#1f2328}table{border-collapse:collapse;"
    "margin:8px 0 24px}td,th{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}"
    "th{background:#f6f8fa}code{font:12px ui-monospace,monospace}small{color:#57606a}.v{font-weight:600}"
    "details summary{cursor:pointer}ul{margin:4px 0;padding-left:18px}.key span{display:inline-block;"
    "margin-right:14px}.sw{display:inline-block;width:10px;height:10px;margin-right:4px}"
    + "".join(f".{k}{{background:{c}}}" for k, c in PAINT.items())
)


def page(tables: list[Table], shots: list[dict], title: str = "chatconform compare") -> str:
    """The whole page."""
    body = [f"<h1>{e(title)}</h1>", _legend()]
    for table in tables:
        body += [f"<h2>Model <code>{e(table.model)}</code></h2>", _subjects(table), _table(table, shots)]
    if not tables:
        body.append("<p>No results to compare.</p>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}"><title>{e(title)}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _legend() -> str:
    items = "".join(f"<li><b>{e(v)}</b>: {e(m)}</li>" for v, m in MEANING.items())
    return (
        "<p><small>Each cell: the verdict, the trials in which the effect was seen (k/n), "
        "the Wilson interval at the row's confidence, and the requests and tokens spent. "
        "The trend plots the rate k/n of each kept comparison, oldest left; "
        f"the dashed line is the threshold.</small></p><ul>{items}</ul>"
    )


def _subjects(table: Table) -> str:
    keys = "".join(
        f'<span><i class="sw" style="background:{colour_of(n)}"></i>{e(s)}</span>'
        for n, s in enumerate(table.subjects)
    )
    return f'<p class="key">{keys}</p>'


def _table(table: Table, shots: list[dict]) -> str:
    head = "".join(f"<th>{e(s)}</th>" for s in table.subjects)
    rows = []
    for row in table.rows:
        cells = "".join(_cell(table.cells.get((row.key, s))) for s in table.subjects)
        lines = {s: series(shots, table.model, row.key, s) for s in table.subjects}
        rows.append(
            f"<tr><th>{e(row.measure)}<br><small>{e(row.says)}</small></th><td><code>{e(row.dialect)}</code>"
            f"</td><td>&gt; {e(f'{row.threshold:g}')}<br><small>{e(f'{row.confidence:.0%}')} confidence"
            f"</small></td>{cells}<td>{svg(lines, row.threshold)}</td></tr>"
        )
    return (
        f"<table><thead><tr><th>measure</th><th>dialect</th><th>threshold</th>{head}<th>trend</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _cell(result: MeasureResult | None) -> str:
    if result is None:
        return "<td><small>not measured</small></td>"
    standing = STANDING.get(result.verdict, "unknown")
    rate = (
        f"{result.successes}/{result.trials} [{result.low:.2f}, {result.high:.2f}]"
        if result.trials
        else "no informative trial"
    )
    flaky = f"<br>flaky: {result.failed} of {result.attempted} trials failed" if result.failed else ""
    cost = f"{result.cost.requests} req, {result.cost.tokens} tok" + (
        f", ${result.cost.usd:.5f}" if result.cost.usd else ""
    )
    details = [e(result.reason)] if result.reason else []
    details += [e(n) for n in result.notes]
    details += [f"{e(k)}: <code>{e(v)}</code>" for k, v in result.numbers.items() if k != "pairs"]
    if result.quote:
        details.append(f"says: “{e(result.quote.get('says'))}” ({link(result.quote.get('source'))})")
    more = (
        f"<details><summary>why</summary><ul>{''.join(f'<li>{d}</li>' for d in details)}</ul></details>"
        if details
        else ""
    )
    return (
        f'<td class="{standing}"><span class="v">{e(result.verdict)}</span><br>{e(rate)}{flaky}<br>'
        f"<small>{e(cost)}</small>{more}</td>"
    )
