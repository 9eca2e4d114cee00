"""The exit codes every command and the pytest plugin share, and how a run's rows decide one.

0 only when every exchange was judged and held (pass, a declared known deviation, a reported docs conflict).
Something not judged (`gap`) or not reached (`unavailable`) has its own code, 6, unless the project
acknowledged that exact case (provider, models, check, reason, link) in chatconform.toml. 4 and 5 are left
to pytest's own meanings (usage error, no test collected), which a plain `pytest` run may still return.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chatconform.model.verdict import FAIL, GAP, UNAVAILABLE

CLEAN, VIOLATIONS, BAD_INPUT, INTERNAL, UNJUDGED = 0, 1, 2, 3, 6
UNJUDGED_VERDICTS = (GAP, UNAVAILABLE)
INPUT_CHECK = "input.unreadable"  # the check of a row standing for a file that could not be read at all
UNLOADABLE = "spec-gap.unloadable"  # a finding: the pinned spec its row needed could not be read

EPILOG = (
    "exit codes: 0 every exchange judged and held (pass, declared known deviation, reported docs "
    "conflict); 1 a violation; 2 bad input (a file that cannot be read is one line and its own row; "
    "the others are still judged); 3 internal error; 6 something could not be judged (gap) or "
    "reached (unavailable) and the project does not acknowledge it ([[providers.NAME.acknowledged]] in "
    "chatconform.toml). 4 and 5 are pytest's own (usage error, no test collected)."
)


def unacknowledged(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results rows that were not judged or not reached, and that no acknowledgement covers."""
    return [
        e
        for e in entries
        if e.get("verdict") in UNJUDGED_VERDICTS
        and not e.get("acknowledged")
        and e.get("check") != INPUT_CHECK
    ]


def unreadable(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows standing for a file that could not be read (a cassette, or the pinned spec a row needed)."""
    return [
        e
        for e in entries
        if e.get("check") == INPUT_CHECK or any(f.get("check") == UNLOADABLE for f in e.get("findings") or ())
    ]


def code_of(entries: Iterable[dict[str, Any]]) -> int:
    """The exit code a run's results rows call for: bad input, else violations, else unjudged, else clean."""
    entries = list(entries)
    if unreadable(entries):
        return BAD_INPUT
    if any(e.get("verdict") == FAIL for e in entries):
        return VIOLATIONS
    return UNJUDGED if unacknowledged(entries) else CLEAN


def unjudged_line(entries: Iterable[dict[str, Any]]) -> str | None:
    """One line saying what was left unjudged and how to acknowledge it, or None when nothing was."""
    rows = unacknowledged(entries)
    if not rows:
        return None
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    held = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    first = rows[0]
    why = " ".join(str(first.get("reason") or "").split())[:200]
    return (
        f"chatconform: {held} row(s) not judged and not acknowledged (exit {UNJUDGED}); first: "
        f"{first.get('provider')} {first.get('model')} {first.get('check')}: {why} (acknowledge a case "
        f"with [[providers.{first.get('provider')}.acknowledged]] check, models, reason, link in "
        f"chatconform.toml)"
    )
