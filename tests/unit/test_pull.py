"""specs pull: mirror mapping, lock reproduction, tampering, broken sources, --update."""

import json
import shutil
from pathlib import Path

import pytest

from chatconform.cli import main
from chatconform.recording import page_redaction
from chatconform.specs import load_catalog, pull
from chatconform.specs._fetch import mirror_path
from chatconform.specs._lock import read_lock

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of specs/sources.toml and specs/specs.lock in a fresh folder, as a clean clone has."""
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("sources.toml", "specs.lock"):
        shutil.copy(ROOT / "specs" / name, specs / name)
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    return tmp_path


@pytest.fixture
def own_mirror(project, mirror, tmp_path):
    """A private copy of the mirror that a test may tamper with: its URL table and every file the project's
    sources pull, which is all a pull reads (the whole mirror is 160 MB, most of it for other commands)."""
    target = tmp_path / "mirror"
    target.mkdir()
    shutil.copy(mirror / "README.md", target / "README.md")
    for source in load_catalog(project / "specs").sources:
        copy = mirror_path(source.url, target)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirror_path(source.url, mirror), copy)
    return target


def test_raw_github_urls_map_to_the_mirror_layout(tmp_path):
    url = "https://raw.githubusercontent.com/ModelsLab/docs-v2/refs/heads/main/llm-api/openapi.json"
    assert mirror_path(url, tmp_path) == tmp_path / "modelslab-docs-v2" / "llm-api" / "openapi.json"
    other = "https://example.org/a/b.json"
    assert mirror_path(other, tmp_path) == tmp_path / "example.org" / "a" / "b.json"


def test_pull_from_the_mirror_reproduces_the_committed_lock(project, mirror):
    before = (project / "specs" / "specs.lock").read_text()
    results = pull(load_catalog(project / "specs"), **page_redaction(), mirror=mirror)
    assert [r.message for r in results if r.failed] == []
    assert (project / "specs" / "specs.lock").read_text() == before
    assert (project / "specs" / "aimlapi" / "gemini-2.5-flash.json").is_file()


def test_a_tampered_file_fails_alone_and_the_pinned_copy_is_kept(project, own_mirror):
    catalog = load_catalog(project / "specs")
    assert not any(r.failed for r in pull(catalog, **page_redaction(), mirror=own_mirror))
    target = own_mirror / "aimlapi-api-docs/docs/api-references/text-models-llm/Google/gemini-2.5-pro.json"
    doc = json.loads(target.read_text())
    doc["paths"]["/v1/chat/completions"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"
    ]["temperature"]["maximum"] = 1
    target.write_text(json.dumps(doc))
    results = {r.source.id: r for r in pull(catalog, **page_redaction(), mirror=own_mirror)}
    bad = results["aimlapi/gemini-2.5-pro"]
    assert bad.failed and "differs from lock" in bad.message and "temperature" in bad.message
    assert "\n" not in bad.message
    assert [k for k, r in results.items() if r.failed] == ["aimlapi/gemini-2.5-pro"]
    pinned = read_lock(project / "specs")["aimlapi/gemini-2.5-pro"].sha256
    from chatconform.specs._lock import sha256_of

    assert sha256_of((project / "specs/aimlapi/gemini-2.5-pro.json").read_bytes()) == pinned


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "not in mirror"),
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "looks like an HTML page"),
        (b'{"openapi": "3.0.0", "paths": {', "not valid JSON"),
        (b'{"swagger": "2.0"}', "not an OpenAPI document"),
    ],
)
def test_broken_sources_are_one_line_errors_and_the_others_still_pull(project, own_mirror, content, expected):
    target = own_mirror / "modelslab-docs-v2/llm-api/openapi.json"
    if content is None:
        target.unlink()
    else:
        target.write_bytes(content)
    results = pull(load_catalog(project / "specs"), **page_redaction(), mirror=own_mirror)
    failed = [r for r in results if r.failed]
    assert [r.source.id for r in failed] == ["modelslab/llm-api"]
    assert expected in failed[0].message and "\n" not in failed[0].message
    assert sum(not r.failed for r in results) == len(results) - 1


def test_update_accepts_a_change_and_rewrites_the_lock(project, own_mirror):
    target = own_mirror / "modelslab-docs-v2/llm-api/openapi.json"
    target.write_text(target.read_text().replace('"version": "7.0.0"', '"version": "7.1.0"'))
    catalog = load_catalog(project / "specs")
    assert any(r.failed for r in pull(catalog, **page_redaction(), mirror=own_mirror))
    results = pull(catalog, **page_redaction(), mirror=own_mirror, update=True)
    assert {r.source.id: r.status for r in results}["modelslab/llm-api"] == "updated"
    assert not any(r.failed for r in pull(catalog, **page_redaction(), mirror=own_mirror))


def test_cli_exit_codes(project, own_mirror, capsys):
    assert main(["specs", "pull", "--mirror", str(own_mirror)]) == 0
    (own_mirror / "openai-openai-openapi/openapi.json").write_text("{}")
    assert main(["specs", "pull", "--mirror", str(own_mirror)]) == 1
    err = capsys.readouterr().err
    assert "openai/openapi" in err and "FAILED" in err
    assert main(["specs", "pull", "--mirror", str(project / "nowhere")]) == 2


def _sources(project, text):
    """Replace the project's sources.toml."""
    (project / "specs" / "sources.toml").write_text(text)


