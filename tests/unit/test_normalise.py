"""OpenAPI 3.0/3.1 schema objects read as JSON Schema 2020-12."""

from collections import Counter

import jsonschema_rs
import pytest

from chatconform.specs._normalise import normalise_document, normalise_schema


def valid(schema, value) -> bool:
    return jsonschema_rs.Draft202012Validator(normalise_schema(schema, Counter())).is_valid(value)


@pytest.mark.parametrize(
    "schema, value, expected",
    [
        ({"type": "string", "nullable": True}, None, True),
        ({"type": "string"}, None, False),
        ({"type": "string", "nullable": False}, None, False),
        ({"type": "string", "enum": ["a"], "nullable": True}, None, True),
        ({"type": "string", "enum": ["a"], "nullable": True}, "b", False),
        ({"allOf": [{"type": "integer"}], "nullable": True}, None, True),
        ({"allOf": [{"type": "integer"}], "nullable": True}, "x", False),
        ({"anyOf": [{"type": "string"}, {"nullable": True}]}, None, True),
        ({"anyOf": [{"type": "string"}, {"nullable": True}]}, 5, False),  # the bare branch means "or null"
        ({"type": "object", "additionalProperties": {"nullable": True}}, {"a": 5, "b": None}, True),
        ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, 0, False),
        ({"type": "number", "minimum": 0, "exclusiveMinimum": False}, 0, True),
        (
            {
                "type": "object",
                "properties": {"nullable": {"type": "string"}, "example": {"type": "integer"}},
            },
            {"nullable": "x", "example": "not an int"},
            False,
        ),
    ],
)
def test_openapi_keywords_keep_their_meaning(schema, value, expected):
    assert valid(schema, value) is expected


def test_rewrites_are_counted_and_the_input_is_untouched():
    doc = {"openapi": "3.1.0", "components": {"schemas": {"A": {"type": "string", "nullable": True}}}}
    out, counts = normalise_document(doc)
    assert doc["components"]["schemas"]["A"] == {"type": "string", "nullable": True}
    assert out["components"]["schemas"]["A"] == {"type": ["string", "null"]}
    assert counts["nullable"] == 1


def test_openai_spec_uses_nullable_despite_declaring_3_1(store):
    spec = store.load(store.catalog.get("openai/openapi"))
    assert spec.version.startswith("3.1")
    assert spec.rewrites["nullable"] >= 100
    lint = [f for f in spec.lint() if f.check == "spec-lint.normalised"]
    assert any("nullable" in f.message and f.severity == "warning" for f in lint)
