"""The on-disk spec cache: a prepared spec is read back instead of prepared again, exactly as it was, and an
entry that is damaged, planted or written by other code is deleted and rebuilt, never read as valid."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chatconform.specs import SpecStore, _lint, _load
from chatconform.specs import _cache as cache
from chatconform.specs._prepare import prepare, read_prepared
from tests.adversarial.spec_project import base, chat_interaction, write_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path, monkeypatch):
    doc = base()
    doc["components"]["schemas"]["Request"]["properties"]["stop"] = {
        "anyOf": [{"type": "string"}, {"nullable": True}]
    }
    doc["components"]["schemas"]["Dangling"] = {"$ref": "#/components/schemas/Nowhere"}
    doc["components"]["schemas"]["Completion"]["properties"]["extra"] = {
        "$ref": "#/components/schemas/Dangling"
    }
    write_project(tmp_path, doc)
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    return tmp_path


def load():
    """The pinned test spec through a fresh store (as a new run would load it)."""
    store = SpecStore()
    return store.load(store.catalog.get("test/spec"))


def entry(project: Path) -> Path:
    found = list((project / ".cache").glob("prepared-*.bin"))
    assert len(found) == 1, found
    return found[0]


def same(a, b) -> None:
    """Two loaded specs say the same: document, rewrites, problems, operations, closures and lint."""
    assert (a.sha256, a.doc, a.rewrites, a.problems, a.version) == (
        b.sha256,
        b.doc,
        b.rewrites,
        b.problems,
        b.version,
    )
    assert a.operations == b.operations
    assert a.every_closure() == b.every_closure()
    assert [f.to_dict() for f in a.lint()] == [f.to_dict() for f in b.lint()]


def test_a_spec_prepared_once_is_read_back_not_prepared_again(project, monkeypatch):
    first = load()
    assert first.problems and first.rewrites  # the test document has both to carry
    assert read_prepared(first.sha256) is not None
    monkeypatch.setattr(_load, "prepare", lambda *a: pytest.fail("prepared again despite the cache"))
    second = load()
    same(first, second)
    # what only a spec validator or a diff reads comes from the file again, on demand
    monkeypatch.undo()
    raw = json.loads((project / "specs" / "test" / "spec.json").read_bytes())
    assert second.raw == raw and second.checked == prepare(raw, "specs/test/spec.json").checked


def test_the_cache_entry_names_the_code_that_wrote_it(project, monkeypatch):
    first = load()
    path = entry(project)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "other-code-0000")
    assert read_prepared(first.sha256) is None  # another version's entry is never read...
    same(first, load())
    assert not path.exists() and len(list((project / ".cache").glob("prepared-*.bin"))) == 1  # ...and goes


def test_an_entry_of_older_code_or_format_is_removed_when_the_spec_is_cached_again(project):
    load()
    path = entry(project)
    kind, tag, sha = path.stem.split("-", 2)
    older = [path.with_name(f"{kind}-{'0' * 16}-{sha}.json"), path.with_name(f"{kind}-{'1' * 16}-{sha}.bin")]
    for old in older:
        old.write_bytes(b"written by an earlier chatconform")
    path.unlink()
    load()
    assert entry(project).exists() and not any(old.exists() for old in older)


def _corrupt(path: Path, how: str) -> None:
    data = path.read_bytes()
    head, _, body = data.partition(b"\n")
    path.unlink()
    if how == "fifo":
        os.mkfifo(path)
    elif how == "folder":
        path.mkdir()
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        middle = len(body) // 2  # one bit of the payload changed under its sha256
        path.write_bytes(head + b"\n" + body[:middle] + bytes([body[middle] ^ 1]) + body[middle + 1 :])
    else:  # a payload of the wrong shape under a matching sha256 (written by something else)
        payload = marshal.loads(body)
        payload.update(how)
        planted = marshal.dumps(payload)
        path.write_bytes(hashlib.sha256(planted).hexdigest().encode() + b"\n" + planted)


@pytest.mark.parametrize(
    "how",
    [
        "fifo",
        "folder",
        "truncated",
        "flipped",
        {"doc": []},
        {"spec": "0" * 64},
        {"rewrites": {"nullable": True}},
        {"problems": [["/x", "c", "m", 1, "w"]]},
        {"closures": {"/x": ["short", []]}},
        {"plain": "yes"},
        {"extra": 1},
    ],
    ids=[
        "fifo",
        "folder",
        "truncated",
        "flipped",
        "doc-not-object",
        "other-spec",
        "bool-count",
        "bad-problem",
        "bad-closure",
        "bad-plain",
        "extra-key",
    ],
)
def test_a_damaged_or_planted_entry_is_discarded_and_rebuilt(project, how):
    clean = load()
    path = entry(project)
    _corrupt(path, how)
    same(clean, load())
    if how != "folder":  # a folder in its place cannot be replaced; it is never read as valid either
        assert read_prepared(clean.sha256) is not None


def test_an_entry_for_another_spec_is_never_read_for_this_one(project):
    first = load()
    path = entry(project)
    other = hashlib.sha256(b"another spec").hexdigest()
    path.rename(path.with_name(path.name.replace(first.sha256, other)))  # its payload still names the first
    assert read_prepared(other) is None


def test_a_cache_that_cannot_be_written_only_costs_time(project, monkeypatch):
    (project / "ro").write_text("a file where the cache folder should be")
    monkeypatch.setenv("CHATCONFORM_CACHE", str(project / "ro" / "cache"))
    first, second = load(), load()
    same(first, second)


def test_lint_cache_names_the_spec_validator_and_the_code(project, monkeypatch):
    calls = []
    real = _lint._validate
    monkeypatch.setattr(_lint, "_validate", lambda raw, size: calls.append(1) or real(raw, size))
    monkeypatch.setattr(_lint, "_MEMORY", {})
    first = load().lint()
    monkeypatch.setattr(_lint, "_MEMORY", {})
    assert load().lint() == first and calls == [1]  # the second run read the entry the first one wrote
    monkeypatch.setattr(_lint, "_MEMORY", {})
    monkeypatch.setattr(_lint, "_salt", lambda: "openapi-spec-validator 99")
    load().lint()
    assert calls == [1, 1]  # another validator version: linted again, and its entry replaces the old one
    assert len(list((project / ".cache").glob("lint-*.bin"))) == 1


@pytest.mark.slow  # two `chatconform verify` runs in subprocesses
def test_verify_says_the_same_from_a_cold_and_a_warm_cache(project):
    from chatconform.recording.cassettes import dump_cassette

    body = {"id": "x", "object": "chat.completion", "choices": [{"index": "0", "message": {"content": 1}}]}
    dump_cassette(project / "c.yaml", [chat_interaction(body)], {"origin": "cassette"})
    env = {**os.environ, "CHATCONFORM_ROOT": str(project), "CHATCONFORM_CACHE": str(project / ".cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "chatconform.cli", "verify", "--json", str(project / "c.yaml")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [1, 1], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and '"response.schema"' in runs[0].stdout
    assert list((project / ".cache").glob("prepared-*.bin"))


def _three_specs(root: Path) -> None:
    """root/specs pinning three different documents (the first has no response description)."""
    specs, sources, pins = root / "specs", [], {}
    for n in range(3):
        doc = base()
        doc["info"]["title"] = f"spec {n}"
        if n == 0:
            del doc["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["description"]
        data = json.dumps(doc).encode()
        (specs / "t").mkdir(parents=True, exist_ok=True)
        (specs / "t" / f"s{n}.json").write_bytes(data)
        url = f"https://example.org/s{n}.json"
        sources.append(
            f'[[source]]\nid = "t/s{n}"\nkind = "spec"\nprovider = "aimlapi"\nmodels = ["m{n}"]\n'
            f'url = "{url}"\n'
        )
        pins[f"t/s{n}"] = {
            "url": url,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "retrieved_at": "t",
        }
    (specs / "sources.toml").write_text("\n".join(sources))
    (specs / "specs.lock").write_text(json.dumps({"version": 1, "sources": pins}))


def test_a_cold_catalog_is_linted_across_cores_as_one_by_one(tmp_path, monkeypatch):
    if _lint._cores() < 2:
        pytest.skip("one core: lint_ahead leaves the specs to lint_findings")
    _three_specs(tmp_path)
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    monkeypatch.setattr(_lint, "_MEMORY", {})
    store = SpecStore()
    specs = [store.load(s) for s in store.catalog.sources]
    assert _lint.lint_ahead(specs) == 3
    ahead = [[f.to_dict() for f in s.lint()] for s in specs]
    assert _lint.lint_ahead(specs) == 0  # nothing left to lint
    monkeypatch.setattr(_lint, "_MEMORY", {})
    for path in (tmp_path / ".cache").glob("lint-*.bin"):
        path.unlink()
    fresh = SpecStore()  # a new run: each spec linted when asked, one after another
    one_by_one = [[f.to_dict() for f in fresh.load(s.source).lint()] for s in specs]
    assert ahead == one_by_one and any("description" in str(found) for found in ahead[0])
    assert len(list((tmp_path / ".cache").glob("lint-*.bin"))) == 3
