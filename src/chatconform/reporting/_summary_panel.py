"""What a reviewer sees on opening a summary cell: each judged row's findings with their JSON paths, the
quoted sentence and its link, the spec location, the redacted request and response, the replay command.
"""

from __future__ import annotations

import shlex

from chatconform.model.paths import typed_path
from chatconform.reporting._html import (
    COLOURS,
    LIGHT,
    PASS,
    SHOWN,
    SHOWN_MEANING,
    UNKNOWN,
    cls,
    e,
    entry_shown,
    link,
    linked,
)

FINDINGS = 12  # per row; results.json has them all
ROWS = 10  # per cell
MESSAGE = 1000  # characters of one finding's message (a message may list every model a provider has)


def cell_panel(
    check: str, provider: str, model: str, verdict: str, entries: list, anchor: str, specs: dict | None = None
) -> str:
    """The panel of one (provider, model, check) cell."""
    head = (
        f'<h3><span class="pill {cls(verdict)}">{e(verdict)}</span> '
        f"<code>{e(check)}</code> · {e(provider)} · "
        f"{e(model)}</h3>"
    )
    if verdict != PASS:
        head += f"<p>{e(SHOWN_MEANING.get(verdict, ''))}</p>"
    if len(entries) > 1:
        head += (
            f"<p>{len(entries)} judged rows, one per exchange (a replay and a live call of a model and "
            "check are one cell, its verdict the worst)</p>"
        )
    ordered = sorted(entries, key=lambda x: SHOWN.index(entry_shown(x)))  # the rows behind the verdict first
    body = "".join(_row(x, specs or {}) for x in ordered[:ROWS])
    more = f"<p>… and {len(entries) - ROWS} more rows in results.json</p>" if len(entries) > ROWS else ""
    return f'<div class="panel" id="{e(anchor)}">{head}{body}{more}</div>'


def _row(x: dict, specs: dict) -> str:
    """One judged row: where it came from, the spec that judged it, why, what was found, what was sent and
    answered, how to replay it."""
    verdict = entry_shown(x)
    word = f"unknown: {x['verdict']}" if verdict == UNKNOWN else x["verdict"]
    title = (
        f'<h4><span class="pill {cls(verdict)}">{e(word)}</span> {e(x.get("origin") or "")} · '
        f"<code>{e(typed_path(x.get('exchange')))}</code></h4>"
    )
    reason = f"<p><b>why:</b> {linked(_cut(x['reason'], MESSAGE))}</p>" if x.get("reason") else ""
    reason = judged_by(x, specs) + reason
    found = [f for f in x.get("findings") or []]
    table = ""
    if found:
        rows = "".join(finding_row(f) for f in found[:FINDINGS])
        more = (
            f"<tr><td colspan=3>… and {len(found) - FINDINGS} more findings in results.json</td></tr>"
            if len(found) > FINDINGS
            else ""
        )
        table = (
            "<table><tr><th style='width:17%'>severity, rule</th><th style='width:20%'>at (JSON path)</th>"
            f"<th>finding, the documented sentence and where it is</th></tr>{rows}{more}</table>"
        )
    if verdict == PASS and not found:  # the page stays small: a clean pass points at its model's exchanges
        replay = replay_command(x.get("exchange"))
        return (
            f"<p>{e(x.get('origin') or '')} <code>{e(typed_path(x.get('exchange')))}</code>: every rule held"
            f"{f'; replay: <code>{e(replay)}</code>' if replay else ''}. "
            "Request, response: open the model.</p>"
        )
    return f"{title}{reason}{table}{exchange_evidence(x)}"


