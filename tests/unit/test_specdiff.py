"""specs diff: breaking vs non-breaking from a client's point of view; equivalent rewrites are no change."""

import copy
import json
from pathlib import Path

import pytest

from chatconform.cli import main
from chatconform.specs.diff import diff_documents

ROOT = Path(__file__).resolve().parents[2]
CHAT = ("paths", "/v1/chat/completions", "post")


@pytest.fixture(scope="module")
def base():
    return json.loads((ROOT / "specs/aimlapi/gemini-2.5-flash.json").read_text())


def op(doc):
    return doc["paths"]["/v1/chat/completions"]["post"]


def req(doc):
    return op(doc)["requestBody"]["content"]["application/json"]["schema"]


def resp(doc):
    return op(doc)["responses"]["200"]["content"]["application/json"]["schema"]


def kinds(old, new):
    return {(c.kind, c.breaking) for c in diff_documents(old, new)}


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda d: resp(d)["properties"]["usage"]["properties"].pop("total_tokens"),
            ("property-removed", True),
        ),
        (lambda d: resp(d)["properties"]["created"].update(type="string"), ("type-changed", True)),
        (
            lambda d: resp(d)["properties"]["choices"]["items"]["properties"]["finish_reason"]["enum"].append(
                "pause"
            ),
            ("enum-widened", True),
        ),
        (
            lambda d: resp(d)["properties"]["choices"]["items"]["properties"]["finish_reason"]["enum"].remove(
                "content_filter"
            ),
            ("enum-narrowed", False),
        ),
        (lambda d: req(d)["required"].append("temperature"), ("became-required", True)),
        (lambda d: req(d)["properties"]["temperature"].update(maximum=1), ("bound-tightened", True)),
        (lambda d: req(d)["properties"]["temperature"].update(maximum=5), ("bound-loosened", False)),
        (
            lambda d: req(d)["properties"]["response_format"]["oneOf"][0]["properties"]["type"][
                "enum"
            ].clear(),
            ("oneOf-changed", True),
        ),
        (lambda d: req(d)["properties"].update(verbosity={"type": "string"}), ("property-added", False)),
        (lambda d: resp(d)["properties"].update(service_tier={"type": "string"}), ("property-added", False)),
        (lambda d: op(d)["responses"].pop("200"), ("status-removed", True)),
        (
            lambda d: op(d)["responses"]["200"]["content"].pop("text/event-stream"),
            ("media-type-removed", True),
        ),
        (lambda d: d["paths"].pop("/chat/completions"), ("operation-removed", True)),
        (lambda d: req(d)["properties"]["max_tokens"].update(default=512), ("default-added", False)),
        (lambda d: req(d)["properties"]["stream"].update(default=True), ("default-changed", False)),
        (
            lambda d: resp(d)["properties"]["id"].update(description="changed"),
            ("documentation-changed", False),
        ),
    ],
)
def test_each_change_is_classified(base, mutate, expected):
    new = copy.deepcopy(base)
    mutate(new)
    assert expected in kinds(base, new)


def test_equivalent_rewrites_are_no_change(base):
    new = copy.deepcopy(base)
    props = resp(new)["properties"]
    props["usage"]["properties"]["completion_tokens_details"] = {
        "anyOf": [
            {
                k: v
                for k, v in props["usage"]["properties"]["completion_tokens_details"].items()
                if k != "nullable"
            },
            {"type": "null"},
        ]
    }
    resp(new)["properties"] = dict(reversed(list(props.items())))
    assert diff_documents(base, new) == []


def test_a_different_model_spec_is_a_breaking_request_change(base):
    other = json.loads((ROOT / "specs/aimlapi/gemini-2.5-pro.json").read_text())
    changes = diff_documents(base, other)
    assert any(c.kind == "enum-narrowed" and c.breaking and c.path.endswith("request.model") for c in changes)


def test_cli_json_and_exit_codes(base, tmp_path, capsys):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(base))
    changed = copy.deepcopy(base)
    req(changed)["properties"]["temperature"]["maximum"] = 1
    new.write_text(json.dumps(changed))
    assert main(["specs", "diff", str(old), str(old), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"changes": [], "breaking": False}
    assert main(["specs", "diff", str(old), str(new), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["breaking"] and set(out["changes"][0]) == {"path", "kind", "breaking", "detail"}
    assert main(["specs", "diff", str(old), str(tmp_path / "missing.json")]) == 2
