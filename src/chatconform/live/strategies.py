"""Hypothesis strategies for chat requests, derived from the bounds in each pulled request schema.

Positive: every optional parameter inside the documented bounds (capped for cost). Negative: exactly one
bound broken (or one wrong type), so a 4xx with an error object is the only conforming answer.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from chatconform.judging.claims import request_property

WORDS = st.text(alphabet="abcdefghij ", min_size=1, max_size=24).filter(str.strip)
MESSAGES = st.lists(
    st.fixed_dictionaries({"role": st.just("user"), "content": WORDS}), min_size=1, max_size=2
)
STOP = st.text(alphabet="abcdEND\n", min_size=1, max_size=4)
MAX_TOKENS_CAP, N_CAP = 48, 4  # cost caps for positive examples (live runs stay inside the budget)


def register_profiles() -> None:
    """dev (quick), ci (derandomised, fixed budget), nightly (live, budget-bound), deep (reference only)."""
    common: dict[str, Any] = {"deadline": None, "print_blob": True}
    settings.register_profile("dev", max_examples=15, **common)
    settings.register_profile("ci", max_examples=25, derandomize=True, database=None, **common)
    settings.register_profile("nightly", max_examples=60, **common)
    settings.register_profile("deep", max_examples=1000, **common)


def bounds(spec, op, name: str) -> tuple[float | None, float | None, dict | None]:
    """(minimum, maximum, schema) of a request property, the first numeric alternative of an anyOf."""
    prop, _ = request_property(spec, op, name)
    if prop is None:
        return None, None, None
    for alt in [prop, *prop.get("anyOf", []), *prop.get("oneOf", [])]:
        if isinstance(alt, dict) and ("minimum" in alt or "maximum" in alt):
            return alt.get("minimum"), alt.get("maximum"), prop
    return None, None, prop


def _optional(spec, op) -> dict:
    """Strategies for the optional parameters this spec documents."""
    out = {}
    low, high, prop = bounds(spec, op, "temperature")
    if prop is not None:
        out["temperature"] = st.floats(low if low is not None else 0, high if high is not None else 2)
    low, high, prop = bounds(spec, op, "top_p")
    if prop is not None:
        out["top_p"] = st.floats(max(low or 0, 0.01), high if high is not None else 1)
    low, _, prop = bounds(spec, op, "max_tokens")
    if prop is not None:
        out["max_tokens"] = st.integers(max(int(low or 1), 1), MAX_TOKENS_CAP)
    low, _, prop = bounds(spec, op, "n")
    if prop is not None:
        out["n"] = st.integers(max(int(low or 1), 1), N_CAP)
    if bounds(spec, op, "stop")[2] is not None:
        out["stop"] = st.one_of(STOP, st.lists(STOP, min_size=1, max_size=4))
    return out


def chat_request(spec, op, model: str) -> st.SearchStrategy:
    """Valid chat requests for a model: required fields fixed, documented optional ones drawn in bounds."""
    return st.fixed_dictionaries(
        {"model": st.just(model), "messages": MESSAGES}, optional=_optional(spec, op)
    )


@st.composite
def invalid_chat_request(draw, spec, op, model: str) -> dict:
    """A valid request with exactly one documented bound broken (or one wrong type)."""
    body = draw(chat_request(spec, op, model))
    for key in ("temperature", "top_p", "max_tokens", "n", "stop"):
        body.pop(key, None)
    breakers = _breakers(spec, op)
    key = draw(st.sampled_from(sorted(breakers)))
    body[key.split(":")[0]] = draw(breakers[key])
    return body


def _breakers(spec, op) -> dict:
    """'field:how' -> strategy of values that break the field's documented bound or type."""
    out: dict[str, st.SearchStrategy[Any]] = {"messages:type": st.just("hello")}
    low, high, prop = bounds(spec, op, "temperature")
    if high is not None:
        out["temperature:above"] = st.floats(high + 0.01, high + 10)
    if low is not None:
        out["temperature:below"] = st.floats(low - 10, low - 0.01)
    if prop is not None:
        out["temperature:type"] = st.just("hot")
    low, _, prop = bounds(spec, op, "top_p")
    if low is not None:
        out["top_p:below"] = st.floats(low - 1, low - 0.001)
    low, _, prop = bounds(spec, op, "max_tokens")
    if low is not None:
        out["max_tokens:below"] = st.integers(-5, int(low) - 1)
        out["max_tokens:type"] = st.just("many")
    low, _, prop = bounds(spec, op, "n")
    if low is not None:
        out["n:below"] = st.integers(-3, int(low) - 1)
    if bounds(spec, op, "stop")[2] is not None:
        out["stop:too-many"] = st.lists(STOP, min_size=5, max_size=8)  # "Up to 4 sequences"
    return out
