"""The one tally of a run: its results rows counted by verdict, once.

Every view of a run reads it: the CLI line, results.json's `counts`, the summary's headline, junit.xml's
properties and what Allure is told, so no two of them can disagree. A verdict word this version does not know
is counted under its own word (after the known ones), never folded into another.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from chatconform.model.verdict import CONFLICT, FAIL, GAP, KNOWN, NOT_RUN, PASS, UNAVAILABLE, VERDICTS

# Allure's status for a test whose rows' worst verdict is this: what could not be judged or reached is
# "broken" (never green, never skipped out of sight); a known deviation is a strict xfail (Allure: skipped)
ALLURE_STATUS = {
    PASS: "passed",
    CONFLICT: "passed",
    FAIL: "failed",
    KNOWN: "skipped",
    NOT_RUN: "skipped",
    GAP: "broken",
    UNAVAILABLE: "broken",
}
JUNIT_PROPERTY = "chatconform.verdict"  # a testcase's property, once per row it wrote to results.json


@dataclass(frozen=True)
class Tally:
    """Rows by verdict: every word of the vocabulary (0 included), then any unknown word seen."""

    counts: dict

    @classmethod
    def of(cls, rows) -> Tally:
        """The tally of results rows (dicts with a `verdict`)."""
        seen = Counter(row["verdict"] for row in rows)
        known = {verdict: seen.pop(verdict, 0) for verdict in VERDICTS}
        return cls({**known, **dict(sorted(seen.items()))})

    @property
    def total(self) -> int:
        """How many rows."""
        return sum(self.counts.values())

    def __getitem__(self, verdict: str) -> int:
        return self.counts.get(verdict, 0)

    def line(self) -> str:
        """The run's counts in results.json's words, every verdict named (a 0 says it did not happen)."""
        said = ", ".join(f"{n} {v}" for v, n in self.counts.items())
        return f"{self.total} rows: {said}"


def allure_status(verdict: str | None) -> str | None:
    """Allure's status for a verdict (None: leave allure-pytest's own)."""
    return ALLURE_STATUS.get(verdict or "")
