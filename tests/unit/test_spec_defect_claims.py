"""Spec defects: each is one named finding showing both sides; what a defect does not explain stays a
violation."""

import json

import pytest

from chatconform.cli import main
from chatconform.judging import specdefects
from chatconform.judging.judge import judge
from chatconform.model.errors import ChatconformError
from chatconform.model.finding import Finding
from tests.builders import chunk, completion, exchange, run_of, sse_body

LOCAL = "http://127.0.0.1:9/v1/chat/completions"  # judged against OpenAI's own spec
REQUEST = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]}


def openai_completion(**changes):
    body = completion(model="gpt-4o", **changes)
    body["choices"][0]["message"]["refusal"] = None
    return body


def schema_findings(ex, store):
    return {
        (f.check, f.severity)
        for f in judge(ex, run_of(store)).findings
        if f.kind in ("schema", "spec-defect")
    }


def test_openai_conforming_answer_has_no_schema_finding(store):
    assert (
        schema_findings(exchange(REQUEST, openai_completion(system_fingerprint="fp_1"), url=LOCAL), store)
        == set()
    )


@pytest.mark.parametrize(
    "edit, name",
    [
        (lambda b: b.update(system_fingerprint=None), "system_fingerprint-null"),
        (lambda b: b["choices"][0].pop("logprobs"), "logprobs-missing"),
        (lambda b: b["choices"][0]["message"].pop("refusal"), "refusal-missing"),
    ],
)
def test_openai_spec_stricter_than_openai_is_a_named_warning(store, edit, name):
    body = openai_completion()
    edit(body)
    [f] = [
        f
        for f in judge(exchange(REQUEST, body, url=LOCAL), run_of(store)).findings
        if f.kind == "spec-defect"
    ]
    assert (f.check, f.severity) == (f"response.spec-defect.{name}", "warning")
    assert f.source.startswith("specs/openai/openapi.json#") and f.extra["practice"].startswith(
        "OpenAI's own"
    )


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b.update(system_fingerprint=5),  # a wrong type, not null
        lambda b: b["choices"][0].update(logprobs="none"),  # present and wrong
        lambda b: b["choices"][0]["message"].update(refusal=7),
        lambda b: b["choices"][0].pop("message"),  # a required key no defect excuses
    ],
)
def test_what_a_defect_does_not_explain_stays_a_violation(store, edit):
    body = openai_completion()
    edit(body)
    assert ("response.schema", "violation") in schema_findings(exchange(REQUEST, body, url=LOCAL), store)


def test_a_chunk_defect_is_folded_once_for_every_chunk(store):
    chunks = [
        chunk(role="assistant", content="", model="gpt-4o"),
        chunk(content="Hi", model="gpt-4o"),
        chunk(finish="stop", model="gpt-4o"),
    ]
    for c in chunks:
        c["system_fingerprint"] = None
    ex = exchange({**REQUEST, "stream": True}, sse_body(*chunks), url=LOCAL)
    [f] = [f for f in judge(ex, run_of(store)).findings if f.kind == "spec-defect"]
    assert f.check == "stream.spec-defect.system_fingerprint-null" and "3 chunk(s)" in f.message


def test_an_openai_defect_does_not_excuse_another_providers_spec():
    # The OpenAI defects are scoped to OpenAI's spec: another provider's schema says what that provider must
    # send.
    [defect] = [d for d in specdefects.defects() if d.name == "system_fingerprint-null"]
    where = "#/components/schemas/CreateChatCompletionResponse/properties/system_fingerprint/type"
    finding = Finding(
        "response.schema",
        "violation",
        "schema",
        at="$.system_fingerprint",
        excerpt="null",
        schema_at="specs/openai/openapi.json" + where,
    )
    assert defect.explains(finding)
    finding.schema_at = "specs/aimlapi/gemini-2.5-flash.json" + where
    assert not defect.explains(finding)
    assert specdefects.fold([finding]) == [finding]


def test_the_catalog_is_data_and_every_spec_side_still_holds(store):
    names = [d.name for d in specdefects.defects()]
    assert len(names) == len(set(names)) >= 7
    listing = specdefects.listing(store)
    assert all(entry["spec"]["still_there"] is True for entry in listing), listing


def test_a_broken_catalog_entry_is_an_error_naming_it(tmp_path):
    path = tmp_path / "defects.toml"
    path.write_text('[[defect]]\nname = "x"\nchecks = ["response.schema"]\nseverity = "loud"\n')
    with pytest.raises(ChatconformError, match="defect #1"):
        specdefects.defects(path)


def test_chatconform_claims_lists_the_spec_defects(capsys):
    assert main(["claims", "--json"]) == 0
    listed = {d["name"]: d for d in json.loads(capsys.readouterr().out)["spec_defects"]}
    fingerprint = listed["system_fingerprint-null"]
    assert fingerprint["severity"] == "warning" and "null" in fingerprint["practice"]["says"]
    assert fingerprint["spec"]["source"].endswith(
        "CreateChatCompletionStreamResponse/properties/system_fingerprint"
    )
    assert main(["claims"]) == 0
    assert "system_fingerprint-null  [warning" in capsys.readouterr().out
