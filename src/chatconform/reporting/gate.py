"""`chatconform gate`: baseline vs candidate, as a markdown PR comment; exit 1 on a regression.

Two comparisons, one comment: two runs of the same models (rows keyed by provider, model and check, so a
live row and a replay row of a model and check are one row, its verdict the worst of them), or a baseline
model against its candidate (`--models old=new`, keyed by provider and check), from one results.json or
from two. "No regression" is said only when the candidate judged something and every verdict word in both
files is known: a candidate that judged nothing, or speaks words this version does not know, fails the gate
(a word it does not know makes the file unreadable input: exit 2, once the comment says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from chatconform.model.errors import did_you_mean
from chatconform.model.inputs import InputError, expect, load_json
from chatconform.model.verdict import CONFLICT, FAIL, GAP, KNOWN, NOT_RUN, PASS, UNAVAILABLE, VERDICTS, worst
from chatconform.providers import ProviderData
from chatconform.reporting import _observed
from chatconform.reporting._gate_comment import code, markdown, md, scrubbed_markdown  # noqa: F401 (the API)
from chatconform.reporting._results_file import known_words, load_scrubbed, unknown_verdicts
from chatconform.reporting.tally import Tally

BAD = {FAIL}
GOOD = {PASS, KNOWN, GAP, CONFLICT}
NEUTRAL = {UNAVAILABLE, NOT_RUN}
JUDGED = {PASS, FAIL, KNOWN}  # an exchange was really judged (gap, conflict, outages judge no answer)
ARROW = " → "


def load(path: Path) -> dict:
    """A results.json, shape and verdicts checked, key values redacted; or a one-line usage error."""
    return load_scrubbed(path)


def load_drift(path) -> list[dict]:
    """The changes of a `specs diff --json` file, each checked, or a one-line usage error."""
    from chatconform.specs.diff import Change

    where = str(path)
    data = expect(load_json(path, "drift file (`specs diff --json` output)"), dict, where, "a drift file")
    extra = sorted(str(k) for k in data if k not in ("changes", "breaking"))
    if extra or "changes" not in data:
        raise InputError(
            f"{where}: not `specs diff --json` output (it holds `changes` and `breaking`; "
            f"{'found ' + ', '.join(map(repr, extra[:5])) if extra else '`changes` is missing'})"
        )
    known = {f.name for f in fields(Change)}
    changes = expect(data["changes"], list, f"{where}: $.changes", "`changes`")
    for i, change in enumerate(changes):
        at = f"{where}: $.changes[{i}]"
        expect(change, dict, at, "a change")
        for name, kind in (("path", str), ("kind", str), ("breaking", bool)):
            expect(change.get(name), kind, f"{at}.{name}", f"`{name}`")
        expect(change.get("detail"), (str, type(None)), f"{at}.detail", "`detail`")
        if set(change) - known:
            raise InputError(
                f"{at}: unknown key(s) {sorted(set(change) - known)}. Known: {', '.join(sorted(known))}."
            )
    if data.get("breaking") is True and not any(c["breaking"] for c in changes):
        raise InputError(f"{where}: `breaking` is true but no change is marked breaking")
    return changes


def parse_pairs(values, one_file: bool = False) -> list[tuple[str, str]]:
    """`old=new` model pairs from the command line, or a one-line usage error naming the bad one: a model
    on one side of two pairs would count its rows twice, and a model against itself in one file compares
    nothing."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        old, sep, new = str(value).partition("=")
        if not sep or not old.strip() or not new.strip():
            raise InputError(
                f"--models {value!r}: give BASELINE=CANDIDATE, e.g. vendor/model-2.5=vendor/model-3-preview"
            )
        old, new = old.strip(), new.strip()
        if one_file and old == new:
            raise InputError(
                f"--models {value!r}: compares {old!r} with itself in one file; name another model"
            )
        for side, model in (("baseline", old), ("candidate", new)):
            if model in {pair[side == "candidate"] for pair in pairs}:
                raise InputError(f"--models {value!r}: {model!r} is the {side} of two pairs; give each once")
        pairs.append((old, new))
    return pairs


def cells(rows, by_dialect: bool = True) -> dict:
    """{(provider, model, dialect, check): cell}: each cell the worst known verdict of its rows, and the rows.

    A model that speaks two dialects has a cell per dialect (a check such as response.schema judges each by
    its own contract); `by_dialect=False` for a results.json written before rows named their dialect.
    Rows with a verdict word outside the vocabulary are left out here; problems_of names them.
    """
    grouped: dict = {}
    for row in rows:
        if row["verdict"] in VERDICTS:
            dialect = row.get("dialect") if by_dialect else None
            grouped.setdefault((row["provider"], row.get("model"), dialect, row["check"]), []).append(row)
    return {
        key: {
            "provider": key[0],
            "model": key[1],
            "dialect": key[2],
            "check": key[3],
            "rows": group,
            "verdict": worst(r["verdict"] for r in group),
        }
        for key, group in grouped.items()
    }


def _name_dialects(*sides) -> bool:
    """Whether both sides' rows name their dialect (a results.json older than dialects names none)."""
    return all(any(row.get("dialect") for row in rows) for rows in sides)