def finding_row(f: dict) -> str:
    """A finding: severity, its JSON path, message, expected/received, the quote with its source and spec
    place."""
    parts = [e(_cut(f.get("message") or f.get("check") or "", MESSAGE))]
    if f.get("expected") is not None or f.get("received") is not None:
        parts.append(
            f"expected <code>{e(f.get('expected'))}</code>, received <code>{e(f.get('received'))}</code>"
        )
    sides = (f.get("extra") or {}).get("sides") or []
    for side in sides:  # a docs conflict: both documents, each quoted with its source
        parts.append(f'{link(side.get("source"))} says <span class="q">“{e(side.get("says"))}”</span>')
    if f.get("says") and not sides:
        parts.append(f'<span class="q">“{e(f["says"])}”</span>')
    if f.get("source"):
        parts.append(f"source: {link(f['source'])}")
    if f.get("schema_at"):
        parts.append(f"spec location: <code>{e(f['schema_at'])}</code>")
    for key in ("practice", "evidence"):  # a spec defect shows the convention it is measured against
        if (f.get("extra") or {}).get(key):
            parts.append(f"{key}: {link(f['extra'][key])}")
    check = (
        f"<br><small><code>{e(f.get('check'))}</code> ({e(f.get('kind'))})</small>" if f.get("check") else ""
    )
    return (
        f"<tr><td>{e(f.get('severity'))}{check}</td><td><code>{e(f.get('at'))}</code></td>"
        f"<td>{'<br>'.join(parts)}</td></tr>"
    )


def judged_by(x: dict, specs: dict) -> str:
    """The pinned spec that judged a row, linked where it was pulled from (nothing when no spec did)."""
    spec = specs.get(x.get("spec") or "")
    if not isinstance(spec, dict):
        return ""
    path = spec.get("path") or x["spec"]
    where = link(spec["url"], path) if spec.get("url") else f"<code>{e(path)}</code>"
    return (
        f"<p><b>judged against:</b> {where} <small>(sha256 {e((spec.get('sha256') or '')[:12])})</small></p>"
    )


def exchange_evidence(x: dict, excerpt: bool = True) -> str:
    """The redacted request and response excerpt (when asked) and the replay command of a row's exchange."""
    shown = (x.get("excerpt") or {}) if excerpt else {}
    out = ""
    if shown.get("request"):
        out += f"<div><b>request</b> (redacted, shortened)<pre>{e(shown['request'])}</pre></div>"
    if shown.get("response"):
        out += f"<div><b>response</b> (redacted, shortened)<pre>{e(shown['response'])}</pre></div>"
    replay = replay_command(x.get("exchange"))
    if replay:
        out += f"<p><b>replay:</b> <code>{e(replay)}</code></p>"
    elif x.get("origin") == "live":
        out += (
            "<p><b>replay:</b> none: a live call, not recorded as a cassette (record with --mode record)</p>"
        )
    return out


def model_panel(provider: str, model: str, entries: list, anchor: str) -> str:
    """A model's exchanges, each once: what it showed (status, finish reasons, tokens), its excerpt, its
    replay."""
    seen: dict = {}
    for x in entries:
        seen.setdefault((x.get("origin"), x.get("exchange")), x)
    parts = []
    for (origin, label), x in list(seen.items())[:ROWS]:
        obs = x.get("observations") or {}
        shown = " · ".join(
            f"{e(k.replace('_', ' '))}: {e(_plain(v))}" for k, v in obs.items() if v not in (None, [], "")
        )
        parts.append(
            f"<h4>{e(origin)} · <code>{e(typed_path(label))}</code></h4><p>{shown or 'no observations'}</p>"
            f"{exchange_evidence(x)}"
        )
    more = f"<p>… and {len(seen) - ROWS} more exchanges in results.json</p>" if len(seen) > ROWS else ""
    return (
        f'<div class="panel" id="{e(anchor)}"><h3>{e(provider)} · {e(model)}</h3>'
        f"<p>{len(seen)} exchange{'s' if len(seen) != 1 else ''} judged</p>"
        f"{''.join(parts)}{more}</div>"
    )


def replay_command(label) -> str | None:
    """`chatconform verify <cassette>` when the exchange came from a cassette file, else None."""
    path = str(label or "").rsplit("#", 1)[0]
    return f"chatconform verify {shlex.quote(typed_path(path))}" if path.endswith((".yaml", ".yml")) else None


def pill(verdict: str) -> str:
    """A verdict as a coloured word (for the legend)."""
    colour = COLOURS.get(verdict, COLOURS[UNKNOWN])
    return (
        f'<span class="pill" style="background:{colour};color:{"#1f2328" if verdict in LIGHT else "#fff"}">'
        f"{e(verdict)}</span>"
    )


def _plain(value) -> str:
    """An observed value as a reviewer reads it: a list as its items, a yes/no as a word."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "… (in full in results.json)"
