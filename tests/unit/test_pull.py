"""specs pull: mirror mapping, lock reproduction, tampering, broken sources, --update."""

import json
import shutil
from pathlib import Path

import pytest

from chatconform.cli import main
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
def own_mirror(mirror, tmp_path):
    """A private copy of the mirror that a test may tamper with."""
    target = tmp_path / "mirror"
    shutil.copytree(mirror, target)
    return target


def test_raw_github_urls_map_to_the_mirror_layout(tmp_path):
    url = "https://raw.githubusercontent.com/ModelsLab/docs-v2/refs/heads/main/llm-api/openapi.json"
    assert mirror_path(url, tmp_path) == tmp_path / "modelslab-docs-v2" / "llm-api" / "openapi.json"
    other = "https://example.org/a/b.json"
    assert mirror_path(other, tmp_path) == tmp_path / "example.org" / "a" / "b.json"


def test_pull_from_the_mirror_reproduces_the_committed_lock(project, mirror):
    before = (project / "specs" / "specs.lock").read_text()
    results = pull(load_catalog(project / "specs"), mirror=mirror)
    assert [r.message for r in results if r.failed] == []
    assert (project / "specs" / "specs.lock").read_text() == before
    assert (project / "specs" / "aimlapi" / "gemini-2.5-flash.json").is_file()


def test_a_tampered_file_fails_alone_and_the_pinned_copy_is_kept(project, own_mirror):
    catalog = load_catalog(project / "specs")
    assert not any(r.failed for r in pull(catalog, mirror=own_mirror))
    target = own_mirror / "aimlapi-api-docs/docs/api-references/text-models-llm/Google/gemini-2.5-pro.json"
    doc = json.loads(target.read_text())
    doc["paths"]["/v1/chat/completions"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"]["temperature"]["maximum"] = 1
    target.write_text(json.dumps(doc))
    results = {r.source.id: r for r in pull(catalog, mirror=own_mirror)}
    bad = results["aimlapi/gemini-2.5-pro"]
    assert bad.failed and "differs from lock" in bad.message and "temperature" in bad.message
    assert "\n" not in bad.message
    assert [k for k, r in results.items() if r.failed] == ["aimlapi/gemini-2.5-pro"]
    pinned = read_lock(project / "specs")["aimlapi/gemini-2.5-pro"].sha256
    from chatconform.specs._lock import sha256_of
    assert sha256_of((project / "specs/aimlapi/gemini-2.5-pro.json").read_bytes()) == pinned


@pytest.mark.parametrize("content, expected", [
    (None, "not in mirror"),
    (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "looks like an HTML page"),
    (b'{"openapi": "3.0.0", "paths": {', "not valid JSON"),
    (b'{"swagger": "2.0"}', "not an OpenAPI document"),
])
def test_broken_sources_are_one_line_errors_and_the_others_still_pull(project, own_mirror, content, expected):
    target = own_mirror / "modelslab-docs-v2/llm-api/openapi.json"
    if content is None:
        target.unlink()
    else:
        target.write_bytes(content)
    results = pull(load_catalog(project / "specs"), mirror=own_mirror)
    failed = [r for r in results if r.failed]
    assert [r.source.id for r in failed] == ["modelslab/llm-api"]
    assert expected in failed[0].message and "\n" not in failed[0].message
    assert sum(not r.failed for r in results) == len(results) - 1


def test_update_accepts_a_change_and_rewrites_the_lock(project, own_mirror):
    target = own_mirror / "modelslab-docs-v2/llm-api/openapi.json"
    target.write_text(target.read_text().replace('"version": "7.0.0"', '"version": "7.1.0"'))
    catalog = load_catalog(project / "specs")
    assert any(r.failed for r in pull(catalog, mirror=own_mirror))
    results = pull(catalog, mirror=own_mirror, update=True)
    assert {r.source.id: r.status for r in results}["modelslab/llm-api"] == "updated"
    assert not any(r.failed for r in pull(catalog, mirror=own_mirror))


def test_cli_exit_codes(project, own_mirror, capsys):
    assert main(["specs", "pull", "--mirror", str(own_mirror)]) == 0
    (own_mirror / "openai-openai-openapi/openapi.json").write_text("{}")
    assert main(["specs", "pull", "--mirror", str(own_mirror)]) == 1
    err = capsys.readouterr().err
    assert "openai/openapi" in err and "FAILED" in err
    assert main(["specs", "pull", "--mirror", str(project / "nowhere")]) == 2