def paired(baseline: dict, candidate: dict, pairs, names=("baseline", "candidate")) -> tuple[list, list]:
    """The baseline model's rows and the candidate model's rows, each relabelled `old → new` so they meet."""
    old_rows: list[dict] = []
    new_rows: list[dict] = []
    for old, new in pairs:
        label = f"{old}{ARROW}{new}"
        for model, data, name, out in (
            (old, baseline, names[0], old_rows),
            (new, candidate, names[1], new_rows),
        ):
            rows = [{**row, "model": label} for row in data["results"] if row.get("model") == model]
            if not rows:
                seen = sorted({str(r.get("model")) for r in data["results"] if r.get("model")})
                close = did_you_mean(model, seen)
                held = f"{', '.join(seen[:10]) or 'no model'}{' …' if len(seen) > 10 else ''}"
                raise InputError(
                    f"--models {old}={new}: {name} holds no row of model {model!r}.{close} It holds {held}"
                )
            out += rows
    return old_rows, new_rows


def compare(
    baseline: dict,
    candidate: dict,
    drift: Sequence[dict] = (),
    names=("baseline", "candidate"),
    pairs=(),
    *,
    data: ProviderData,
) -> dict:
    """New failures, fixes, outages, observation and spend changes, breaking upstream changes, and
    problems."""
    if pairs:
        old_rows, new_rows = paired(baseline, candidate, pairs, names)
    else:
        old_rows, new_rows = baseline["results"], candidate["results"]
    by_dialect = _name_dialects(old_rows, new_rows)
    old, new = cells(old_rows, by_dialect), cells(new_rows, by_dialect)
    was = {k: old[k]["verdict"] if k in old else None for k in new}
    regressions = [dict(new[k], before=was[k]) for k in new if new[k]["verdict"] in BAD and was[k] not in BAD]
    fixed = [new[k] for k in new if new[k]["verdict"] in GOOD and was[k] in BAD]
    still = [
        dict(new[k], newly=_newly_failing(old[k], new[k]))
        for k in new
        if new[k]["verdict"] in BAD and was[k] in BAD
    ]
    unavailable = [new[k] for k in new if new[k]["verdict"] in NEUTRAL]
    open_rows = {id(row) for row in unacknowledged_rows(new_rows, data)}
    unjudged = [new[k] for k in new if any(id(row) in open_rows for row in new[k]["rows"])]
    breaking = [c for c in drift if c.get("breaking")]
    problems = problems_of(baseline, candidate, names, new_rows)
    same_run = pairs and baseline is candidate
    return {
        "regressions": regressions,
        "fixed": fixed,
        "still_failing": still,
        "unavailable": unavailable,
        "observations": _observed.changes(_observed.exchanges(old_rows), _observed.exchanges(new_rows)),
        "spend": None if same_run else _spend(baseline, candidate),
        "specs": _specs(baseline, candidate),
        "breaking_upstream": breaking,
        "problems": problems,
        "pairs": list(pairs),
        "names": list(names),
        "unjudged": unjudged,
        "failed": bool(regressions or breaking or problems),
        "unreadable": any(unknown_verdicts(d, n) for n, d in zip(names, (baseline, candidate), strict=True)),
    }


def unacknowledged_rows(rows, data: ProviderData) -> list[dict]:
    """The rows not judged (gap) or not reached (unavailable) that the run's provider data (built-in and the
    project's chatconform.toml) does not acknowledge: worked out again here, never taken from the file."""
    from chatconform.model.exits import UNJUDGED_VERDICTS

    out = []
    for row in rows:
        if row["verdict"] not in UNJUDGED_VERDICTS:
            continue
        gaps = [f.get("check") or "" for f in row.get("findings") or [] if f.get("kind") == "gap"]
        if (
            data.acknowledgement_for(
                row["provider"], row["check"], row.get("model"), row.get("origin") or "", gaps
            )
            is None
        ):
            out.append(row)
    return out


def _newly_failing(old: dict, new: dict) -> list[str]:
    """Exchanges failing in the candidate that did not fail in the baseline (same model: labels compare)."""
    before = {r.get("exchange") for r in old["rows"] if r["verdict"] in BAD}
    return sorted(
        {str(r.get("exchange")) for r in new["rows"] if r["verdict"] in BAD and r.get("exchange")} - before
    )


def problems_of(baseline: dict, candidate: dict, names=("baseline", "candidate"), judged=None) -> list[str]:
    """Why the gate cannot say "no regression": unknown verdict words, or a candidate that judged nothing."""
    problems = []
    for name, data in zip(names, (baseline, candidate), strict=True):
        words = unknown_verdicts(data, name)
        if words:
            problems.append(f"unknown verdict word(s) {'; '.join(words)} (known: {known_words()})")
    rows = candidate["results"] if judged is None else judged
    if not any(e["verdict"] in JUDGED for e in rows):
        held = ", ".join(f"{n} {v}" for v, n in Tally.of(rows).counts.items() if n) or "no entries at all"
        problems.append(f"the candidate {names[1]} judged nothing (no pass, fail or xfail; it holds {held})")
    return problems


def _spent(results: dict) -> float:
    spend = results.get("spend") or {}
    return spend.get("spent_usd", spend.get("usd")) or 0.0


def _spend(baseline: dict, candidate: dict) -> str:
    a, b = _spent(baseline), _spent(candidate)
    return f"${a:.4f} -> ${b:.4f} ({b - a:+.4f})"


def _specs(baseline: dict, candidate: dict) -> list[str]:
    a, b = baseline.get("specs") or {}, candidate.get("specs") or {}

    def sha(side: dict, sid: str) -> str:
        return (side.get(sid, {}).get("sha256") or "-")[:12]

    return [
        f"{sid}: {sha(a, sid)} -> {sha(b, sid)}"
        for sid in sorted(set(a) | set(b))
        if sha(a, sid) != sha(b, sid)
    ]
