"""The interval maths of the measures: Wilson score intervals and a sequential decision over planned looks.

A measure repeats a trial (a few requests whose outcome is "the effect was seen" or not) and stops as soon
as the interval decides. Looking after every trial would inflate the error of the decision, so the looks are
planned (after 6, 12, 24... trials, and at the last allowed trial) and the error is split between them
(Bonferroni): each look uses a one-sided level of alpha / looks. The plain Wilson interval undercovers at the
few trials a measure can afford (5 of 5 successes when the true rate is one half: 3%, but 3 of 3: 12.5%), so
decisions use Wilson's interval with continuity correction (Newcombe 1998, method 4): with it the whole
sequence of looks calls an effect present, when its true rate sits right at the threshold, in at most about
alpha of runs (tests/unit/test_measure_stats.py computes that error exactly over every path).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

FIRST_LOOK = 6  # the first planned look: with two looks, 6 of 6 is the fewest that clears one half at 95%


@dataclass(frozen=True)
class Interval:
    """A Wilson score interval of a rate (successes of trials) at a one-sided z."""

    successes: int
    trials: int
    low: float
    high: float
    z: float

    @property
    def rate(self) -> float | None:
        """The observed rate (None before any trial)."""
        return self.successes / self.trials if self.trials else None


def z_one_sided(confidence: float, looks: int = 1) -> float:
    """The z of a one-sided bound at `confidence`, its error split over `looks` planned looks."""
    if not 0 < confidence < 1 or looks < 1:
        raise ValueError(f"confidence {confidence} must lie in (0, 1) and looks {looks} be >= 1")
    return NormalDist().inv_cdf(1 - (1 - confidence) / looks)


def wilson(successes: int, trials: int, z: float, corrected: bool = True) -> Interval:
    """The Wilson score interval of successes / trials, with continuity correction unless told ((0, 1) for no
    trial)."""
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes of {trials} trials")
    if trials == 0:
        return Interval(0, 0, 0.0, 1.0, z)
    n, p, z2 = trials, successes / trials, z * z
    if corrected:
        root_low = math.sqrt(max(0.0, z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1)))
        root_high = math.sqrt(max(0.0, z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1)))
        low = (2 * n * p + z2 - 1 - z * root_low) / (2 * (n + z2))
        high = (2 * n * p + z2 + 1 + z * root_high) / (2 * (n + z2))
    else:
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
        low, high = centre - half, centre + half
    # the exact ends at 0 and n, not what rounding leaves there
    low = 0.0 if successes == 0 else max(0.0, low)
    high = 1.0 if successes == trials else min(1.0, high)
    return Interval(successes, trials, low, high, z)


def looks(max_trials: int) -> tuple[int, ...]:
    """The trial counts at which the interval is looked at: 4, 8, 16... below max_trials, and max_trials."""
    planned, n = [], FIRST_LOOK
    while n < max_trials:
        planned.append(n)
        n *= 2
    return (*planned, max(max_trials, 1))


@dataclass(frozen=True)
class Rule:
    """How one measure decides: the rate the effect must clear, the confidence, the most trials allowed."""

    threshold: float  # effect seen in more than this share of trials: present; in less: absent
    confidence: float = 0.95
    max_trials: int = 8

    @property
    def z(self) -> float:
        """The z of each look (the confidence split over the planned looks)."""
        return z_one_sided(self.confidence, len(looks(self.max_trials)))


def decide(successes: int, trials: int, rule: Rule, last: bool = False) -> tuple[bool | None, Interval]:
    """(True: the effect is there, False: it is not, None: not yet decided) and the interval it rests on.

    Only a planned look decides; between looks the answer is None. `last`: no trial will follow (the attempts
    ran out with some trials uninformative), so this is the last planned look, taken early.
    """
    interval = wilson(successes, trials, rule.z)
    if not last and trials not in looks(rule.max_trials):
        return None, interval
    if interval.low > rule.threshold:
        return True, interval
    if interval.high < rule.threshold:
        return False, interval
    return None, interval
