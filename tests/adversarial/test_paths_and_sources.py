"""Mutated sources.toml files: each is one line and exit 2, or a pull that writes only inside specs/."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatconform.cli import main

SPEC = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}
BASE = [
    {
        "id": "p/one",
        "kind": "spec",
        "provider": "p",
        "models": ["m"],
        "url": "https://example.org/a/one.json",
    },
    {"id": "p/docs/page", "kind": "doc", "url": "https://example.org/a/page.md"},
]
FIELDS = ["id", "kind", "url", "page", "provider", "models"]
TRAVERSAL = [
    "../../x",
    "../" * 6 + "escape",
    "a/../../b",
    "/abs",
    "<ABS>/abs",
    "a\\..\\b",
    ".",
    "..",
    "a/./b",
    "a\x00b",
    "",
    "~/x",
    "a/",
    "/",
    "p/one/../../../../x",
    ".git/config",
]
URLS = [
    "file:///etc/passwd",
    "https://example.org/../../../etc/passwd",
    "https://../x.json",
    "https://example.org/a/one.json/../../..",
    "https://example.org/a/%2e%2e/one.json",
    "not a url",
]

scalars = st.one_of(st.integers(-5, 5), st.booleans(), st.text(max_size=6))
wrong = st.one_of(
    st.integers(-5, 5),
    st.booleans(),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 3), max_size=2),
)
keys = st.one_of(
    st.sampled_from(["provder", "ids", "Models", "sources", "kindd", "URL", "model"]), st.text(max_size=8)
)
traversal = st.tuples(st.just("id"), st.sampled_from(TRAVERSAL))
mutation = st.one_of(
    traversal,
    traversal,
    traversal,  # listed thrice: the case that matters most is drawn most often
    st.tuples(st.just("id"), st.text(max_size=12)),
    st.tuples(st.just("unknown"), keys, scalars),
    st.tuples(st.just("wrong"), st.sampled_from(FIELDS), wrong),
    st.tuples(st.just("url"), st.sampled_from(URLS)),
    st.tuples(st.just("duplicate"), st.booleans()),
    st.tuples(st.just("top"), st.sampled_from(["sources", "version", "Source"])),
)


def _toml(value) -> str:
    """A TOML value for the types the mutations use (JSON strings are valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


def _document(entries: list[dict], top: dict) -> str:
    lines = [f"{json.dumps(k)} = {_toml(v)}" for k, v in top.items()]
    for entry in entries:
        lines += ["", "[[source]]"] + [f"{json.dumps(k)} = {_toml(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def _apply(entries: list[dict], top: dict, change, which: int, absolute: str) -> None:
    entry = entries[which % len(entries)]
    kind = change[0]
    if kind == "unknown":
        entry[change[1]] = change[2]
    elif kind == "wrong":
        entry[change[1]] = change[2]
    elif kind == "id":
        entry["id"] = change[1].replace("<ABS>", absolute)
    elif kind == "url":
        entry["url"] = change[1]
    elif kind == "duplicate":
        copy = dict(entry)
        if change[1]:
            copy["url"] = "https://example.org/a/other.json"
        entries.append(copy)
    else:
        top[change[1]] = [dict(entry)] if change[1] != "version" else 1


def _tree(folder: Path, skip: Path) -> dict[str, bytes]:
    # the spec cache (CHATCONFORM_CACHE, set below) is where a pull may keep what it checked: derived data
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_relative_to(skip) and not p.is_relative_to(folder / "cache")
    }


@settings(max_examples=max(settings().max_examples, 40), deadline=None)
@given(changes=st.lists(st.tuples(mutation, st.integers(0, 3)), max_size=2), update=st.booleans())
def test_mutated_sources_are_one_line_or_a_pull_confined_to_specs(changes, update):
    _pull_mutated(changes, update)


@pytest.mark.parametrize("bad_id", TRAVERSAL)
def test_every_traversal_id_is_refused_on_update(bad_id):
    assert _pull_mutated([(("id", bad_id), 0)], update=True) == 2


def _pull_mutated(changes, update: bool) -> int:
    """Pull a mutated catalog with a small mirror in a fresh folder; check what was written; the exit code."""
    with tempfile.TemporaryDirectory() as tmp:
        outer = Path(tmp)
        # deep enough that "../" * 6 from specs/ still lands inside the temporary folder we watch
        root = outer.joinpath(*"abcdefgh") / "project"
        specs, mirror = root / "specs", outer / "mirror"
        (mirror / "example.org" / "a").mkdir(parents=True)
        (mirror / "example.org" / "a" / "one.json").write_text(json.dumps(SPEC))
        (mirror / "example.org" / "a" / "other.json").write_text(json.dumps(SPEC))
        (mirror / "example.org" / "a" / "page.md").write_text("# a page\n")
        specs.mkdir(parents=True)
        entries, top = [dict(e, models=list(e.get("models", []))) for e in BASE], {}
        absolute = str(outer / "absolute")
        for change, which in changes:
            _apply(entries, top, change, which, absolute)
        (specs / "sources.toml").write_text(_document(entries, top))
        before = _tree(outer, specs)
        out, err = io.StringIO(), io.StringIO()
        env = {"CHATCONFORM_ROOT": str(root), "CHATCONFORM_CACHE": str(outer / "cache")}
        with (
            mock.patch.dict(os.environ, env),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(["specs", "pull", "--mirror", str(mirror)] + (["--update"] if update else []))
        assert code in (0, 1, 2, 6)
        if code == 2:
            assert err.getvalue().startswith("chatconform: ") and err.getvalue().count("\n") == 1, (
                err.getvalue()
            )
            assert not (specs / "specs.lock").exists()
        assert _tree(outer, specs) == before
        assert not Path(absolute).exists()
        assert not [p for p in specs.rglob("*") if p.name.endswith(".tmp")]
        assert all(p.name.startswith("pulled-") for p in (outer / "cache").rglob("*") if p.is_file())
        if code == 0 and update:
            pinned = json.loads((specs / "specs.lock").read_text())["sources"]
            assert sorted(pinned) == sorted(e["id"] for e in entries)
        return code


@pytest.mark.parametrize(
    "provider, model, label",
    [
        ("../../p", "../..", "x/../../../y"),
        ("/abs", "a\x00b", ".."),
        ("p", "google/../../m", "../scenario"),
        ("..", ".", "/"),
        ("p", "C:\\m", "s?*:<>|"),
    ],
)
def test_regression_cassettes_stay_inside_their_folder(tmp_path, provider, model, label):
    from dataclasses import replace

    from chatconform.recording.recorder import save_regression
    from tests.builders import completion, exchange

    folder = tmp_path / "deep" / "cassettes"
    ex = replace(
        exchange({"model": "m", "messages": []}, completion()), provider=provider, model=model, label=label
    )
    saved = save_regression(ex, folder, "test")
    assert saved.resolve().is_relative_to(folder.resolve()) and saved.is_file()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [saved]


@pytest.mark.parametrize("name", ["..", ".", "", "a/b", "/etc/passwd", "a\x00b", "..\\..\\x", "~", "-x"])
def test_safe_name_is_one_plain_segment(tmp_path, name):
    from chatconform.model.paths import inside, safe_name

    segment = safe_name(name)
    assert "/" not in segment and "\\" not in segment and not segment.startswith(".") and segment
    assert inside(tmp_path, segment).parent == tmp_path


@pytest.mark.parametrize("part", ["..", "a/../b", "/abs", "", "a//b", ".x"])
def test_inside_refuses_a_part_that_leaves_or_hides(tmp_path, part):
    from chatconform.model.errors import UsageError
    from chatconform.model.paths import inside

    with pytest.raises(UsageError, match="not a safe relative path"):
        inside(tmp_path, part)


def test_inside_refuses_a_symlink_out(tmp_path):
    from chatconform.model.errors import UsageError
    from chatconform.model.paths import inside

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "link").symlink_to(tmp_path)
    with pytest.raises(UsageError, match="leads outside"):
        inside(tmp_path / "in", "link/x.json")


@pytest.mark.parametrize(
    "entry, top, expected",
    [
        ({"provder": "p"}, {}, "unknown key 'provder' in [[source]] #1 ('p/one'); did you mean 'provider'?"),
        ({"Models": ["m"]}, {}, "unknown key 'Models' in [[source]] #1 ('p/one'); did you mean 'models'?"),
        ({}, {"sources": [dict(BASE[0])]}, "unknown key 'sources' in the top level; did you mean 'source'?"),
        ({"models": "m"}, {}, "'models' in [[source]] #1 ('p/one') must be an array, not a string"),
        ({"url": 5}, {}, "'url' in [[source]] #1 ('p/one') must be a string, not an integer"),
        ({"kind": ["spec"]}, {}, "'kind' in [[source]] #1 ('p/one') must be a string, not an array"),
    ],
)
def test_a_misspelt_or_mistyped_sources_key_is_one_line_with_a_hint(tmp_path, entry, top, expected):
    from chatconform.model.errors import UsageError
    from chatconform.specs import load_catalog

    (tmp_path / "sources.toml").write_text(_document([{**BASE[0], **entry}], top))
    with pytest.raises(UsageError) as caught:
        load_catalog(tmp_path)
    assert str(caught.value) == f"{tmp_path / 'sources.toml'}: {expected}"
