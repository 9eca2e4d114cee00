"""`chatconform merge`: several results.json (shards of one run, or machines of a matrix) as one.

The merged file is what one unsharded run would have written: every row once, sorted by test id, the specs
judged against, spend added up, counts recomputed. Two shards holding the same row is an error (a row
would be counted twice), and so are shards of different modes, a verdict word this version does not know
(it would be counted as nothing) and a verdict its own findings contradict. What a shard holds is scrubbed
of every key value the run knows before it is copied out.
"""

from __future__ import annotations

from pathlib import Path

from chatconform.model.inputs import InputError
from chatconform.model.paths import write_atomic
from chatconform.reporting._results_file import known_words, load_scrubbed, unknown_verdicts
from chatconform.reporting.tally import Tally

SPEND_FIELDS = ("usd", "tokens", "requests")


def merge_files(paths: list[Path]) -> dict:
    """The merged results of several results.json files, or a one-line InputError."""
    if not paths:
        raise InputError("merge needs at least one results.json")
    parts = [(Path(p), load_scrubbed(p)) for p in paths]
    for path, data in parts:
        words = unknown_verdicts(data, str(path))
        if words:
            raise InputError(
                f"unknown verdict word(s) {'; '.join(words)} (known: {known_words()}); not merged"
            )
    modes = {data.get("mode") for _, data in parts}
    if len(modes) > 1:
        raise InputError(f"cannot merge runs of different modes: {sorted(map(str, modes))}")
    merged = {key: value for key, value in parts[0][1].items() if key not in ("results", "counts", "specs")}
    merged.update(
        results=_rows(parts),
        specs=_specs(parts),
        spend=_spend(parts),
        started_at=_edge(parts, "started_at", min),
        finished_at=_edge(parts, "finished_at", max),
    )
    merged["counts"] = Tally.of(merged["results"]).counts  # as a run counts them: the one tally
    return merged


def _rows(parts) -> list[dict]:
    """Every row once, sorted as one run sorts them; a row in two shards is named, not doubled."""
    seen: dict[tuple, Path] = {}
    rows = []
    for path, data in parts:
        for row in data["results"]:
            key = (row.get("test_id"), row["provider"], row.get("model"), row["check"], row.get("exchange"))
            if key in seen:
                raise InputError(
                    f"{path}: row {key[0] or key[1:]} is also in {seen[key]}: the shards overlap"
                )
            seen[key] = path
            rows.append(row)
    return sorted(rows, key=_order)


def _order(row: dict) -> tuple:
    """By test id as a run sorts its rows, then by what tells rows apart: the same file whatever the shards'
    order."""
    return tuple(str(row.get(name) or "") for name in ("test_id", "provider", "model", "check", "exchange"))


def _specs(parts) -> dict:
    """The specs every shard judged against (one pin per id; two different pins is an error)."""
    specs: dict = {}
    for path, data in parts:
        for key, pin in (data.get("specs") or {}).items():
            if key in specs and specs[key].get("sha256") != pin.get("sha256"):
                raise InputError(f"{path}: spec {key} has another sha256 than in an earlier shard")
            specs[key] = pin
    return dict(sorted(specs.items()))


def _spend(parts) -> dict:
    """Spend added up over shards (each shard spends from its own budget)."""
    total: dict[str, float] = {name: 0 for name in SPEND_FIELDS}
    for _, data in parts:
        for name in SPEND_FIELDS:
            value = (data.get("spend") or {}).get(name, 0)
            total[name] += value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
    total["usd"] = round(total["usd"], 6)
    return total


def _edge(parts, key: str, pick):
    """The earliest start or latest finish over the shards (None when no shard says)."""
    values = [data.get(key) for _, data in parts if data.get(key)]
    return pick(values) if values else None


def write_merged(paths: list[Path], out: Path) -> Path:
    """Merge and write (whole or not at all)."""
    import json

    write_atomic(out, (json.dumps(merge_files(paths), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return out
