"""Named cases of spec documents of the wrong shape or size: `paths`/`responses` as lists, bounds of the
wrong type, no `openapi`, a document over the size cap or nested without end, and a corrupt lint cache.
Each is a finding at its JSON pointer or one line, and the rest of the document is still used."""

from __future__ import annotations

import json
import os

import pytest

from chatconform.cli import main
from chatconform.judging.validators import validate
from chatconform.recording.cassettes import dump_cassette
from chatconform.specs import _lint
from chatconform.specs._lint import lint_findings
from chatconform.specs.diff import diff_documents
from tests.adversarial.spec_project import CHAT, GOOD, base, chat_interaction, loaded, write_project

FILE = "specs/test/spec.json"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    return tmp_path


def lint_lines(capsys) -> tuple[int, list[str]]:
    code = main(["specs", "lint"])
    return code, capsys.readouterr().out.splitlines()


def verify_one(project, capsys) -> tuple[int, dict]:
    dump_cassette(project / "c.yaml", [chat_interaction(GOOD)], {"origin": "cassette"})
    code = main(["verify", "--json", str(project / "c.yaml")])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out.splitlines()[0])


def paths_as_list(doc):
    doc["paths"] = list(doc["paths"].values())


def responses_as_list(doc):
    doc["paths"][CHAT]["post"]["responses"] = [doc["paths"][CHAT]["post"]["responses"]["200"]]


@pytest.mark.parametrize(
    "mutate, pointer, says, gap",
    [
        (paths_as_list, "#/paths", "`paths` is a list, not an object; ignored", "spec-gap.no-operation"),
        (
            responses_as_list,
            "#/paths/~1v1~1chat~1completions/post/responses",
            "`responses` is a list, not an object; ignored",
            "spec-gap.status.200",
        ),
    ],
)
def test_containers_of_the_wrong_type_are_findings_and_gaps(project, capsys, mutate, pointer, says, gap):
    doc = base()
    mutate(doc)
    write_project(project, doc)
    code, lines = lint_lines(capsys)
    assert code == 0 and f"  warning   spec-lint.shape {FILE}{pointer}: {says}" in lines
    code, line = verify_one(project, capsys)
    assert code == 6 and line["verdict"] == "gap" and gap in {f["check"] for f in line["findings"]}
    notes: list = []
    diff_documents(base(), doc, notes=notes)
    assert [n.line("new.json") for n in notes] == [f"new.json{pointer}: {says}"]


BAD_KEYWORDS = [
    ("Request/properties/messages", "maxItems", "10", '"10" is not of type "integer"'),
    ("Request/properties/max_tokens", "maximum", "5", '"5" is not of type "number"'),
    ("Request/properties/model", "type", "file", "is not valid under any of the schemas"),
    ("Request", "required", "model", '"model" is not of type "array"'),
    ("Completion/properties/choices", "minItems", -1, "-1 is less than the minimum of 0"),
]


@pytest.mark.parametrize("where, keyword, value, says", BAD_KEYWORDS)
def test_a_keyword_of_the_wrong_type_is_a_finding_and_the_rest_is_checked(
    project, capsys, where, keyword, value, says
):
    doc = base()
    schema = doc["components"]["schemas"]
    for part in where.split("/"):
        schema = schema[part]
    schema[keyword] = value
    spec = loaded(doc)
    [problem] = [p for p in spec.problems if p.check == "spec-lint.schema-keyword"]
    assert problem.pointer == f"/components/schemas/{where}/{keyword}" and says in problem.message
    assert problem.unchecked
    response = spec.find_operation("post", CHAT).responses["200"]["application/json"]
    assert [f.at for f in validate(spec, response, {**GOOD, "id": 5}, check="x")] == ["$.id"]
    write_project(project, doc)
    code, lines = lint_lines(capsys)
    assert code == 0 and any(
        line.startswith(
            f"  warning   spec-lint.schema-keyword {FILE}#/components/schemas/{where}/{keyword}: {keyword}: "
        )
        for line in lines
    )
    code, line = verify_one(project, capsys)
    gaps = [f for f in line["findings"] if f["check"] == "spec-gap.unchecked"]
    if where.startswith("Request"):
        assert line["verdict"] == "gap" and len(gaps) == 1 and f"{keyword}: " in gaps[0]["message"]
    else:
        assert line["verdict"] == "gap" and gaps


def test_a_bound_that_turns_into_a_string_is_a_change_and_a_note():
    new = base()
    new["components"]["schemas"]["Request"]["properties"]["messages"]["maxItems"] = "10"
    notes: list = []
    changes = diff_documents(base(), new, notes=notes)
    assert [(c.kind, c.breaking, c.detail) for c in changes] == [
        ("bound-loosened", False, "maxItems 100 -> None")
    ]
    assert len(notes) == 1 and notes[0].pointer.endswith("/messages/maxItems")


