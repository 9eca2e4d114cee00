"""The one verdict vocabulary: every path (replay, verify, live, fuzz, self-test, report, gate) speaks it."""

from __future__ import annotations

from collections.abc import Iterable

PASS, FAIL, KNOWN, GAP, CONFLICT, UNAVAILABLE, NOT_RUN = (
    "pass",
    "fail",
    "xfail",
    "gap",
    "conflict",
    "unavailable",
    "not-run",
)
# KNOWN is spelt "xfail" in results.json: a declared known deviation, failing as declared (strict xfail)

MEANING = {
    PASS: "every rule that applies held",
    FAIL: "a violation nobody declared",
    KNOWN: "failing as a declared known deviation (reason and link given)",
    GAP: "could not be judged (no schema for what came back, no response shown)",
    CONFLICT: "the provider's own documents disagree",
    UNAVAILABLE: "the provider did not answer after retries (never a pass, never a regression)",
    NOT_RUN: "not sent (budget spent, or no key)",
}
VERDICTS = tuple(MEANING)
# how a row's reason opens when a deviation declared for every model and origin (`everywhere = true`) made it
# an xfail: every view names it, since one such line turns each failure of a check into a pass
EVERYWHERE = "known deviation for every model and origin"
# worst first: an exchange's (or a summary cell's) verdict is the worst of its rows
ORDER = (FAIL, KNOWN, UNAVAILABLE, GAP, NOT_RUN, CONFLICT, PASS)


def worst(verdicts: Iterable[str]) -> str:
    """The worst verdict of several (PASS for none); an unknown word is a ValueError, never a colour."""
    seen = set(verdicts)
    unknown = seen - set(VERDICTS)
    if unknown:
        raise ValueError(f"unknown verdict(s) {sorted(map(str, unknown))}; known: {', '.join(VERDICTS)}")
    return next((v for v in ORDER if v in seen), PASS)
