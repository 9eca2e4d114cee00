"""Validators compiled from a schema's closure judge exactly as ones compiled from the whole document, report
the same schema locations, and are compiled once for every spec whose schema there is the same."""

from __future__ import annotations

import copy

import jsonschema_rs
import pytest

from chatconform.judging import validators
from chatconform.model.pointer import to_fragment
from chatconform.specs import SpecStore
from chatconform.specs._closure import build, plain_text
from tests.adversarial.spec_project import BASE, CHAT, GOOD, NO_ID, REQUEST, S, loaded

REQ = "/paths/~1v1~1chat~1completions/post/requestBody/content/application~1json/schema"
RESP = "/paths/~1v1~1chat~1completions/post/responses/200/content/application~1json/schema"


def odd_document() -> dict:
    """BASE with refs through a list, into a path item, to the root, a loop, and a keyword at the root."""
    doc = copy.deepcopy(BASE)
    schemas = doc["components"]["schemas"]
    schemas["Completion"]["properties"]["tools"] = {"type": "array", "items": {"$ref": S + "Tools/allOf/1"}}
    schemas["Tools"] = {
        "allOf": [
            {"type": "object"},
            {
                "required": ["kind"],
                "properties": {"kind": {"enum": ["a", "b"]}, "next": {"$ref": S + "Tools"}},
            },
        ]
    }
    schemas["Completion"]["properties"]["usage"] = {
        "$ref": "#/paths/~1v1~1threads~1{thread_id}~1messages/get/"
        "responses/200/content/application~1json/schema"
    }
    schemas["Choice"]["properties"]["again"] = {"$ref": S + "Choice"}
    doc["required"] = ["object"]  # a JSON Schema keyword at the document's root applies to every instance
    return doc


INSTANCES = [
    GOOD,
    NO_ID,
    REQUEST,
    {},
    [],
    None,
    "text",
    {"choices": [{"index": "0", "again": {"index": 1}}]},
    {**GOOD, "tools": [{"kind": "c", "next": {"allOf": 1}}], "usage": {"object": 1, "data": [1, 2, 3, 4]}},
]


def errors(validator, instance) -> list:
    return [(list(e.schema_path), list(e.instance_path), e.message) for e in validator.iter_errors(instance)]


@pytest.mark.parametrize("pointer", [REQ, RESP])
def test_a_closure_judges_as_the_whole_document(pointer):
    spec = loaded(odd_document())
    assert spec.is_plain
    digest, reached = spec.closure(pointer)
    whole = jsonschema_rs.Draft202012Validator(
        {**spec.doc, "$ref": to_fragment(pointer)}, validate_formats=False
    )
    part = jsonschema_rs.Draft202012Validator(
        {**build(spec.doc, reached), "$ref": to_fragment(pointer)}, validate_formats=False
    )
    assert len(build(spec.doc, reached)) < len(spec.doc) or pointer == REQ
    assert any(errors(whole, i) for i in INSTANCES)  # the instances do break the schema somewhere
    for instance in INSTANCES:
        assert errors(part, instance) == errors(whole, instance)


def test_the_same_schema_in_two_specs_is_compiled_once():
    one, two = loaded(copy.deepcopy(BASE)), loaded({**copy.deepcopy(BASE), "info": {"title": "another spec"}})
    assert one.sha256 != two.sha256 and one.closure(RESP)[0] == two.closure(RESP)[0]
    assert validators.validator_for(one, RESP) is validators.validator_for(two, RESP)
    changed = copy.deepcopy(BASE)
    changed["components"]["schemas"]["Choice"]["properties"]["index"]["minimum"] = 0
    three = loaded(changed)
    assert three.closure(RESP)[0] != one.closure(RESP)[0]
    assert validators.validator_for(three, RESP) is not validators.validator_for(one, RESP)
    finding = validators.validate(two, RESP, NO_ID, check="x")[0]  # the shared validator, this spec's name
    assert finding.schema_at.startswith("specs/test/spec.json#/components/schemas/Completion")


def test_a_document_that_names_its_own_ids_is_compiled_whole(monkeypatch):
    doc = copy.deepcopy(BASE)
    doc["components"]["schemas"]["Choice"]["$id"] = "https://example.org/choice"
    spec = loaded(doc)
    assert not spec.is_plain and spec.closure(RESP) is None
    assert validators.validate(spec, RESP, GOOD, check="x") == []
    assert [f.at for f in validators.validate(spec, RESP, NO_ID, check="x")] == ["$"]


def test_refs_to_the_root_alone_keep_closures():
    assert plain_text('{"oneOf": [{"$ref": "#/a"}, {"$recursiveRef": "#"}]}')
    assert not plain_text('{"$recursiveRef": "#/components/schemas/A"}')
    assert not plain_text('{"$anchor": "a"}')


@pytest.mark.slow  # loads every pinned spec of the catalog
def test_every_pinned_chat_schema_judges_as_its_whole_document():
    """On the real catalog: each spec's chat request and 200 schemas, closure against whole document."""
    store = SpecStore()
    seen = 0
    for source in store.catalog.sources:
        if source.kind != "spec" or not source.id.startswith(("aimlapi/", "modelslab/")):
            continue
        spec = store.load(source)
        op = spec.find_operation("post", CHAT)
        if op is None or not spec.is_plain:
            continue
        for pointer in [op.request_schema, *(op.response_for(200)[1] or {}).values()]:
            if pointer is None:
                continue
            whole = jsonschema_rs.Draft202012Validator(
                {**spec.doc, "$ref": to_fragment(pointer)}, validate_formats=False, offline=True
            )
            part = validators.validator_for(spec, pointer)
            for instance in INSTANCES:
                assert errors(part, instance) == errors(whole, instance), (source.id, pointer)
            seen += 1
    assert seen > 100  # the catalog is pinned: hundreds of schemas compared
