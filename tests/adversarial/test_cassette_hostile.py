"""Hostile cassettes through `chatconform verify`, one named case per class of issue 12.

Each bad input is one line naming the file and, for an interaction, its index; the other interactions are
still judged; the exit code says what happened (2 bad input, 1 violations, 0 clean); never a traceback.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest
import yaml

from chatconform.cli import main
from chatconform.recording.cassettes import dump_cassette
from tests.builders import chunk, completion, interaction, sse_body

REQUEST = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "Hi"}]}
DEEP = "[" * 100_000 + "]" * 100_000


def good() -> dict:
    return interaction(REQUEST, completion())


def verify(capsys, *paths, debug=False) -> tuple[int, list[dict], list[str]]:
    """Exit code, the --json lines and the stderr lines of one verify run through the real entry point."""
    code = main((["--debug"] if debug else []) + ["verify", "--json", *map(str, paths)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err or debug
    return code, [json.loads(line) for line in out.splitlines()], err.splitlines()


def write(path: Path, *interactions, metadata=None) -> Path:
    dump_cassette(
        path, list(interactions), {"origin": "cassette", "notes": "chatconform adversarial test data"}
    )
    if metadata is not None:
        data = yaml.safe_load(path.read_text())
        data["metadata"] = metadata
        path.write_text(yaml.safe_dump(data))
    return path


def one_bad_line(err: list[str], path: Path, index: int | None, *words: str) -> str:
    assert len(err) == 1, err
    line = err[0]
    assert line.startswith(f"chatconform: {path}") and all(w in line for w in words), line
    if index is not None:
        assert f"interaction {index}" in line, line
    return line


def mutate(item: dict, side: str, key: str, value) -> dict:
    item[side][key] = value
    return item


@pytest.mark.parametrize(
    "side,key,value,words",
    [
        ("request", "headers", [["Content-Type", "application/json"]], ("request.headers", "a list")),
        ("request", "headers", "Content-Type: application/json", ("request.headers", "a string")),
        ("response", "headers", ["Content-Type"], ("response.headers", "a list")),
        ("response", "headers", {"Content-Type": {"nested": 1}}, ("response.headers",)),
        ("response", "headers", {"Content-Type": [{"nested": 1}]}, ("response.headers", "an object")),
        ("request", "headers", {"Accept": ["a/b", ["c/d"]]}, ("request.headers", "a list")),
        ("response", "body", ["a", "list"], ("response.body",)),
        ("response", "body", {"json": {}}, ("response.body", "string")),
        ("request", "body", 42, ("request.body", "an integer")),
        ("request", "uri", "http://[::1", ("request.uri", "not a URL")),
        ("request", "uri", "not a url", ("request.uri", "http(s)")),
        ("request", "uri", "http://host:port/v1", ("request.uri",)),
        ("request", "uri", ["https://x"], ("request.uri", "a list")),
        ("request", "method", None, ("request.method",)),
        ("response", "status", {"code": "two hundred"}, ("status",)),
        ("response", "status", {"code": True}, ("status",)),
        ("response", "status", {"message": "OK"}, ("status",)),
        ("response", "status", "OK", ("status",)),
    ],
)
def test_a_malformed_interaction_is_one_line_and_the_next_is_still_judged(
    tmp_path, capsys, side, key, value, words
):
    path = write(tmp_path / "c.yaml", mutate(good(), side, key, value), good())
    code, lines, err = verify(capsys, path)
    one_bad_line(err, path, 0, *words)
    assert code == 2 and [(x["index"], x["verdict"]) for x in lines] == [(1, "pass")]


def test_a_body_given_as_a_plain_string_is_read_as_the_body_text(tmp_path, capsys):
    path = write(tmp_path / "c.yaml", mutate(good(), "response", "body", json.dumps(completion())))
    code, lines, err = verify(capsys, path)
    assert (code, err, [x["verdict"] for x in lines]) == (0, [], ["pass"])


@pytest.mark.parametrize("where", ["response", "request", "chunk"])
def test_json_nested_a_hundred_thousand_deep_is_not_json_not_a_crash(tmp_path, capsys, where):
    item = good()
    if where == "response":
        item["response"]["body"]["string"] = DEEP
    elif where == "request":
        item["request"]["body"] = DEEP
    else:
        item = interaction(
            {**REQUEST, "stream": True},
            sse_body(chunk(content="a", finish="stop")).decode().replace('"a"', DEEP),
            content_type="text/event-stream",
        )
    path = write(tmp_path / "c.yaml", item)
    code, [line], err = verify(capsys, path)
    checks = {f["check"] for f in line["findings"]}
    # a request that is not JSON names no model, so no spec applies: a gap, never a pass
    expected = {"response": "response.json", "request": "spec-gap.no-spec", "chunk": "stream.chunk-json"}[
        where
    ]
    assert expected in checks, checks
    if where == "request":  # the gap has its own exit code
        assert code == 6 and err == [], (code, err)
    else:
        assert code == 1 and err == [], (code, err)


def test_a_lone_surrogate_escaped_in_a_json_body_is_judged_and_printed(tmp_path, capsys):
    body = json.dumps(completion(content="\ud800 lone", finish="exploded"))
    assert "\\ud800" in body  # escaped in JSON: the YAML file itself is valid UTF-8
    path = write(tmp_path / "c.yaml", mutate(good(), "response", "body", {"string": body}))
    code, [line], err = verify(capsys, path)
    assert code == 1 and line["verdict"] == "fail" and err == []
    assert main(["verify", str(path)]) == 1  # the human rendering prints it too
    assert "Traceback" not in capsys.readouterr().err


def test_a_lone_surrogate_escaped_in_the_yaml_is_one_line(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(
        'interactions:\n- request: {method: POST, uri: "https://api.aimlapi.com/v1/chat/completions",'
        ' body: "\\ud800"}\n  response: null\n'
    )
    code, lines, err = verify(capsys, path)
    one_bad_line(err, path, None, "YAML")
    assert code == 2 and lines == []


@pytest.mark.parametrize("value", ["!!int x", "!!float y", "2001-13-45", "!!timestamp 2001-02-30"])
def test_a_typed_value_that_cannot_be_built_is_one_line_not_an_internal_error(tmp_path, capsys, value):
    path = tmp_path / "c.yaml"
    path.write_text(
        'interactions:\n- request: {method: POST, uri: "https://api.aimlapi.com/v1/chat/completions",'
        f" body: {value}}}\n  response: {{status: {{code: 200}}}}\n"
    )
    code, lines, err = verify(capsys, path)
    one_bad_line(err, path, None, "YAML")
    assert code == 2 and lines == []


def test_gzip_bodies_decoded_truncated_or_a_bomb(tmp_path, capsys):
    def gz(data: bytes) -> dict:
        item = good()
        item["response"]["headers"]["Content-Encoding"] = ["gzip"]
        item["response"]["body"] = {"string": data}
        return item

    raw = json.dumps(completion()).encode()
    bomb = gzip.compress(b"\0" * (65 * 1024 * 1024), compresslevel=1)
    path = write(tmp_path / "c.yaml", gz(gzip.compress(raw)), gz(gzip.compress(raw)[:-8]), gz(bomb), gz(raw))
    start = time.monotonic()
    code, lines, err = verify(capsys, path)
    assert time.monotonic() - start < 20
    assert [(x["index"], x["verdict"]) for x in lines] == [
        (0, "pass"),
        (3, "pass"),
    ]  # 3: decoded by the recorder
    assert len(err) == 2 and "interaction 1" in err[0] and "truncated" in err[0]
    assert "interaction 2" in err[1] and "inflates past" in err[1] and code == 2


@pytest.mark.parametrize(
    "metadata,words",
    [
        (["a", "list"], ("metadata", "a list")),
        ({"provenance": "recorded by hand"}, ("metadata.provenance", "a string")),
        ({"provenance": {"provider": 7}}, ("metadata.provenance.provider", "an integer")),
        ({"provenance": {"origin": ["docs"]}}, ("metadata.provenance.origin",)),
    ],
)
def test_metadata_of_the_wrong_type_is_one_line_naming_the_file(tmp_path, capsys, metadata, words):
    bad = write(tmp_path / "a.yaml", good(), metadata=metadata)
    ok = write(tmp_path / "b.yaml", good())
    code, lines, err = verify(capsys, tmp_path)
    one_bad_line(err, bad, None, *words)
    assert code == 2 and [x["cassette"] for x in lines] == [str(ok)]


def bomb_cassette(place: str) -> str:
    """A billion laughs: anchor `i` expands to 10^9 leaves, used once as a body or a header value."""
    anchors = ["  a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        name, previous = chr(97 + i), chr(96 + i)
        anchors.append(f"  {name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    use = "body: {string: *i}" if place == "body" else "headers: {X-Bomb: *i}"
    return (
        "bombs:\n" + "\n".join(anchors) + "\ninteractions:\n- request:\n    method: POST\n"
        "    uri: https://api.aimlapi.com/v1/chat/completions\n  response:\n    status: {code: 200}\n"
        f"    {use}\n"
    )


@pytest.mark.parametrize("place", ["body", "header"])
def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path, capsys, place):
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb_cassette(place))
    start = time.monotonic()
    code, lines, err = verify(capsys, path)
    assert time.monotonic() - start < 10
    one_bad_line(err, path, None, "refused")
    assert code == 2 and lines == []


@pytest.mark.parametrize("inside", [False, True])
def test_a_fifo_is_one_line_and_never_a_hang(tmp_path, capsys, inside):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    ok = write(tmp_path / "ok.yaml", good())
    start = time.monotonic()
    code, lines, err = verify(capsys, *([tmp_path] if inside else [fifo, ok]))
    assert time.monotonic() - start < 10
    one_bad_line(err, fifo, None, "not a regular file")
    assert code == 2 and [x["cassette"] for x in lines] == [str(ok)]


def test_nothing_to_judge_is_never_a_pass(tmp_path, capsys):
    empty_folder = tmp_path / "empty"
    empty_folder.mkdir()
    (empty_folder / "notes.txt").write_text("no cassette here")
    code, lines, err = verify(capsys, empty_folder)
    assert (code, lines) == (2, []) and "no cassette" in one_bad_line(err, empty_folder, None)
    empty = write(tmp_path / "empty.yaml")
    code, lines, err = verify(capsys, empty)
    assert (code, lines) == (2, []) and "no interactions" in one_bad_line(err, empty, None)
    code, lines, err = verify(capsys, tmp_path / "missing", empty_folder.parent / "empty.yaml")
    assert code == 2 and len(err) == 2 and "no such file or folder" in err[0]


def test_a_stream_of_only_done_is_a_violation(tmp_path, capsys):
    item = interaction({**REQUEST, "stream": True}, "data: [DONE]\n\n", content_type="text/event-stream")
    code, [line], err = verify(capsys, write(tmp_path / "done.yaml", item))
    assert code == 1 and line["verdict"] == "fail" and err == []
    assert {"check": "stream.no_chunks", "severity": "violation"}.items() <= next(
        f for f in line["findings"] if f["check"] == "stream.no_chunks"
    ).items()


def test_a_stream_past_the_event_cap_is_refused_loudly(tmp_path, capsys, monkeypatch):
    from chatconform.model import stream as sse

    monkeypatch.setattr(sse, "MAX_EVENTS", 10)
    body = sse_body(*[chunk(content="x") for _ in range(10)], chunk(finish="stop")).decode()
    item = interaction({**REQUEST, "stream": True}, body, content_type="text/event-stream")
    path = write(tmp_path / "long.yaml", item, good())
    code, lines, err = verify(capsys, path)
    one_bad_line(err, path, 0, "more than 10 events")
    assert code == 2 and [x["index"] for x in lines] == [1]


def test_a_bug_in_a_check_is_exit_3_in_one_line_and_the_rest_are_judged(tmp_path, capsys, monkeypatch):
    import chatconform.judging.judge as judging

    real = judging.judge

    def flaky(ex, store, *args, **kwargs):
        if ex.label.endswith("#0"):
            raise ZeroDivisionError("planted")
        return real(ex, store, *args, **kwargs)

    monkeypatch.setattr(judging, "judge", flaky)
    path = write(tmp_path / "c.yaml", good(), good())
    code, lines, err = verify(capsys, path)
    assert code == 3 and [x["index"] for x in lines] == [1] and len(err) == 1
    assert "interaction 0: internal error: ZeroDivisionError: planted (run with --debug" in err[0]
    code, lines, err = verify(capsys, path, debug=True)
    assert code == 3 and "Traceback" in "\n".join(err) and "ZeroDivisionError" in err[-1]
