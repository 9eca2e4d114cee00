"""catalog sync: TOC -> model pages -> specs, as [[source]] data; what cannot be mapped is reported, not
guessed."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from chatconform.cli import main
from chatconform.discovery._page import model_ids, read_page
from chatconform.discovery._provider import discovery
from chatconform.discovery._remote import canonical, spec_listing
from chatconform.discovery._toc import pages_under
from chatconform.specs import load_catalog
from chatconform.specs._lock import read_lock

SECTION = "api-references/text-models-llm/"
DOCS = "aimlapi-api-docs/docs/"
RAW = "https://raw.githubusercontent.com/aimlapi/api-docs/refs/heads/main/docs/" + SECTION


def spec(*models: str, path: str = "/v1/chat/completions") -> str:
    """A minimal OpenAPI document whose chat operation accepts these model ids."""
    body = {"content": {"application/json": {"schema": {"properties": {"model": {"enum": list(models)}}}}}}
    return json.dumps(
        {
            "openapi": "3.0.0",
            "info": {"title": "t", "version": "1"},
            "paths": {path: {"post": {"requestBody": body, "responses": {"201": {"description": "ok"}}}}},
        }
    )


def page(title: str, ids, spec_block: str = "", body: str = "") -> str:
    """A model page as AIML writes them: the ids hint, the embedded operation, then examples."""
    listed = "\n".join(f"* `{i}`" for i in ids)
    return (
        f'# {title}\n\n{{% hint style="info" %}}\nThis documentation is valid for the following list of '
        f"our models:\n\n{listed}\n{{% endhint %}}\n\n## API Schema\n\n{spec_block}\n\n"
        f"## Code Example\n\n{body}"
    )


def operation(name: str, link: str, path: str = "/v1/chat/completions") -> str:
    return (
        f'{{% openapi-operation spec="{name}" path="{path}" method="post" %}}\n[OpenAPI {name}]({link})\n'
        f"{{% endopenapi-operation %}}"
    )


MIRROR_FILES = {
    "Vendor/alpha.json": spec("vendor/alpha"),
    "vendor/alpha.md": page("Alpha", ["vendor/alpha"], operation("alpha", RAW + "Vendor/alpha.json")),
    "Vendor/beta.json": spec("vendor/beta", "vendor/beta-2025"),
    "vendor/beta.md": page("Beta", ["vendor/beta"], operation("beta", "/broken/openapi/beta")),
    "vendor/gamma.md": page("Gamma", ["vendor/gamma"]),
    "Vendor/orphan.json": spec("vendor/orphan"),
    "Vendor/one.json": spec("vendor/shared"),
    "Vendor/two.json": spec("vendor/shared"),
    "vendor/one.md": page("One", ["vendor/shared"], operation("one", RAW + "Vendor/one.json")),
    "vendor/two.md": page("Two", ["vendor/shared"], operation("two", RAW + "Vendor/two.json")),
    "Vendor/resp-RESPONSES.json": spec("vendor/resp", path="/v1/responses"),
    "vendor/resp.md": page(
        "Resp", ["vendor/resp"], operation("resp", RAW + "Vendor/resp-RESPONSES.json", "/v1/responses")
    ),
}
TOC_LINKS = [
    "vendor/alpha.md",
    "vendor/beta.md",
    "vendor/gamma.md",
    "vendor/one.md",
    "vendor/two.md",
    "vendor/resp.md",
]


def write_mirror(root: Path, files: dict, links) -> Path:
    """A mirror laid out like shared/upstream holding a small AIML catalog."""
    for rel, text in files.items():
        target = root / DOCS / SECTION / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    toc = [
        "# Table of contents",
        "",
        f"* [Text Models (LLM)]({SECTION}README.md)",
        f"  * [Vendor]({SECTION}Vendor/README.md)",
    ]
    toc += [f"    * [{link}]({SECTION}{link})" for link in links]
    toc += [
        "* [Image Models](api-references/image-models/README.md)",
        "  * [Pic](api-references/image-models/pic.md)",
    ]
    (root / DOCS / "SUMMARY.md").write_text("\n".join(toc) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty chatconform project (sources.toml without sources) and a small mirror."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "sources.toml").write_text("# nothing yet\n", encoding="utf-8")
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    monkeypatch.delenv("CHATCONFORM_SPECS", raising=False)
    write_mirror(tmp_path / "mirror", MIRROR_FILES, TOC_LINKS)
    return tmp_path


def sync(project: Path, *extra: str) -> int:
    return main(["catalog", "sync", "aimlapi", "--mirror", str(project / "mirror"), *extra])


def written(project: Path) -> dict:
    return tomllib.loads((project / "specs" / "catalog" / "aimlapi.toml").read_text(encoding="utf-8"))


def report(project: Path) -> dict:
    return json.loads((project / "specs" / "catalog" / "aimlapi.sync.json").read_text(encoding="utf-8"))


def test_toc_lists_model_pages_of_the_section_only():
    toc = (
        f"* [A]({SECTION}README.md)\n  * [B]({SECTION}X/b.md)\n  * [C]({SECTION}../../etc/c.md)\n"
        f"* [D](api-references/image-models/d.md)\n  * [B again]({SECTION}X/b.md)\n"
    )
    assert [e.link for e in pages_under(toc, SECTION)] == [f"{SECTION}X/b.md"]


@pytest.mark.parametrize(
    "hint, ids",
    [
        ("* `a/b`\n* `c`", ("a/b", "c")),
        (
            "<table><tr><td><code>g/x-4b</code></td><td><code>g/x-12b</code></td></tr></table>",
            ("g/x-4b", "g/x-12b"),
        ),
        ("* chatgpt-4o-latest", ("chatgpt-4o-latest",)),
        ("* &#x20;`perplexity/sonar`", ("perplexity/sonar",)),
    ],
)
def test_a_page_names_its_model_ids_in_every_form_aiml_uses(hint, ids):
    text = (
        "# T\n{% hint %}\nThis documentation is valid for the following list of our models:\n"
        f"{hint}\n## Next\n`not/this`"
    )
    assert model_ids(text) == ids


def test_a_page_names_its_spec_by_link_or_only_by_name():
    refs = read_page(
        page("T", ["x"], operation("x", "/broken/openapi/x") + operation("y", RAW + "y.json"))
    ).specs
    assert [(r.name, r.linked) for r in refs] == [("x", False), ("y", True)]


def test_other_spellings_of_a_repository_file_become_the_catalogs_own():
    disc = discovery("aimlapi")
    want = RAW + "OpenAI/gpt-5-2.json"
    short = want.replace("refs/heads/main", "main")
    blob = want.replace(
        "raw.githubusercontent.com/aimlapi/api-docs/refs/heads/",
        "github.com/aimlapi/api-docs/raw/refs/heads/",
    )
    assert canonical(short, disc) == canonical(blob, disc) == want
    off = "https://ai.aimlapi.com/docs-json?endpoint=openai/chat-completions&model=x"
    assert canonical(off, disc) == off


def test_sync_maps_pages_to_specs_and_reports_the_rest(project):
    assert sync(project) == 0
    sources = {s["id"]: s for s in written(project)["source"]}
    assert sources["aimlapi/vendor/alpha"]["models"] == ["vendor/alpha"]
    assert sources["aimlapi/vendor/alpha"]["url"] == RAW + "Vendor/alpha.json"
    # a broken link is mapped only through the spec's own model enum, and the file says so
    assert sources["aimlapi/vendor/beta"]["models"] == ["vendor/beta"]
    assert "mapped by the spec's own model enum" in (project / "specs/catalog/aimlapi.toml").read_text()
    # an id two pages claim for different specs is the contract of neither
    assert sources["aimlapi/vendor/one"]["models"] == [] and sources["aimlapi/vendor/two"]["models"] == []
    assert {"aimlapi/docs/vendor/alpha", "aimlapi/docs/vendor/gamma"} <= set(sources)
    # a page embedding the Responses operation: its spec is pinned for the Responses paths only
    assert sources["aimlapi/vendor/resp-RESPONSES"]["models"] == ["vendor/resp"]
    assert sources["aimlapi/vendor/resp-RESPONSES"]["paths"] == ["/v1/responses", "/responses"]
    assert "paths" not in sources["aimlapi/vendor/alpha"] and "aimlapi/docs/vendor/resp" in sources
    sections = report(project)["sections"]
    assert [p["page"] for p in sections["pages_without_spec"]] == [RAW + "vendor/gamma.md"]
    assert [s["spec"] for s in sections["specs_no_page_links"]] == [RAW + "Vendor/orphan.json"]
    assert sections["ids_claimed_twice"][0]["id"] == "vendor/shared"
    assert "not_chat_completions" not in sections


def test_specs_pull_pins_every_entry_sync_wrote(project):
    assert sync(project) == 0
    catalog = load_catalog(project / "specs")
    assert main(["specs", "pull", "--update", "--mirror", str(project / "mirror")]) == 0
    pins = read_lock(project / "specs")
    assert {s.id for s in catalog.sources} == set(pins) and len(pins) == 11
    assert catalog.spec_for("aimlapi", "vendor/alpha").id == "aimlapi/vendor/alpha"
    assert catalog.spec_for("aimlapi", "vendor/resp", "/v1/responses").id == "aimlapi/vendor/resp-RESPONSES"


def test_two_unlinked_specs_fitting_a_page_leave_it_unmapped(project):
    files = {**MIRROR_FILES, "Vendor/beta-copy.json": spec("vendor/beta")}
    write_mirror(project / "mirror", files, TOC_LINKS)
    assert sync(project) == 0
    assert "aimlapi/vendor/beta" not in {s["id"] for s in written(project)["source"]}
    reason = next(
        p["reason"] for p in report(project)["sections"]["pages_without_spec"] if "beta" in p["page"]
    )
    assert "2 unlinked specs list its ids" in reason


def test_model_option_adds_just_those_and_keeps_the_rest(project):
    write_mirror(project / "mirror", MIRROR_FILES, ["vendor/alpha.md"])
    assert sync(project) == 0
    write_mirror(project / "mirror", MIRROR_FILES, TOC_LINKS)
    assert sync(project, "--model", "vendor/beta") == 0
    ids = [s["id"] for s in written(project)["source"]]
    assert ids == [
        "aimlapi/vendor/alpha",
        "aimlapi/docs/vendor/alpha",
        "aimlapi/vendor/beta",
        "aimlapi/docs/vendor/beta",
    ]


def test_an_unknown_model_is_one_line_naming_the_closest(project, capsys):
    assert sync(project, "--model", "vendor/alpah") == 2
    err = capsys.readouterr().err
    assert "vendor/alpah" in err and "vendor/alpha" in err and len(err.strip().splitlines()) == 1


def test_entries_already_in_sources_toml_are_not_repeated(project):
    (project / "specs" / "sources.toml").write_text(
        f'[[source]]\nid = "mine/alpha"\nkind = "spec"\nprovider = "aimlapi"\nmodels = ["vendor/alpha"]\n'
        f'url = "{RAW}Vendor/alpha.json"\n',
        encoding="utf-8",
    )
    assert sync(project) == 0
    ids = {s["id"] for s in written(project)["source"]}
    assert "aimlapi/vendor/alpha" not in ids and "aimlapi/docs/vendor/alpha" in ids
    assert load_catalog(project / "specs").spec_for("aimlapi", "vendor/alpha").id == "mine/alpha"


def test_a_page_file_name_that_is_no_safe_file_name_stays_inside_specs(project):
    odd = {"vendor/.hidden.md": page("Hidden", ["vendor/h"]), "vendor/x@y.md": page("At", ["vendor/at"])}
    write_mirror(project / "mirror", {**MIRROR_FILES, **odd}, [*TOC_LINKS, *odd])
    assert sync(project) == 0
    ids = [s["id"] for s in written(project)["source"]]
    assert {"aimlapi/docs/vendor/_hidden", "aimlapi/docs/vendor/x_y"} <= set(ids)
    for source in load_catalog(project / "specs").sources:
        assert not any(part.startswith(".") for part in source.relpath.split("/"))


def test_online_the_repository_tree_lists_the_specs(monkeypatch):
    import chatconform.discovery._remote as remote

    tree = {
        "tree": [
            {"path": "docs/" + SECTION + "V/a.json"},
            {"path": "docs/" + SECTION + "v/a.md"},
            {"path": "docs/other/b.json"},
        ]
    }
    monkeypatch.setattr(remote, "fetch", lambda url, mirror: json.dumps(tree).encode())
    assert spec_listing(discovery("aimlapi"), None) == [RAW + "V/a.json"]


def test_a_spec_pinned_for_some_paths_names_them_as_paths(project):
    """`paths` (the calls a spec is the contract for) are URL paths; anything else is one line naming it."""
    bad = (
        '[[source]]\nid = "x/y"\nkind = "spec"\nurl = "https://example.com/y.json"\n'
        'paths = ["v1/responses"]\n'
    )
    (project / "specs" / "sources.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(
        Exception, match=r"'paths' in \[\[source\]\] #1 \('x/y'\) must be an array of URL paths"
    ):
        load_catalog(project / "specs")