@pytest.mark.parametrize(
    "value, pointer, says",
    [
        (None, "", "no `openapi` field: not declared an OpenAPI document (read as OpenAPI 3.0)"),
        (3, "/openapi", "`openapi` is a number (3), not an OpenAPI version 3.0.x or 3.1.x; ignored"),
        ("2.0", "/openapi", "`openapi` is a string ('2.0'), not an OpenAPI version 3.0.x or 3.1.x; ignored"),
    ],
)
def test_a_missing_or_odd_openapi_version_is_a_finding(project, capsys, value, pointer, says):
    doc = base()
    doc.pop("openapi") if value is None else doc.update(openapi=value)
    write_project(project, doc)
    code, lines = lint_lines(capsys)
    assert code == 0 and f"  warning   spec-lint.shape {FILE}#{pointer}: {says}" in lines
    assert verify_one(project, capsys)[1]["verdict"] == "pass"


def test_a_spec_over_the_size_cap_is_one_line_everywhere(project, tmp_path, capsys):
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: 65 MiB without writing them
    small = tmp_path / "small.json"
    small.write_text(json.dumps(base()))
    assert main(["specs", "diff", str(small), str(huge)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(huge) in err and "over the 67,108,864-byte limit" in err
    write_project(project, base())
    os.replace(huge, project / "specs" / "test" / "spec.json")
    code, lines = lint_lines(capsys)
    err = capsys.readouterr().err
    assert code == 1 or "over the 67,108,864-byte limit" in " ".join(lines) + err


def test_nesting_past_the_bound_is_one_line_and_below_it_works(project, tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text('{"openapi": "3.0.0", "paths": ' + "[" * 100_000 + "]" * 100_000 + "}")
    small = tmp_path / "small.json"
    small.write_text(json.dumps(base()))
    assert main(["specs", "diff", str(small), str(deep)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(deep) in err and "nested" in err
    doc = base()
    schema = {"type": "string"}
    for _ in range(90):  # two levels each: 180, under the 200-level bound of every reader
        schema = {"type": "object", "properties": {"a": schema}}
    doc["components"]["schemas"]["Completion"]["properties"]["deep"] = schema
    deep.write_text(json.dumps(doc))
    assert main(["specs", "diff", str(small), str(deep)]) == 0
    assert "property-added" in capsys.readouterr().out
    spec = loaded(doc)
    response = spec.find_operation("post", CHAT).responses["200"]["application/json"]
    assert validate(spec, response, GOOD, check="x") == []


@pytest.mark.parametrize(
    "corrupt",
    [
        b"garbage",
        b"{}",
        b"[1]",
        b'[{"at": 1}]',
        b"null",
        b'[{"at": "$", "pointer": "", "message": "x", "planted": 1}]',
        b'[{"at": "$", "pointer": "", "message": "x", "severity": "violation"}]',
        "fifo",
        "folder",
    ],
)
def test_a_corrupt_lint_cache_is_discarded_and_rebuilt(project, corrupt, monkeypatch):
    monkeypatch.setattr(_lint, "_MEMORY", {})
    spec = loaded(base())
    clean = [f.to_dict() for f in lint_findings(spec)]
    monkeypatch.setattr(_lint, "_MEMORY", {})
    path = _lint._cache_path(spec.sha256)
    assert json.loads(path.read_text()) is not None  # the clean run wrote it
    path.unlink()
    if corrupt == "fifo":
        os.mkfifo(path)
    elif corrupt == "folder":
        path.mkdir()
    else:
        path.write_bytes(corrupt)
    assert [f.to_dict() for f in lint_findings(spec)] == clean
    if corrupt != "folder":
        assert _lint._valid_items(json.loads(path.read_text()))


def test_the_same_document_is_linted_once(project, monkeypatch):
    calls = []
    real = _lint._validate
    monkeypatch.setattr(_lint, "_validate", lambda raw, size: calls.append(1) or real(raw, size))
    monkeypatch.setattr(_lint, "_MEMORY", {})
    first = lint_findings(loaded(base()))
    assert lint_findings(loaded(base())) == first and len(calls) == 1  # same bytes: remembered in memory
    monkeypatch.setattr(_lint, "_MEMORY", {})
    assert lint_findings(loaded(base())) == first and len(calls) == 1  # a new run: read from the cache


def test_a_spec_too_large_for_the_structural_validator_says_so(project, monkeypatch):
    monkeypatch.setattr(_lint, "VALIDATOR_MAX_BYTES", 10)
    monkeypatch.setattr(_lint, "_size", lambda spec: 11)
    monkeypatch.setattr(_lint, "_MEMORY", {})
    doc = base()
    doc["info"]["version"] = "not cached"
    [finding] = [f for f in lint_findings(loaded(doc)) if f.check == "spec-lint.openapi"]
    assert finding.severity == "info" and "not read by openapi-spec-validator: 11 bytes" in finding.message
