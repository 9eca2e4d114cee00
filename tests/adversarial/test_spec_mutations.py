"""Mutated spec documents (lists for objects, dangling and cyclic refs, wrong types, deep nesting) through
load+validate, lint, diff and the CLI: a finding or one line, never a traceback, never a hang."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import time
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chatconform.cli import main
from chatconform.judging.validators import unchecked_findings, validate
from chatconform.model.errors import ChatconformError
from chatconform.model.inputs import InputError, parse_json
from chatconform.model.pointer import REMOVE, apply_fixes, resolve
from chatconform.specs._lint import lint_findings
from chatconform.specs.diff import diff_documents
from tests.adversarial.spec_project import (
    BASE,
    GOOD,
    NO_ID,
    REQUEST,
    S,
    base,
    chat_interaction,
    loaded,
    write_project,
)

SECONDS = 20.0  # one example (small documents) takes milliseconds; the "no hang" line, loose for busy CI


def _pointers(node, at=""):
    """(pointer, value) of every object and list in a document."""
    yield at, node
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, (dict, list)):
            yield from _pointers(value, f"{at}/{str(key).replace('~', '~0').replace('/', '~1')}")


OBJECTS = sorted(p for p, v in _pointers(BASE) if isinstance(v, dict) and p)
SCHEMAS = [p for p in OBJECTS if p.startswith("/components/schemas/") or p.endswith("/schema")]
REFS = [
    "#/components/schemas/Nope",
    "#/nope/1",
    "#",
    "#/",
    "#/components/schemas/Completion/properties/~2",
    "#/paths/~1v1~1threads~1{thread_id}~1messages",
    "#/paths/~1v1~1threads~1%7Bthread_id%7D~1messages",
    "#/properties/id",
    "other.json#/x",
    "http://127.0.0.1:9/x.json",
    "urn:x:y",
    S + "Completion",
    S + "Choice",
    "#%2Fcomponents",
    5,
    None,
    [],
    {"$ref": S + "Choice"},
]
WRONG = st.one_of(
    st.sampled_from(["10", "", "x", "3.0", "file", True, False, None, -1, 0, 1e308, [], {}]),
    st.lists(st.sampled_from([1, "a", None]), max_size=3),
    st.integers(-3, 3),
)
KEYWORDS = [
    "maxItems",
    "maximum",
    "minimum",
    "minLength",
    "required",
    "type",
    "enum",
    "properties",
    "items",
    "pattern",
    "anyOf",
    "nullable",
    "exclusiveMinimum",
    "$ref",
    "description",
]

mutation = st.one_of(
    st.tuples(st.just("list-for-object"), st.sampled_from(OBJECTS)),
    st.tuples(st.just("wrong-type"), st.sampled_from(OBJECTS), WRONG),
    st.tuples(st.just("ref"), st.sampled_from(SCHEMAS), st.sampled_from(REFS)),
    st.tuples(st.just("cycle"), st.sampled_from(SCHEMAS), st.integers(2, 8)),
    st.tuples(st.just("chain"), st.integers(2, 12), st.integers(2, 8)),
    st.tuples(st.just("keyword"), st.sampled_from(SCHEMAS), st.sampled_from(KEYWORDS), WRONG),
    st.tuples(
        st.just("deep"),
        st.sampled_from(SCHEMAS),
        st.integers(10, 260),
        st.sampled_from(["items", "allOf", "properties", "not"]),
    ),
    st.tuples(st.just("drop"), st.sampled_from(["openapi", "paths", "components", "info"])),
    st.tuples(st.just("set"), st.sampled_from(["/openapi", "/paths", "/components/schemas"]), WRONG),
)


def mutate(doc: dict, change) -> dict:
    """The document with one change applied (in place: the caller holds a fresh copy)."""
    kind, *args = change
    if kind == "chain":  # D0 -> D1 -> ... -> D0, each with `fan` refs to the next: explodes if inlined
        length, fan = args
        components = doc.setdefault("components", {})
        schemas = components.setdefault("schemas", {}) if isinstance(components, dict) else None
        if isinstance(schemas, dict):
            for i in range(length):
                schemas[f"D{i}"] = {
                    "anyOf": [{"$ref": f"{S}D{(i + 1) % length}"}] * fan + [{"type": "string"}]
                }
            completion = schemas.get("Completion")
            if isinstance(completion, dict) and isinstance(completion.setdefault("properties", {}), dict):
                completion["properties"]["d"] = {"$ref": S + "D0"}
        return doc
    if kind == "drop":
        doc.pop(args[0], None)
        return doc
    at = args[0]
    return apply_fixes(doc, [(at, _fix(kind, at, args[1:]))], own=True)  # the test's own fresh copy


def _fix(kind: str, at: str, args):
    def fix(node):
        if kind == "list-for-object":
            return list(node.values()) if isinstance(node, dict) else [node]
        if kind in ("wrong-type", "set"):
            return args[0]
        if kind == "ref":
            return {**node, "$ref": args[0]} if isinstance(node, dict) else {"$ref": args[0]}
        if kind == "cycle":  # an alternative and a constraint that come back to this very schema
            loop = {"$ref": "#" + at}
            return {"anyOf": [loop] * args[0] + [node], "allOf": [loop] * args[0]}
        if kind == "keyword":
            return {**node, args[0]: args[1]} if isinstance(node, dict) else node
        if kind == "deep":
            depth, key = args
            for _ in range(depth):
                node = (
                    {key: {"a": node}} if key == "properties" else {key: [node] if key == "allOf" else node}
                )
            return node
        return REMOVE

    return fix


def _one_line(text: str) -> None:
    assert text and "\n" not in text.strip() and "Traceback" not in text, text


def _exercise(doc) -> None:
    """What every command does with a spec: parse (bounded), prepare, validate, lint, diff both ways."""
    try:
        parsed = parse_json(json.dumps(doc), "specs/test/spec.json")
        spec = loaded(parsed)
    except InputError as err:
        _one_line(str(err))
        return
    for op in spec.operations:
        pointers = [op.request_schema] + [p for media in op.responses.values() for p in media.values()]
        for pointer in filter(None, pointers):
            for body in (GOOD, NO_ID, REQUEST, [], "x", None):
                try:
                    for finding in validate(spec, pointer, body, check="x") + unchecked_findings(
                        spec, pointer
                    ):
                        _one_line(finding.message)
                except ChatconformError as err:
                    _one_line(str(err))
    for finding in lint_findings(spec):
        _one_line(finding.message)
        assert finding.schema_at.startswith("specs/test/spec.json")
    for old, new in ((BASE, parsed), (parsed, BASE)):
        notes: list = []
        try:
            diff_documents(old, new, notes=notes)
        except InputError as err:
            _one_line(str(err))
        for note in notes:
            _one_line(note.line("specs/test/spec.json"))


_CACHE = tempfile.mkdtemp(prefix="chatconform-lint-cache-")


def mutated(changes) -> dict:
    """The base spec with the changes applied. One deep nesting at most: it is already far past what any
    reader takes (inputs.MAX_DEPTH), and two stacked at the same place (over 1,000 levels) would exceed the
    test's own Python recursion limit in json.dumps before chatconform ever sees the document."""
    assume(sum(change[0] == "deep" for change in changes) <= 1)
    doc = base()
    for change in changes:
        doc = mutate(doc, change)
    return doc


