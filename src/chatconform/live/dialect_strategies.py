"""Hypothesis strategies for Anthropic Messages and OpenAI Responses requests, each from its own spec.

Every bound is read from the request schema of the spec that judges the call, never assumed from another
dialect: Anthropic's temperature is 0..1 (OpenAI's 0..2), its max_tokens required with a minimum of 1, top_k
at least 0; OpenAI's Responses max_output_tokens at least 16. A parameter the spec does not document is
neither drawn nor broken (Anthropic's pinned spec predates `thinking`: its budget_tokens is fuzzed only where
a spec documents it, e.g. AIML's claude *-MESSAGES specs). Positive: documented parameters inside their bounds
(capped for cost). Negative: exactly one of them broken, so a 4xx in the dialect's error envelope is the only
conforming answer.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from chatconform.live.strategies import (
    MAX_TOKENS_CAP,
    MESSAGES,
    STOP,
    WORDS,
    chat_request,
    invalid_chat_request,
)
from chatconform.model.pointer import resolve

TOP_K_CAP = 100  # top_k has no documented maximum; a small vocabulary slice is enough to sample from
# Values for what a text.format alternative requires beyond its `type` (a format needing more is not drawn).
FORMAT_FIELDS = {
    "name": "answer",
    "schema": {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
        "additionalProperties": False,
    },
}
INPUT = st.one_of(WORDS, MESSAGES)


def request_schema(spec, op) -> dict:
    """The operation's request schema as one object: $refs followed, allOf parts merged."""
    return _object(spec.doc, {"$ref": "#" + op.request_schema}, 0) if op and op.request_schema else {}


def prop(spec, op, dotted: str) -> dict | None:
    """The schema of a request property by its dotted name (`thinking.budget_tokens`), through $refs, allOf
    and the alternatives of anyOf / oneOf."""
    schema = request_schema(spec, op)
    for name in dotted.split("."):
        found = (schema.get("properties") or {}).get(name)
        if not isinstance(found, dict):
            return None
        schema = _object(spec.doc, found, 0)
    return schema


def bounds(spec, op, dotted: str) -> tuple[float | None, float | None]:
    """(minimum, maximum) of a numeric request property (its first alternative that states either)."""
    schema = prop(spec, op, dotted) or {}
    for alt in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        if isinstance(alt, dict) and ("minimum" in alt or "maximum" in alt):
            return alt.get("minimum"), alt.get("maximum")
    return None, None