ONE = """[[source]]
id = "{id}"
kind = "spec"
provider = "aimlapi"
models = ["m"]
url = "https://example.org/a/b.json"
"""


@pytest.mark.parametrize(
    "bad_id", ["../../x", "/etc/x", "a/../../x", "a//b", ".hidden", "a\\\\b", "a\\u0000b", ""]
)
def test_a_source_id_that_would_leave_specs_is_refused(project, capsys, bad_id):
    _sources(project, ONE.format(id=bad_id))
    assert main(["specs", "pull", "--mirror", str(project)]) == 2
    err = capsys.readouterr().err
    assert "is not a safe relative path" in err and "sources.toml" in err and err.count("\n") == 1
    assert sorted(p.name for p in project.rglob("*") if p.is_file()) == ["sources.toml", "specs.lock"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            ONE.format(id="a/b") + 'provder = "x"\n',
            "unknown key 'provder' in [[source]] #1 ('a/b'); did you mean 'provider'?",
        ),
        (
            ONE.format(id="a/b").replace("[[source]]", "[[sources]]"),
            "unknown key 'sources' in the top level; did you mean 'source'?",
        ),
        (ONE.format(id="a/b") + "zzz = 1\n", "known: id, kind, models, page, paths, provider, url"),
        (
            ONE.format(id="a/b").replace('models = ["m"]', 'models = "m"'),
            "'models' in [[source]] #1 ('a/b') must be an array, not a string",
        ),
        (ONE.format(id="a/b").replace('models = ["m"]', "models = [1]"), "must be an array of strings"),
        (
            ONE.format(id="a/b").replace('provider = "aimlapi"', "provider = 3"),
            "'provider' in [[source]] #1 ('a/b') must be a string, not an integer",
        ),
        ('source = "x"\n', "'source' in the top level must be an array, not a string"),
        ("source = [1]\n", "[[source]] #1 must be a table ([[source]]), not an integer"),
        (ONE.format(id="a/b").replace("https://example.org", "file://"), "is not an http(s) URL"),
        (
            ONE.format(id="a/b") + ONE.format(id="a/b").replace("b.json", "c.json"),
            "#2 has the same id as #1 ('a/b')",
        ),
        (ONE.format(id="a/b") + ONE.format(id="A/B"), "#2 has the same id as #1 ('A/B')"),
        (
            ONE.format(id="a/b")
            + '[[source]]\nid = "a/b.json"\nkind = "doc"\nurl = "https://example.org/page"\n',
            "#2 has the same pulled file as #1 ('a/b.json')",
        ),
        (ONE.format(id="specs").replace("b.json", "b.lock"), "would overwrite specs/specs.lock"),
    ],
)
def test_sources_file_mistakes_are_one_line_naming_file_and_key(project, capsys, text, expected):
    _sources(project, text)
    assert main(["specs", "pull", "--mirror", str(project)]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(project / "specs" / "sources.toml") in err and err.count("\n") == 1


def test_update_with_a_duplicate_id_never_repins_one_source_to_another(project, own_mirror, capsys):
    text = (project / "specs" / "sources.toml").read_text()
    dup = text.replace('id = "aimlapi/gemini-2.5-pro"', 'id = "aimlapi/gemini-2.5-flash"')
    _sources(project, dup)
    before = (project / "specs" / "specs.lock").read_bytes()
    assert main(["specs", "pull", "--update", "--mirror", str(own_mirror)]) == 2
    assert "has the same id as" in capsys.readouterr().err
    assert (project / "specs" / "specs.lock").read_bytes() == before


def _make_read_only(folder: Path, monkeypatch):
    """chmod a-w; as root (where chmod does not stop writes) new files in it are refused the same way."""
    for path in (folder, *folder.rglob("*")):
        if path.is_dir():
            path.chmod(0o555)
    try:
        (folder / ".probe").touch()
    except PermissionError:
        return
    (folder / ".probe").unlink()
    import tempfile

    real = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir).resolve().is_relative_to(folder.resolve()):
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def test_update_into_a_read_only_folder_is_one_line_and_loses_nothing(
    project, own_mirror, capsys, monkeypatch
):
    assert main(["specs", "pull", "--mirror", str(own_mirror)]) == 0
    target = own_mirror / "modelslab-docs-v2/llm-api/openapi.json"
    target.write_text(target.read_text().replace('"version": "7.0.0"', '"version": "7.1.0"'))
    specs = project / "specs"
    before = {p: p.read_bytes() for p in specs.rglob("*") if p.is_file()}
    _make_read_only(specs, monkeypatch)
    try:
        capsys.readouterr()
        assert main(["specs", "pull", "--update", "--mirror", str(own_mirror)]) == 2
        err = capsys.readouterr().err
        assert "Permission denied" in err and "nothing was changed" in err and err.count("\n") == 1
        assert {p: p.read_bytes() for p in specs.rglob("*") if p.is_file()} == before
    finally:
        for path in (specs, *specs.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)


