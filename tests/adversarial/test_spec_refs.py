"""Named cases of `$ref`s a published spec can hold: pointing at nothing (as real AIML revisions do),
relative to their own schema, looping with fan-out, naming another file or URL; and JSON pointers built
from path templates. Each is a finding or one line naming file and pointer, never a traceback or a hang."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest
import yaml

from chatconform.cli import main
from chatconform.judging.validators import is_valid, unchecked_findings, validate
from chatconform.model.pointer import from_ref, join, resolve, to_fragment
from chatconform.recording.cassettes import dump_cassette
from chatconform.specs._lint import lint_findings
from chatconform.specs.diff import diff_documents
from tests.adversarial.spec_project import CHAT, GOOD, NO_ID, S, base, chat_interaction, loaded, write_project
from tests.builders import completion

ROOT = Path(__file__).resolve().parents[2]
O1_MINI = "aimlapi-api-docs/docs/api-references/text-models-llm/OpenAI/o1-mini.json"
LOGPROBS = join(
    "paths",
    CHAT,
    "post",
    "responses",
    "200",
    "content",
    "application/json",
    "schema",
    "properties",
    "choices",
    "items",
    "properties",
    "logprobs",
    "anyOf",
    "0",
)
RESPONSE = join("paths", CHAT, "post", "responses", "200", "content", "application/json", "schema")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (CHATCONFORM_ROOT) with its own lint cache; write_project fills it."""
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    return tmp_path


def verify(capsys, *paths) -> tuple[int, list[dict], str]:
    code = main(["verify", "--json", *map(str, paths)])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def checks(line: dict) -> set[str]:
    return {f["check"] for f in line["findings"]}


# --- a real upstream revision: AIML's generator wrote refs relative to the schema they sit in ---


def test_aiml_relative_refs_are_read_as_meant_and_reported(mirror, project, capsys):
    doc = json.loads((mirror / O1_MINI).read_text())
    spec = loaded(doc)
    relative = [p for p in spec.problems if p.check == "spec-lint.ref-relative"]
    assert join(
        "paths",
        CHAT,
        "post",
        "responses",
        "200",
        "content",
        "application/json",
        "schema",
        "properties",
        "choices",
        "items",
        "properties",
        "logprobs",
        "anyOf",
        "0",
        "properties",
        "refusal",
        "items",
    ) in {p.pointer for p in relative}
    assert not [p for p in spec.problems if p.unchecked]
    body = completion(model="openai/o1-mini")
    assert validate(spec, RESPONSE, body, check="x") == []
    refusal = LOGPROBS + "/properties/refusal/items"
    assert resolve(spec.checked, refusal) == {"$ref": to_fragment(LOGPROBS + "/properties/content/items")}
    body["choices"][0]["logprobs"] = {
        "content": [],
        "refusal": [{"token": "a", "logprob": 0.0, "bytes": [97]}],
    }
    assert validate(spec, RESPONSE, body, check="x") == []
    body["choices"][0]["logprobs"]["refusal"][0]["token"] = (
        5  # the ref is followed: a refusal item is a token
    )
    [finding] = validate(spec, RESPONSE, body, check="x")
    assert (finding.at, finding.keyword) == ("$.choices[0].logprobs", "anyOf")
    write_project(project, doc)
    assert main(["specs", "lint"]) == 0
    out = capsys.readouterr().out
    assert (
        f"spec-lint.ref-relative specs/test/spec.json{to_fragment(LOGPROBS)}/properties/refusal/items" in out
    )


def test_diff_of_a_real_revision_with_broken_refs_is_notes_not_a_traceback(mirror, capsys):
    path = mirror / O1_MINI
    assert main(["specs", "diff", str(path), str(path)]) == 0
    out, err = capsys.readouterr()
    assert "0 change(s), 0 breaking" in out
    lines = err.splitlines()  # four broken refs, the same in both files: said once each, naming both
    assert len(lines) == 4 and all(line.startswith(f"note: {path}#/paths/") for line in lines)
    assert all(f" (and {path}): `$ref` '#/properties/choices/" in line for line in lines)


# --- a ref that points at nothing ---


def dangling() -> dict:
    doc = base()
    doc["components"]["schemas"]["Completion"]["properties"]["model"] = {"$ref": S + "Nope"}
    return doc


