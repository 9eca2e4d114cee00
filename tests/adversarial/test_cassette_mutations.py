"""Generated and mutated cassettes through verify: the promise holds for every one.

A valid cassette (a JSON answer and a streamed one) has values replaced by other types, keys dropped,
bodies gzipped, cut or swapped for random SSE bytes, and its YAML text cut or spliced. Whatever comes out:
verify returns 0, 1 or 2 without raising, every stderr line is one line naming the file, each interaction
is either judged or reported (never silently dropped), and each run is quick.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import io
import json
import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chatconform.cli.verify import run
from tests.builders import chunk, completion, interaction, sse_body

REQUEST = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "Hi"}]}
MODEL = REQUEST["model"]
STREAM = sse_body(
    chunk(role="assistant", content="Hel", model=MODEL), chunk(content="lo", finish="stop", model=MODEL)
).decode()
BASE = {
    "interactions": [
        interaction(REQUEST, completion()),
        interaction({**REQUEST, "stream": True}, STREAM, content_type="text/event-stream"),
    ],
    "version": 1,
    "metadata": {"provenance": {"origin": "cassette", "notes": "adversarial test data"}},
}
SPOTS = [
    ("interactions",),
    ("metadata",),
    ("metadata", "provenance"),
    ("metadata", "provenance", "origin"),
    ("metadata", "provenance", "provider"),
    ("metadata", "provenance", "model"),
] + [
    ("interactions", i, *rest)
    for i in (0, 1)
    for rest in [
        (),
        ("request",),
        ("response",),
        ("request", "method"),
        ("request", "uri"),
        ("request", "headers"),
        ("request", "body"),
        ("response", "status"),
        ("response", "status", "code"),
        ("response", "headers"),
        ("response", "body"),
        ("response", "body", "string"),
        ("request", "headers", "Content-Type"),
        ("response", "headers", "Content-Type"),
        ("response", "headers", "Content-Encoding"),
    ]
]

SSE_TOKENS = [
    "data: ",
    "data:",
    "event: error",
    "id: 1",
    "retry: x",
    ": ping",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "[DONE]",
    '{"object":"chat.completion.chunk","choices":[]}',
    '{"error":{"message":"boom"}}',
    '{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}',
    "{",
    "é",
    "😀",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.sampled_from(
        [
            "",
            "200",
            "gzip",
            "deflate",
            "text/event-stream",
            "http://[::1",
            "https://api.aimlapi.com/v1/chat/completions",
            "[" * 300,
            '{"a":' * 300,
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
sse_bytes = st.lists(st.sampled_from(SSE_TOKENS), max_size=40).map(lambda parts: "".join(parts))
edits = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(SPOTS), values),
    st.tuples(st.just("drop"), st.sampled_from(SPOTS), st.none()),
    st.tuples(st.just("sse"), st.integers(0, 1), sse_bytes),
    st.tuples(st.just("gzip"), st.integers(0, 1), st.integers(-40, 40)),
)


def _at(doc, *keys):
    """The value at keys, or None when an earlier edit removed the way there."""
    for key in keys:
        if (
            isinstance(doc, dict)
            and key in doc
            or isinstance(doc, list)
            and isinstance(key, int)
            and key < len(doc)
        ):
            doc = doc[key]
        else:
            return None
    return doc


def _edit(doc: dict, edit) -> None:
    kind, where, value = edit
    if kind in ("sse", "gzip"):
        response = _at(doc, "interactions", where, "response")
        body = _at(response, "body")
        if not isinstance(body, dict) or not isinstance(response.get("headers"), dict):
            return
        if kind == "sse":
            body["string"] = value
        elif isinstance(body.get("string"), str):
            packed = gzip.compress(body["string"].encode())
            body["string"] = packed[:value] if value else packed  # cut from the end or the start
            response["headers"]["Content-Encoding"] = ["gzip"]
        return
    parent = _at(doc, *where[:-1])
    if isinstance(parent, dict):
        if kind == "drop":
            parent.pop(where[-1], None)
        else:
            parent[where[-1]] = value
    elif isinstance(parent, list) and isinstance(where[-1], int) and where[-1] < len(parent):
        parent[where[-1]] = value


def _verify(path: Path, store) -> tuple[int, list[str], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run([path], as_json=True, store=store)
    return code, out.getvalue().splitlines(), err.getvalue().splitlines()


def _check_promise(path: Path, store, interactions: int | None) -> None:
    start = time.monotonic()
    code, out, err = _verify(path, store)
    assert time.monotonic() - start < 5
    assert code in (0, 1, 2, 6), (code, err)
    event(f"exit {code}")  # --hypothesis-show-statistics shows that every outcome is reached
    assert all(line.startswith(f"chatconform: {path}") for line in err), err
    assert (code == 2) == bool(err), (code, err)
    for line in out:
        json.loads(line)  # every judged interaction is a whole JSON line, even with odd text in it
    if interactions:  # the file itself was a cassette: each interaction judged or reported, none dropped
        assert len(out) + len(err) == interactions, (out, err)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(edits, min_size=1, max_size=4))
def test_mutated_cassettes_keep_the_promise(tmp_path, store, changes):
    doc = copy.deepcopy(BASE)
    for edit in changes:
        _edit(doc, edit)
    path = tmp_path / "mutated.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _check_promise(path, store, _expected_interactions(path))


def _expected_interactions(path: Path) -> int | None:
    """How many interactions verify must account for, when the file is a readable cassette (else None)."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None  # the emitter wrote something libyaml will not read: one line for the file
    items = doc.get("interactions") if isinstance(doc, dict) else None
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    provenance_ok = meta is None or (isinstance(meta, dict) and _provenance_ok(meta.get("provenance")))
    return len(items) if isinstance(items, list) and items and provenance_ok else None


def _provenance_ok(provenance) -> bool:
    if provenance is None:
        return True
    return isinstance(provenance, dict) and all(
        isinstance(provenance.get(k, ""), str) for k in ("origin", "provider", "model")
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.text(max_size=12))
def test_cut_or_spliced_yaml_text_keeps_the_promise(tmp_path, store, cut, at, splice):
    text = yaml.safe_dump(BASE)
    cut, at = cut % (len(text) + 1), at % (len(text) + 1)
    path = tmp_path / "spliced.yaml"
    path.write_text(text[:at] + splice + text[at:cut] if at < cut else text[:cut], encoding="utf-8")
    _check_promise(path, store, None)
