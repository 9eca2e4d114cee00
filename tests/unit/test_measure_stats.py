"""The interval maths of the measures (measures/stats.py), as properties over generated counts."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatconform.measures.stats import Rule, decide, looks, wilson, z_one_sided

Z = st.floats(min_value=0.5, max_value=4.0)


@st.composite
def counts(draw, most=400):
    trials = draw(st.integers(min_value=0, max_value=most))
    return draw(st.integers(min_value=0, max_value=trials)), trials


@given(counts(), Z, st.booleans())
def test_the_interval_lies_in_0_1_and_holds_the_observed_rate(kn, z, corrected):
    k, n = kn
    i = wilson(k, n, z, corrected)
    assert 0.0 <= i.low <= i.high <= 1.0
    if n:
        assert i.low - 1e-12 <= k / n <= i.high + 1e-12


@given(counts(), Z, st.booleans())
def test_the_interval_is_symmetric_in_successes_and_failures(kn, z, corrected):
    k, n = kn
    a, b = wilson(k, n, z, corrected), wilson(n - k, n, z, corrected)
    assert math.isclose(a.low, 1 - b.high, abs_tol=1e-12) and math.isclose(a.high, 1 - b.low, abs_tol=1e-12)


@given(counts(), Z, Z, st.booleans())
def test_a_larger_z_gives_a_wider_interval_around_the_narrower(kn, z1, z2, corrected):
    k, n = kn
    small, large = wilson(k, n, min(z1, z2), corrected), wilson(k, n, max(z1, z2), corrected)
    assert large.low <= small.low + 1e-12 and small.high <= large.high + 1e-12


@given(counts(), Z, st.booleans())
def test_one_more_success_never_lowers_either_end(kn, z, corrected):
    k, n = kn
    if k < n:
        assert wilson(k + 1, n, z, corrected).low >= wilson(k, n, z, corrected).low - 1e-12
        assert wilson(k + 1, n, z, corrected).high >= wilson(k, n, z, corrected).high - 1e-12


@given(counts(), Z)
def test_the_correction_only_widens_the_interval(kn, z):
    k, n = kn
    plain, corrected = wilson(k, n, z, False), wilson(k, n, z)
    assert corrected.low <= plain.low + 1e-12 and plain.high <= corrected.high + 1e-12


@given(st.integers(min_value=1, max_value=500), Z)
def test_all_successes_gives_the_closed_form_lower_end(n, z):
    assert math.isclose(wilson(n, n, z, corrected=False).low, n / (n + z * z), rel_tol=1e-9)
    assert wilson(n, n, z).high == 1.0 and wilson(0, n, z).low == 0.0


@settings(max_examples=40)
@given(st.integers(min_value=10, max_value=60), st.floats(min_value=0.05, max_value=0.95))
def test_the_one_sided_bound_covers_the_true_rate_about_as_often_as_it_says(n, p):
    """Exact over the binomial: P(low <= p) for a one-sided 95% bound is near 95% (Wilson's known dips
    aside)."""
    z = z_one_sided(0.95)
    covered = sum(
        math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1) if wilson(k, n, z).low <= p
    )
    assert covered >= 0.88


@given(counts(most=64), st.floats(min_value=0.1, max_value=0.9), st.integers(min_value=1, max_value=64))
def test_a_decision_rests_on_an_interval_wholly_on_one_side(kn, threshold, max_trials):
    k, n = kn
    decided, i = decide(k, n, Rule(threshold, 0.95, max_trials), last=True)
    if decided is True:
        assert i.low > threshold
    elif decided is False:
        assert i.high < threshold
    else:
        assert i.low <= threshold <= i.high


@given(counts(most=64), st.integers(min_value=1, max_value=64))
def test_only_a_planned_look_decides(kn, max_trials):
    k, n = kn
    decided, _ = decide(k, n, Rule(0.5, 0.95, max_trials))
    if n not in looks(max_trials):
        assert decided is None


@given(st.integers(min_value=1, max_value=10_000))
def test_looks_are_increasing_and_end_at_the_budget(max_trials):
    planned = looks(max_trials)
    assert list(planned) == sorted(set(planned)) and planned[-1] == max_trials


def wrongly_present(p: float, rule: Rule, corrected: bool = True) -> float:
    """P(some planned look says 'present') when the true rate is p: exact, over the distribution of successes
    after each look (a path that decided either way stops)."""
    alive, wrong, done = {0: 1.0}, 0.0, 0
    for look in looks(rule.max_trials):
        for _ in range(look - done):
            step: dict[int, float] = {}
            for k, w in alive.items():
                step[k + 1] = step.get(k + 1, 0.0) + w * p
                step[k] = step.get(k, 0.0) + w * (1 - p)
            alive = step
        done = look
        for k in list(alive):
            interval = wilson(k, look, rule.z, corrected)
            if interval.low > rule.threshold:
                wrong += alive.pop(k)
            elif interval.high < rule.threshold:
                alive.pop(k)
    return wrong


@pytest.mark.parametrize("threshold", [0.3, 0.4, 0.5, 0.6, 0.7])
def test_an_effect_at_the_threshold_is_called_present_in_at_most_alpha_of_runs_over_all_looks(threshold):
    """The worst case of the sequential procedure (true rate right at the threshold), for every budget."""
    worst = max(wrongly_present(threshold, Rule(threshold, 0.95, budget)) for budget in range(1, 65))
    assert worst <= 0.05


def test_the_plain_wilson_interval_would_not_keep_alpha_at_a_few_trials():
    """Why decisions use the correction: plain Wilson calls 3 of 3 'above one half' at 95%, and a fair coin
    gives 3 of 3 one time in eight."""
    rule = Rule(0.5, 0.95, 3)
    assert wrongly_present(0.5, rule, corrected=False) == pytest.approx(0.125)
    assert wrongly_present(0.5, rule) == 0.0


def test_a_unanimous_ci_budget_decides_and_a_split_one_does_not():
    """CI's fixed budget of 5 trials (one look): 5 of 5 decides honoured, 0 of 5 ignored, 4 of 5 nothing."""
    rule = Rule(0.5, 0.95, 5)
    assert decide(5, 5, rule)[0] is True and decide(0, 5, rule)[0] is False and decide(4, 5, rule)[0] is None


def test_a_bad_count_or_confidence_is_refused():
    with pytest.raises(ValueError):
        wilson(3, 2, 1.96)
    with pytest.raises(ValueError):
        z_one_sided(1.0)
    assert wilson(0, 0, 1.96).low == 0.0 and wilson(0, 0, 1.96).high == 1.0
