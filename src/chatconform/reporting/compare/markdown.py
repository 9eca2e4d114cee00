"""The comparison as Markdown for a pull-request comment: every file-supplied string made inert."""

from __future__ import annotations

from chatconform.measures.results import STANDING, MeasureResult
from chatconform.reporting._gate_comment import code, md
from chatconform.reporting.compare.table import Table

MARK = {"good": "✅", "named": "🔷", "bad": "❌", "unknown": "❔"}
ROWS = 60  # rows per table: GitHub refuses comments over 65,536 characters


def markdown(tables: list[Table], title: str = "chatconform compare") -> str:
    """One section per model: a row per measure and dialect, a column per subject."""
    out = [
        f"## {md(title)}",
        "",
        "✅ honoured / holds · 🔷 rejected with a clear 4xx, or documented as ignored · ❌ ignored / broken"
        " · "
        "❔ inconclusive (never a pass). Each cell: verdict, effect seen in k of n trials, "
        "the Wilson interval and the requests spent.",
        "",
    ]
    for table in tables:
        out += [f"### Model {code(table.model)}", ""]
        out.append("| measure | dialect | threshold | " + " | ".join(md(s) for s in table.subjects) + " |")
        out.append("|---|---|---|" + "---|" * len(table.subjects))
        for row in table.rows[:ROWS]:
            cells = [cell(table.cells.get((row.key, s))) for s in table.subjects]
            out.append(
                f"| {md(row.measure)} | {md(row.dialect)} | > {row.threshold:g} @ {row.confidence:.0%} | "
                + " | ".join(cells)
                + " |"
            )
        if len(table.rows) > ROWS:
            out.append(f"\n… and {len(table.rows) - ROWS} more rows (see the HTML report)")
        out += ["", *_reasons(table), ""]
    return "\n".join(out).rstrip() + "\n"


def cell(result: MeasureResult | None) -> str:
    """One cell: mark, verdict, k/n, interval, requests."""
    if result is None:
        return "—"
    rate = (
        f" {result.successes}/{result.trials} [{result.low:.2f}, {result.high:.2f}]" if result.trials else ""
    )
    flaky = f" flaky {result.failed}/{result.attempted}" if result.failed else ""
    mark = MARK[STANDING.get(result.verdict, "unknown")]
    return f"{mark} {md(result.verdict)}{rate}{flaky} · {result.cost.requests} req"


def _reasons(table: Table) -> list[str]:
    """Why each cell that is not a plain pass is what it is (one line each, capped)."""
    lines = []
    for row in table.rows:
        for subject in table.subjects:
            result = table.cells.get((row.key, subject))
            if result is None or STANDING.get(result.verdict) == "good":
                continue
            why = result.reason or (result.notes[0] if result.notes else "")
            quote = f" — says: “{md(result.quote['says'], limit=200)}”" if result.quote else ""
            lines.append(f"- {md(subject)} {code(row.key)}: **{md(result.verdict)}** {md(why)}{quote}")
    return lines[:ROWS]
