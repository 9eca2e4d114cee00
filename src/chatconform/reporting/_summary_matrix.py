"""The summary's matrix: a row per model, grouped by provider and vendor, a column per check, and a cell per
(provider, model, check) whose verdict is the worst of its rows (a live and a replay row are one cell). Every
verdict is in it, docs conflicts too: a documented example's under its model, two documents disagreeing
under the provider's own row, "(the provider's documents)", in the `docs-conflict` column.
Every cell opens (a <details>, no script) onto its evidence; one cell is open at a time (`name`).
"""

from __future__ import annotations

from collections import Counter

from chatconform.model.verdict import CONFLICT
from chatconform.reporting._html import LABEL, PASS, SHOWN, cls, e, entry_shown, worst
from chatconform.reporting._summary_panel import cell_panel, model_panel

NO_VENDOR = "(no vendor prefix)"
DOCUMENTS, DOCS_CONFLICT = (
    "(the provider's documents)",
    "docs-conflict",
)  # where model-less conflicts are shown


def grid(results: dict) -> tuple[list[str], dict, dict]:
    """(checks, groups, cells): groups[(provider, vendor)] = models; cells[(provider, model, check)] =
    rows."""
    cells: dict = {}
    for entry in results.get("results", []):
        key = (entry["provider"], entry.get("model") or "-", entry["check"])
        if entry["verdict"] == CONFLICT and not entry.get("model"):
            # two documents of a provider disagreeing name no model: one row of the provider, one column
            key = (entry["provider"], DOCUMENTS, DOCS_CONFLICT)
        cells.setdefault(key, []).append(entry)
    checks = sorted({c for _, _, c in cells}, key=lambda c: (c != "schema", c))
    groups: dict = {}
    for provider, model, _ in cells:
        groups.setdefault((provider, vendor(model)), set()).add(model)
    return checks, {k: sorted(groups[k], key=str.lower) for k in sorted(groups)}, cells


def vendor(model: str) -> str:
    """The part of a model id before '/', the vendor behind a gateway's model."""
    return model.split("/", 1)[0] if "/" in model else NO_VENDOR


def verdicts(cells: dict) -> dict:
    """{(provider, model, check): the worst shown verdict of the cell's rows}."""
    return {key: worst(entry_shown(x) for x in rows) for key, rows in cells.items()}


def matrix_html(checks: list[str], groups: dict, cells: dict, new: set, anchors: dict, specs=None) -> str:
    """The whole matrix table; `anchors` is filled with each cell's panel id (for links to it); `specs` is
    results.json's, for each row's link to the spec that judged it."""
    painted = verdicts(cells)
    head = "".join(f'<th class="ch" title="{e(c)}"><span>{_broken(c)}</span></th>' for c in checks)
    bodies = []
    for (provider, vend), models in groups.items():
        counts = Counter(
            painted[(provider, m, c)] for m in models for c in checks if (provider, m, c) in painted
        )
        told = " · ".join(f"{counts[v]} {v}" for v in SHOWN if v != PASS and counts[v])
        rows = "".join(
            _model_row(provider, m, checks, cells, painted, new, anchors, specs or {}) for m in models
        )
        bodies.append(
            f'<tbody class="g"><tr class="gh"><th colspan="{len(checks) + 1}">{e(provider)} · {e(vend)} '
            f"<small>({len(models)} model{'s' if len(models) != 1 else ''}{'; ' + told if told else ''})"
            f"</small></th></tr>{rows}</tbody>"
        )
    return (
        f'<table id="matrix"><thead><tr><th>provider · vendor / model</th>{head}</tr></thead>'
        f"{''.join(bodies)}</table>"
    )


def _broken(check: str) -> str:
    """A check id on two lines at its first dot (a narrower column header)."""
    theme, dot, rest = check.partition(".")
    return f"{e(theme)}.<br>{e(rest)}" if dot and rest else e(check)


def _model_row(provider, model, checks, cells, painted, new, anchors, specs) -> str:
    """One model: its name (opening onto its exchanges) and a cell per check."""
    mine = [(c, cells[(provider, model, c)]) for c in checks if (provider, model, c) in cells]
    anchor = f"m{len(anchors)}"
    anchors[(provider, model, None)] = anchor
    entries = [x for _, rows in mine for x in rows]
    dialects = sorted({x.get("dialect") for x in entries if x.get("dialect")})
    words = " ".join(
        [provider, model, *dialects] + [c for c, _ in mine if painted[(provider, model, c)] != PASS]
    )
    tds = []
    for check in checks:
        key = (provider, model, check)
        tds.append(
            _cell(key, cells[key], painted[key], key in new, anchors, specs)
            if key in cells
            else f'<td class="e" title="{e(check)}: no row (the check does not apply)"></td>'
        )
    return (
        f'<tr class="m" data-s="{e(words.lower())}"><th class="mh" title="{e(model)}"><details name="cell">'
        f"<summary>{e(model)}{_spoken(dialects)}</summary>{model_panel(provider, model, entries, anchor)}"
        "</details></th>"
        f"{''.join(tds)}</tr>"
    )


def _spoken(dialects: list[str]) -> str:
    """The dialects a model's exchanges speak, beside its name (chat completions is the default one)."""
    shown = [d for d in dialects if d != "openai-chat"]
    return f' <small class="dl">{e(", ".join(shown))}</small>' if shown else ""


def _cell(key: tuple, rows: list, verdict: str, is_new: bool, anchors: dict, specs: dict) -> str:
    anchor = f"c{len(anchors)}"
    anchors[key] = anchor
    provider, model, check = key
    times = f" ×{len(rows)}" if len(rows) > 1 else ""
    return (
        f'<td class="v {cls(verdict)}" data-verdict="{e(verdict)}"{" data-new" if is_new else ""} '
        f'title="{e(check)}"><details name="cell"><summary>{e(LABEL.get(verdict, verdict))}{times}</summary>'
        f"{cell_panel(check, provider, model, verdict, rows, anchor, specs)}</details></td>"
    )
