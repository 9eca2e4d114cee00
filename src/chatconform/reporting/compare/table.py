"""The comparison: one table per model, a row per measure and dialect, a column per subject; and its
history."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from chatconform.measures.catalog import measures
from chatconform.measures.results import MeasureResult
from chatconform.model.errors import UsageError
from chatconform.model.inputs import InputError, load_json
from chatconform.model.paths import write_atomic

FORMAT = 1
DIALECTS = ("openai-chat", "anthropic-messages", "openai-responses")  # the order rows of one measure take
KEEP = 90  # snapshots kept in the history (a nightly run: about three months)


@dataclass
class Row:
    """One measure in one dialect: its threshold, confidence and what it checks."""

    measure: str
    dialect: str
    threshold: float
    confidence: float
    says: str

    @property
    def key(self) -> str:
        return f"{self.measure}/{self.dialect}"


@dataclass
class Table:
    """One model across subjects."""

    model: str
    subjects: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    cells: dict[tuple[str, str], MeasureResult] = field(default_factory=dict)  # (row key, subject) -> result


def load_runs(paths) -> list[dict]:
    """Each results file of `chatconform measure`: {"subject", "measured_at", "results": [MeasureResult]}."""
    runs = []
    for path in paths:
        try:
            data = load_json(Path(path), "measure results")
        except InputError as err:
            raise UsageError(str(err)) from None
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or not isinstance(data.get("results"), list)
        ):
            raise UsageError(f"{path}: not the results of `chatconform measure` (format {FORMAT})")
        try:
            results = [MeasureResult.from_dict(r) for r in data["results"]]
        except (TypeError, KeyError) as err:
            raise UsageError(f"{path}: a result that cannot be read ({err})") from None
        runs.append({**data, "results": results, "path": str(path)})
    return runs


def tables(runs: list[dict]) -> list[Table]:
    """One table per model asked, subjects in the order given, rows in the catalog's order."""
    order = list(measures())
    out: dict[str, Table] = {}
    for run in runs:
        for result in run["results"]:
            table = out.setdefault(result.model, Table(result.model))
            if result.subject not in table.subjects:
                table.subjects.append(result.subject)
            if not any(r.key == result.key for r in table.rows):
                says = measures()[result.measure].says if result.measure in measures() else ""
                table.rows.append(
                    Row(result.measure, result.dialect, result.threshold, result.confidence, says)
                )
            table.cells[(result.key, result.subject)] = result
    for table in out.values():
        table.rows.sort(
            key=lambda r: (
                order.index(r.measure) if r.measure in order else len(order),
                DIALECTS.index(r.dialect) if r.dialect in DIALECTS else len(DIALECTS),
                r.dialect,
            )
        )
    return list(out.values())


def snapshot(runs: list[dict]) -> dict:
    """What one comparison keeps in the history: when, and every result of every subject."""
    return {
        "format": FORMAT,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": [
            {
                "subject": r.get("subject"),
                "measured_at": r.get("measured_at"),
                "results": [x.to_dict() for x in r["results"]],
            }
            for r in runs
        ],
    }


def keep(history: Path, runs: list[dict]) -> Path | None:
    """Add this comparison to the history folder (once per distinct set of results); oldest dropped past
    KEEP."""
    shot = snapshot(runs)
    digest = hashlib.sha256(json.dumps(shot["runs"], sort_keys=True).encode()).hexdigest()[:12]
    history.mkdir(parents=True, exist_ok=True)
    if any(p.name.endswith(f"-{digest}.json") for p in history.glob("*.json")):
        return None
    # sorts as it was kept, to the microsecond
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = history / f"{stamp}-{digest}.json"
    write_atomic(path, json.dumps(shot, indent=1).encode("utf-8"))
    for old in sorted(history.glob("*.json"))[:-KEEP]:
        old.unlink()
    return path


def trends(history: Path | None) -> list[dict]:
    """The snapshots of the history, oldest first (unreadable ones left out: one bad file stops nothing)."""
    if history is None or not history.is_dir():
        return []
    out = []
    for path in sorted(history.glob("*.json")):
        try:
            data = load_json(path, "comparison history")
            runs = [[MeasureResult.from_dict(x) for x in run["results"]] for run in data["runs"]]
        except (InputError, TypeError, KeyError):
            continue
        out.append({"at": str(data.get("at", path.stem)), "results": [x for run in runs for x in run]})
    return out


def series(shots: list[dict], model: str, key: str, subject: str) -> list[float | None]:
    """The observed rate of one cell in each snapshot (None: not measured then, or nothing to rate)."""
    out = []
    for shot in shots:
        found = next(
            (r for r in shot["results"] if r.model == model and r.key == key and r.subject == subject), None
        )
        out.append(found.successes / found.trials if found and found.trials else None)
    return out