def test_a_dangling_ref_is_a_lint_finding_at_its_pointer(project, capsys):
    write_project(project, dangling())
    assert main(["specs", "lint"]) == 0
    out = capsys.readouterr().out
    assert (
        "spec-lint.ref-dangling specs/test/spec.json#/components/schemas/Completion/properties/model: "
        "`$ref` '#/components/schemas/Nope' points at nothing" in out
    )


def test_a_dangling_ref_makes_verify_say_gap_never_pass(project, capsys):
    write_project(project, dangling())
    cassette = project / "c.yaml"
    dump_cassette(cassette, [chat_interaction(GOOD), chat_interaction(NO_ID)], {"origin": "cassette"})
    code, (good, no_id), err = verify(capsys, cassette)
    assert code == 1 and "Traceback" not in err
    assert good["verdict"] == "gap" and "spec-gap.unchecked" in checks(good)
    [gap] = [f for f in good["findings"] if f["check"] == "spec-gap.unchecked"]
    assert "#/components/schemas/Nope' points at nothing" in gap["message"]
    assert no_id["verdict"] == "fail" and "response.schema" in checks(no_id)


def test_a_dangling_ref_in_diff_and_pull_names_file_and_pointer(project, tmp_path, capsys):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(base()))
    new.write_text(json.dumps(dangling()))
    assert main(["specs", "diff", str(old), str(new)]) in (0, 1)
    err = capsys.readouterr().err
    assert (
        err == f"note: {new}#/components/schemas/Completion/properties/model: `$ref` "
        "'#/components/schemas/Nope' points at nothing (/components/schemas/Nope: nothing at "
        "'/components/schemas' (an object has no 'Nope')); that part is not checked\n"
    )
    mirror = tmp_path / "mirror"
    write_project(project, dangling(), mirror=mirror)
    (project / "specs" / "specs.lock").unlink()
    assert main(["specs", "pull", "--update", "--mirror", str(mirror)]) == 0
    out = capsys.readouterr().out
    assert "test/spec: added in lock" in out
    assert (
        "warning: 1 $ref problem(s), first at specs/test/spec.json#/components/schemas/Completion/"
        "properties/model" in out
    )


# --- a ref loop with fan-out ---


def looping() -> dict:
    """The response is a loop back to itself (six times) or a completion; and a chain of ten schemas
    each naming the next eight times, closing on itself (inlined, 8**10 copies)."""
    doc = base()
    schemas = doc["components"]["schemas"]
    schemas["Loop"] = {"anyOf": [{"$ref": S + "Loop"}] * 6 + [{"$ref": S + "Completion"}]}
    for i in range(10):
        schemas[f"D{i}"] = {
            "type": "object",
            "properties": {"next": {"anyOf": [{"$ref": f"{S}D{(i + 1) % 10}"}] * 8}},
        }
    schemas["Completion"]["properties"]["chain"] = {"$ref": S + "D0"}
    doc["paths"][CHAT]["post"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": S + "Loop"
    }
    return doc


def test_a_looping_spec_still_fails_a_body_missing_a_required_field(project, capsys):
    write_project(project, looping())
    cassette = project / "c.yaml"
    dump_cassette(cassette, [chat_interaction(GOOD), chat_interaction(NO_ID)], {"origin": "cassette"})
    code, (good, no_id), _ = verify(capsys, cassette)
    assert (good["verdict"], no_id["verdict"]) == ("pass", "fail") and code == 1


def test_a_loop_is_cut_where_it_closes_and_reported(project):
    spec = loaded(looping())
    cuts = {p.pointer for p in spec.problems if p.check == "spec-lint.ref-cycle"}
    assert {f"/components/schemas/Loop/anyOf/{i}" for i in range(6)} <= cuts
    assert is_valid(spec, "/components/schemas/Loop", GOOD) and not is_valid(
        spec, "/components/schemas/Loop", NO_ID
    )
    assert not [p for p in spec.problems if p.unchecked]  # the loop adds nothing: nothing goes unchecked


