"""Each dialect's request strategies come from its own spec: valid bodies pass the spec's request schema,
invalid ones break exactly one of its rules, and a bound the spec changes moves the strategies with it."""

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatconform.dialects import contracts
from chatconform.judging.claims._negative import schema_problems
from chatconform.live.dialect_strategies import (
    STRATEGIES,
    bounds,
    invalid_messages_request,
    messages_request,
    text_formats,
)

ROOT = Path(__file__).resolve().parents[2]
# AIML documents Anthropic's extended thinking in its own /v1/messages spec (Anthropic's pinned one predates
# it)
AIML_MESSAGES = (
    ROOT.parent / "shared/upstream/aimlapi-api-docs/docs/api-references/text-models-llm/Anthropic/"
    "claude-sonnet-5-MESSAGES.json"
)
PATHS = {"anthropic": "/v1/messages", "openai": "/v1/responses"}
DIALECT = {"anthropic": "anthropic-messages", "openai": "openai-responses"}


def contract(store, name: str):
    spec = store.load(store.catalog.get(contracts()[name].source))
    return spec, spec.find_operation("post", PATHS[name])


def test_anthropic_bounds_are_anthropics_own(spec_store):
    spec, op = contract(spec_store, "anthropic")
    assert bounds(spec, op, "temperature") == (0, 1)  # not OpenAI's 0..2
    assert bounds(spec, op, "max_tokens")[0] == 1 and bounds(spec, op, "top_k")[0] == 0
    assert bounds(spec, op, "thinking.budget_tokens") == (None, None)  # the pinned spec predates thinking


def test_responses_bounds_and_formats_are_openais(spec_store):
    spec, op = contract(spec_store, "openai")
    assert bounds(spec, op, "max_output_tokens")[0] == 16 and bounds(spec, op, "temperature") == (0, 2)
    assert [f["type"] for f in text_formats(spec, op)] == ["text", "json_schema", "json_object"]


@pytest.mark.parametrize("name", PATHS)
def test_valid_bodies_pass_the_dialects_request_schema(spec_store, name):
    spec, op = contract(spec_store, name)
    valid = STRATEGIES[DIALECT[name]][0]

    @settings(max_examples=40, derandomize=True, database=None)
    @given(body=valid(spec, op, "m"))
    def check(body):
        assert schema_problems(spec, op.request_schema, body) == [], body

    check()


@pytest.mark.parametrize("name", PATHS)
def test_invalid_bodies_break_exactly_one_rule(spec_store, name):
    spec, op = contract(spec_store, name)
    invalid = STRATEGIES[DIALECT[name]][1]
    broken = set()

    @settings(max_examples=80, derandomize=True, database=None)
    @given(body=invalid(spec, op, "m"))
    def check(body):
        problems = schema_problems(spec, op.request_schema, body)
        assert len(problems) == 1, (body, problems)
        broken.add(problems[0].split(":")[0])

    check()
    expected = {
        "anthropic": {
            "$",
            "$.max_tokens",
            "$.messages",
            "$.temperature",
            "$.top_k",
            "$.top_p",
            "$.stop_sequences",
        },
        "openai": {"$.input", "$.max_output_tokens", "$.temperature", "$.top_p", "$.text.format"},
    }[name]
    assert broken == expected  # "$": the missing max_tokens


def test_a_bound_the_spec_moves_moves_the_strategies(spec_store):
    """Nothing is assumed: halve Anthropic's documented temperature maximum and the strategies follow."""
    spec, op = contract(spec_store, "anthropic")
    doc = copy.deepcopy(spec.doc)
    doc["components"]["schemas"]["CreateMessageParams"]["properties"]["temperature"]["maximum"] = 0.5
    moved = SimpleNamespace(doc=doc)
    drawn = []

    @settings(max_examples=60, derandomize=True, database=None)
    @given(valid=messages_request(moved, op, "m"), invalid=invalid_messages_request(moved, op, "m"))
    def check(valid, invalid):
        drawn.append(invalid.get("temperature"))
        assert valid.get("temperature", 0) <= 0.5

    check()
    assert any(isinstance(t, float) and 0.5 < t <= 1 for t in drawn)  # valid for Anthropic, invalid here


def test_thinking_budget_is_fuzzed_where_a_spec_documents_it():
    """AIML's claude MESSAGES spec: budget_tokens "minimum": 1024, "Must be ≥1024 and less than
    max_tokens"."""
    doc = json.loads(AIML_MESSAGES.read_text())
    spec = SimpleNamespace(doc=doc)
    op = SimpleNamespace(
        request_schema="/paths/~1v1~1messages/post/requestBody/content/application~1json/schema"
    )
    assert bounds(spec, op, "thinking.budget_tokens")[0] == 1024
    seen = {"valid": 0, "invalid": 0}

    @settings(max_examples=60, derandomize=True, database=None)
    @given(st.tuples(messages_request(spec, op, "m"), invalid_messages_request(spec, op, "m")))
    def check(pair):
        valid, invalid = pair
        if "thinking" in valid:
            seen["valid"] += 1
            assert 1024 <= valid["thinking"]["budget_tokens"] < valid["max_tokens"]
        if "thinking" in invalid:
            seen["invalid"] += 1
            assert invalid["thinking"]["budget_tokens"] < 1024  # below its minimum: the one rule broken

    check()
    assert seen["valid"] and seen["invalid"]