def _object(doc: dict, schema, depth: int) -> dict:
    """A schema with its $ref followed and its allOf parts (and the properties of its alternatives) merged."""
    while isinstance(schema, dict) and str(schema.get("$ref", "")).startswith("#"):
        schema = resolve(doc, schema["$ref"][1:])
    if not isinstance(schema, dict) or depth > 8:
        return {}
    out = {k: v for k, v in schema.items() if k != "allOf"}
    props: dict[str, Any] = {}
    for part in [*schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        props.update(_object(doc, part, depth + 1).get("properties") or {})
    out["properties"] = {**props, **(schema.get("properties") or {})}
    if schema.get("allOf"):
        out["required"] = sorted(
            {r for p in schema["allOf"] for r in _object(doc, p, depth + 1).get("required", [])}
            | set(schema.get("required", []))
        )
    return out


def _floats(low, high, default_high) -> st.SearchStrategy:
    return st.floats(low if low is not None else 0, high if high is not None else default_high)


def _sampling(spec, op) -> dict:
    """temperature and top_p inside the spec's own bounds, where it documents them."""
    out = {}
    if prop(spec, op, "temperature") is not None:
        out["temperature"] = _floats(*bounds(spec, op, "temperature"), 1)
    if prop(spec, op, "top_p") is not None:
        low, high = bounds(spec, op, "top_p")
        out["top_p"] = _floats(max(low or 0, 0.01), high, 1)
    if prop(spec, op, "stream") is not None:
        out["stream"] = st.booleans()
    return out


def _breaking_sampling(spec, op) -> dict:
    """'field:how' -> values that break temperature's and top_p's documented bounds or type."""
    out: dict[str, st.SearchStrategy[Any]] = {}
    for name in ("temperature", "top_p"):
        low, high = bounds(spec, op, name)
        if high is not None:
            out[f"{name}:above"] = st.floats(high + 0.01, high + 1)  # Anthropic's 1.5: inside OpenAI's range
        if low is not None:
            out[f"{name}:below"] = st.floats(low - 1, low - 0.01)
    if prop(spec, op, "temperature") is not None:
        out["temperature:type"] = st.just("hot")
    return out


def messages_request(spec, op, model: str) -> st.SearchStrategy:
    """Valid Anthropic Messages requests: model, messages and max_tokens, the documented rest in bounds."""
    low = bounds(spec, op, "max_tokens")[0]
    required = {
        "model": st.just(model),
        "messages": MESSAGES,
        "max_tokens": st.integers(max(int(low or 1), 1), MAX_TOKENS_CAP),
    }
    optional = _sampling(spec, op)
    if prop(spec, op, "top_k") is not None:
        optional["top_k"] = st.integers(max(int(bounds(spec, op, "top_k")[0] or 0), 0), TOP_K_CAP)
    if prop(spec, op, "stop_sequences") is not None:
        optional["stop_sequences"] = st.lists(STOP, min_size=1, max_size=4)
    bodies = st.fixed_dictionaries(required, optional=optional)
    budget = bounds(spec, op, "thinking.budget_tokens")[0]
    return bodies if budget is None else st.one_of(bodies, _thinking(bodies, int(budget)))


def _thinking(bodies, budget_low: int) -> st.SearchStrategy:
    """Bodies with thinking enabled: budget_tokens at least its minimum and less than max_tokens (its
    prose)."""

    @st.composite
    def draw_one(draw):
        body, budget = draw(bodies), draw(st.integers(budget_low, budget_low + MAX_TOKENS_CAP))
        return {
            **body,
            "thinking": {"type": "enabled", "budget_tokens": budget},
            "max_tokens": budget + draw(st.integers(1, MAX_TOKENS_CAP)),
        }

    return draw_one()


def _messages_breakers(spec, op) -> dict:
    """'field:how' -> values breaking one documented rule of Anthropic's request (None: leave it out)."""
    low = bounds(spec, op, "max_tokens")[0]
    out = {
        "messages:type": st.just("hello"),
        "max_tokens:missing": st.none(),
        "max_tokens:type": st.just("many"),
        **_breaking_sampling(spec, op),
    }
    if low is not None:
        out["max_tokens:below"] = st.integers(int(low) - 5, int(low) - 1)
    top_k = bounds(spec, op, "top_k")[0]
    if top_k is not None:
        out["top_k:below"] = st.integers(int(top_k) - 5, int(top_k) - 1)
    if (prop(spec, op, "stop_sequences") or {}).get("type") == "array":
        out["stop_sequences:type"] = st.just("END")  # one string where the spec documents a list
    budget = bounds(spec, op, "thinking.budget_tokens")[0]
    if budget is not None:
        out["thinking:below"] = st.builds(
            lambda b: {"type": "enabled", "budget_tokens": b}, st.integers(0, int(budget) - 1)
        )
    return out


def responses_request(spec, op, model: str) -> st.SearchStrategy:
    """Valid OpenAI Responses requests: model and input, the documented rest (text.format too) in bounds."""
    optional = _sampling(spec, op)
    low = bounds(spec, op, "max_output_tokens")[0]
    if prop(spec, op, "max_output_tokens") is not None:
        optional["max_output_tokens"] = st.integers(max(int(low or 1), 1), max(int(low or 1), MAX_TOKENS_CAP))
    formats = text_formats(spec, op)
    if formats:
        optional["text"] = st.fixed_dictionaries({"format": st.sampled_from(formats)})
    return st.fixed_dictionaries({"model": st.just(model), "input": INPUT}, optional=optional)


def text_formats(spec, op) -> list[dict]:
    """One text.format per alternative the spec documents, its required fields filled (FORMAT_FIELDS)."""
    schema = prop(spec, op, "text.format") or {}
    out = []
    for alt in [_object(spec.doc, a, 0) for a in schema.get("oneOf", schema.get("anyOf", []))]:
        kinds = ((alt.get("properties") or {}).get("type") or {}).get("enum") or []
        needs = [r for r in alt.get("required", []) if r != "type"]
        if len(kinds) == 1 and all(r in FORMAT_FIELDS for r in needs):
            out.append({"type": kinds[0], **{r: FORMAT_FIELDS[r] for r in needs}})
    return out


def _responses_breakers(spec, op) -> dict:
    """'field:how' -> values breaking one documented rule of a Responses request (None: leave it out)."""
    out = {"input:type": st.just(5), **_breaking_sampling(spec, op)}
    low = bounds(spec, op, "max_output_tokens")[0]
    if low is not None:
        out["max_output_tokens:below"] = st.integers(int(low) - 16, int(low) - 1)
        out["max_output_tokens:type"] = st.just("many")
    incomplete = [{"type": f["type"]} for f in text_formats(spec, op) if len(f) > 1]
    if incomplete:  # a format without what it requires (json_schema without name and schema)
        out["text:incomplete-format"] = st.sampled_from([{"format": f} for f in incomplete])
    return out


def _invalid(valid, breakers):
    """A valid body with exactly one breaker applied (the field set to its value, or removed for None)."""

    @st.composite
    def draw_one(draw, spec, op, model):
        body = draw(valid(spec, op, model))
        table = breakers(spec, op)
        key = draw(st.sampled_from(sorted(table)))
        name, value = key.split(":")[0], draw(table[key])
        for other in table:
            if other.split(":")[0] not in ("model", "messages", "input", "max_tokens"):
                body.pop(other.split(":")[0], None)  # nothing else optional, so one rule is broken
        body.pop("thinking", None)
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
        return body

    return draw_one


invalid_messages_request = _invalid(messages_request, _messages_breakers)
invalid_responses_request = _invalid(responses_request, _responses_breakers)

# dialect -> (valid requests, invalid requests), each a function of (spec, operation, model)
STRATEGIES = {
    "openai-chat": (chat_request, invalid_chat_request),
    "anthropic-messages": (messages_request, invalid_messages_request),
    "openai-responses": (responses_request, invalid_responses_request),
}