@settings(
    max_examples=max(settings().max_examples, 40), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(changes=st.lists(mutation, min_size=1, max_size=3))
def test_mutated_specs_are_findings_or_one_line(changes):
    doc = mutated(changes)
    start = time.perf_counter()
    with mock.patch.dict(os.environ, {"CHATCONFORM_CACHE": _CACHE}):
        _exercise(doc)
    assert time.perf_counter() - start < SECONDS


@settings(
    max_examples=max(settings().max_examples // 2, 12),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(changes=st.lists(mutation, min_size=1, max_size=2))
def test_mutated_specs_through_the_commands(changes):
    doc = mutated(changes)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_project(Path(tmp), doc)
        (root / "old.json").write_text(json.dumps(BASE))
        cassette = root / "cassettes" / "c.yaml"
        from chatconform.recording.cassettes import dump_cassette

        dump_cassette(cassette, [chat_interaction(GOOD), chat_interaction(NO_ID)], {"origin": "cassette"})
        env = {"CHATCONFORM_ROOT": str(root), "CHATCONFORM_CACHE": str(root / ".cache")}
        for argv in (
            ["specs", "diff", str(root / "old.json"), str(root / "specs/test/spec.json")],
            ["specs", "lint"],
            ["verify", str(cassette)],
        ):
            code, err = _run(argv, env)
            assert code in (0, 1, 2, 6), (argv, code, err)
            for line in err.splitlines():
                assert line.startswith(("chatconform: ", "note: ", "FAILED ")), (argv, line)


def _run(argv, env) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with mock.patch.dict(os.environ, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert time.perf_counter() - start < SECONDS, argv
    return code, err.getvalue()


def test_the_mutations_reach_what_they_name():
    """The strategy's pointers are real places in the base document (else the test mutates nothing)."""
    for at in OBJECTS:
        assert isinstance(resolve(BASE, at), dict)
    cut = mutate(base(), ("cycle", S.replace("#", "") + "Completion", 3))
    assert cut["components"]["schemas"]["Completion"]["anyOf"][0] == {"$ref": S + "Completion"}
