"""check_bounds against a plain recursive count: refuses exactly what is too deep, too large or not
Unicode."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatconform.model.inputs import InputError, check_bounds

values = st.recursive(
    st.one_of(st.none(), st.integers(), st.text(max_size=3), st.sampled_from(["\ud800", "ok"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=2), inner, max_size=4),
    ),
    max_leaves=40,
)


def _measure(value, depth=0) -> tuple[int, int, bool]:
    """(values counted, deepest level, a lone surrogate anywhere), as the bounds are defined."""
    nodes, deepest, bad = 1, depth, isinstance(value, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    children = (
        list(value.values())
        if isinstance(value, dict)
        else list(value)
        if isinstance(value, (list, tuple))
        else []
    )
    for child in children:
        n, d, b = _measure(child, depth + 1)
        nodes, deepest, bad = nodes + n, max(deepest, d), bad or b
    return nodes, deepest, bad


@settings(max_examples=400, deadline=None)
@given(values, st.integers(0, 6), st.integers(1, 40))
def test_refuses_exactly_what_is_past_a_bound(value, max_depth, max_nodes):
    nodes, deepest, bad = _measure(value)
    if nodes > max_nodes or deepest > max_depth or bad:
        with pytest.raises(InputError):
            check_bounds(value, "v", max_depth, max_nodes)
    else:
        check_bounds(value, "v", max_depth, max_nodes)


def test_aliases_are_counted_each_time_and_refused_before_they_are_listed():
    import tracemalloc

    shared: list = [0] * 10
    for _ in range(3):  # 10 x 20,000^3 values once expanded, under a megabyte in memory
        shared = [shared] * 20_000
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="over 1,000,000 values"):
            check_bounds(shared, "laughs")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (
        peak < 64 * 2**20
    )  # the second level listed whole before counting would be 4 x 10^8 references, 3 GB