def test_diff_and_pull_of_a_looping_spec_finish(project, tmp_path, capsys):
    start = time.perf_counter()
    notes: list = []
    assert {c.kind for c in diff_documents(base(), looping(), notes=notes)} >= {"anyOf-changed"}
    assert (
        f"{RESPONSE}: schema over 200,000 values or 200 levels once its $refs are inlined: each $ref "
        "target inlined once, later uses compared by name" in {f"{n.pointer}: {n.message}" for n in notes}
    )
    assert diff_documents(looping(), looping()) == []
    mirror = tmp_path / "mirror"
    write_project(project, base())
    write_project(tmp_path / "elsewhere", looping(), mirror=mirror)
    assert main(["specs", "pull", "--mirror", str(mirror)]) == 1
    err = capsys.readouterr().err
    assert "test/spec: sha256" in err and "differs from lock" in err and err.count("\n") == 2
    assert time.perf_counter() - start < 30


# --- a ref to another document or a URL is never fetched ---


def test_a_ref_to_a_url_is_not_fetched_and_leaves_a_gap(project, capsys):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        doc = base()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/usage.json"
        doc["components"]["schemas"]["Completion"]["properties"]["model"] = {"$ref": url}
        doc["components"]["schemas"]["Choice"]["properties"]["index"] = {"$ref": "other.json#/Index"}
        spec = loaded(doc)
        assert is_valid(spec, RESPONSE, GOOD)
        assert {f.check for f in lint_findings(spec)} >= {"spec-lint.ref-external"}
        write_project(project, doc)
        dump_cassette(project / "c.yaml", [chat_interaction(GOOD)], {"origin": "cassette"})
        code, [line], _ = verify(capsys, project / "c.yaml")
        with pytest.raises(socket.timeout):
            listener.accept()  # nothing ever connected
    assert line["verdict"] == "gap" and code == 6  # not judged, and nobody acknowledged it
    messages = " ".join(f["message"] for f in line["findings"])
    assert url in messages and "other.json#/Index" in messages


# --- JSON pointers built from path templates ---


def test_pointers_escape_slash_tilde_and_braces():
    doc = {"paths": {"/a~b/{id}/c d%": {"get": 1}}}
    pointer = join("paths", "/a~b/{id}/c d%", "get")
    assert pointer == "/paths/~1a~0b~1{id}~1c d%/get" and resolve(doc, pointer) == 1
    assert to_fragment(pointer) == "#/paths/~1a~0b~1%7Bid%7D~1c%20d%25/get"
    assert from_ref(to_fragment(pointer)) == pointer and from_ref("#" + pointer) == pointer


def test_an_operation_under_a_path_template_is_judged(project):
    spec = loaded(base())
    op = spec.find_operation("get", "/v1/threads/abc/messages")
    pointer = op.responses["200"]["application/json"]
    assert (
        pointer
        == "/paths/~1v1~1threads~1{thread_id}~1messages/get/responses/200/content/application~1json/schema"
    )
    assert validate(spec, pointer, {"object": "list", "data": []}, check="x") == []
    [finding] = validate(spec, pointer, {"object": "list", "data": [1, 2, 3, 4]}, check="x")
    assert finding.keyword == "maxItems" and finding.schema_at.startswith(
        "specs/test/spec.json#/components/schemas/MessageList/"
    )
    assert unchecked_findings(spec, pointer) == []


def test_a_non_chat_interaction_in_a_real_folder_does_not_stop_verify(tmp_path, monkeypatch, capsys):
    """The real OpenAI recordings, one of them moved to /v1/threads/abc/messages: both are judged."""
    monkeypatch.setenv("CHATCONFORM_ROOT", str(ROOT))
    real = ROOT.parent / "shared" / "realtraffic" / "otel-contrib"
    if not real.is_dir():
        pytest.skip(f"no real-traffic corpus at {real}")
    source = sorted(real.glob("*.yaml"))[0]
    data = yaml.safe_load(source.read_text())
    data["interactions"][0]["request"]["uri"] = "https://api.openai.com/v1/threads/abc/messages"
    folder = tmp_path / "cassettes"
    folder.mkdir()
    (folder / "a-threads.yaml").write_text(yaml.safe_dump(data))
    shutil.copy(sorted(real.glob("*.yaml"))[1], folder / "b-chat.yaml")
    code, lines, err = verify(capsys, folder)
    assert code in (0, 1, 6) and "Traceback" not in err
    assert [Path(line["cassette"]).name for line in lines][:1] == ["a-threads.yaml"]
    assert "b-chat.yaml" in {Path(line["cassette"]).name for line in lines}
    assert not any(f["check"] == "spec-gap.unloadable" for line in lines for f in line["findings"])
