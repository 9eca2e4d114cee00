"""What a measure concludes: its verdict, with the trials, interval, confidence and cost behind it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

HONOURED, IGNORED, REJECTED, DOCUMENTED = "honoured", "ignored", "rejected", "documented-ignored"
HOLDS, BROKEN, INCONCLUSIVE = "holds", "broken", "inconclusive"
VERDICTS = (HONOURED, IGNORED, REJECTED, DOCUMENTED, HOLDS, BROKEN, INCONCLUSIVE)
# good: the behaviour is there; named: acceptable and said (a clear 4xx, or the provider's own words);
# bad: the behaviour is missing; unknown: not decided, which is never a pass
STANDING = {
    HONOURED: "good",
    HOLDS: "good",
    REJECTED: "named",
    DOCUMENTED: "named",
    IGNORED: "bad",
    BROKEN: "bad",
    INCONCLUSIVE: "unknown",
}
MEANING = {
    HONOURED: "the parameter's effect was seen in more trials than the threshold, with the confidence",
    IGNORED: "the parameter's effect was seen in fewer trials than the threshold: silently ignored",
    REJECTED: "the provider refused the parameter with a clear 4xx (acceptable, and named)",
    DOCUMENTED: "the provider's own data says it ignores the parameter (its words are quoted)",
    HOLDS: "the property held in more trials than the threshold, with the confidence",
    BROKEN: "the property held in fewer trials than the threshold",
    INCONCLUSIVE: "too few informative trials, or too many failed requests: never a pass",
}


@dataclass
class Cost:
    """What a measure spent: requests sent (retries included), tokens reported, USD from the price data."""

    requests: int = 0
    tokens: int = 0
    usd: float = 0.0

    def add(self, requests: int, tokens: int, usd: float) -> None:
        self.requests += requests
        self.tokens += tokens
        self.usd += usd


@dataclass
class MeasureResult:
    """One measure of one subject in one dialect."""

    measure: str
    dialect: str
    subject: str
    model: str
    verdict: str
    successes: int = 0
    trials: int = 0  # informative trials (those that could tell)
    attempted: int = 0  # trials started, failed and uninformative ones included
    failed: int = 0  # trials lost to an unavailable provider, a 5xx or an unreadable answer
    low: float = 0.0
    high: float = 1.0
    threshold: float = 0.5
    confidence: float = 0.95
    cost: Cost = field(default_factory=Cost)
    reason: str = ""
    notes: list[str] = field(default_factory=list)  # what single trials showed (capped)
    numbers: dict = field(default_factory=dict)  # measure-specific figures (reported vs local tokens...)
    quote: dict | None = None  # documented-ignored: {"says", "source"}
    evidence: str | None = None  # the cassette holding every exchange used

    @property
    def flaky_rate(self) -> float:
        """The share of started trials that failed."""
        return self.failed / self.attempted if self.attempted else 0.0

    @property
    def key(self) -> str:
        """measure/dialect: one row of a comparison."""
        return f"{self.measure}/{self.dialect}"

    def line(self) -> str:
        """One line for a terminal."""
        rate = f"{self.successes}/{self.trials}" if self.trials else "-"
        flaky = f", flaky {self.failed}/{self.attempted}" if self.failed else ""
        return (
            f"{self.verdict:18} {self.model[:24]:24} {self.key:34} {rate:6} [{self.low:.2f}, {self.high:.2f}]"
            f" > {self.threshold} @{self.confidence:.0%}  "
            f"{self.cost.requests} req {self.cost.tokens} tok{flaky}"
            + (f"  {self.reason}" if self.reason else "")
        )

    def to_dict(self) -> dict:
        return {**asdict(self), "flaky_rate": round(self.flaky_rate, 4)}

    @classmethod
    def from_dict(cls, data: dict) -> MeasureResult:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["cost"] = Cost(**(data.get("cost") or {}))
        return cls(**known)