def test_an_unchanged_pull_writes_nothing(project, mirror, monkeypatch):
    assert not any(r.failed for r in pull(load_catalog(project / "specs"), **page_redaction(), mirror=mirror))
    _make_read_only(project / "specs", monkeypatch)
    try:
        assert not any(
            r.failed for r in pull(load_catalog(project / "specs"), **page_redaction(), mirror=mirror)
        )
    finally:
        for path in (project / "specs", *(project / "specs").rglob("*")):
            if path.is_dir():
                path.chmod(0o755)


def test_a_fifo_is_refused_not_waited_for(project, own_mirror, capsys):
    import os

    fifo = own_mirror / "modelslab-docs-v2/llm-api/openapi.json"
    fifo.unlink()
    os.mkfifo(fifo)
    results = {
        r.source.id: r for r in pull(load_catalog(project / "specs"), **page_redaction(), mirror=own_mirror)
    }
    assert (
        results["modelslab/llm-api"].failed and "not a regular file" in results["modelslab/llm-api"].message
    )
    sources = project / "specs" / "sources.toml"
    sources.unlink()
    os.mkfifo(sources)
    assert main(["specs", "pull", "--mirror", str(own_mirror)]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_a_url_cannot_climb_out_of_the_mirror(tmp_path):
    from chatconform.specs._fetch import FetchError

    with pytest.raises(FetchError, match="would leave the mirror folder"):
        mirror_path("https://example.org/a/../../../etc/passwd", tmp_path)


@pytest.mark.parametrize(
    "entry", [{"url": "u", "sha256": "s", "size": "12", "retrieved_at": "t"}, {"url": "u"}, "x"]
)
def test_a_lock_with_wrong_types_is_one_line(project, entry, capsys):
    (project / "specs" / "specs.lock").write_text(json.dumps({"version": 1, "sources": {"a": entry}}))
    assert main(["specs", "pull", "--mirror", str(project)]) == 2
    err = capsys.readouterr().err
    assert "not a valid lock file" in err and err.count("\n") == 1
