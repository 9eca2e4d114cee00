"""catalog examples: every chat example of every pinned page becomes a cassette with provenance; no key
survives."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from chatconform.cli import main
from chatconform.discovery._build import page_secrets
from chatconform.discovery._calls import read_call
from chatconform.discovery._examples import examples_of
from chatconform.discovery._literals import NotLiteral, js_value, printed_value, python_value
from chatconform.specs._lock import read_lock
from tests.builders import default_data, run_of
from tests.unit.test_catalog import MIRROR_FILES, RAW, TOC_LINKS, operation, page, spec, write_mirror

ROOT = Path(__file__).resolve().parents[2]
CANARY = "c4naryTESTb1612dd272d1371c1714"
FENCE = "```"


def tabs(*pairs) -> str:
    """A {% tabs %} group of (title, language, code)."""
    body = "".join(
        f'{{% tab title="{t}" %}}\n{FENCE}{lang}\n{code}\n{FENCE}\n{{% endtab %}}\n'
        for t, lang, code in pairs
    )
    return f"{{% tabs %}}\n{body}{{% endtabs %}}\n"


def response(text: str, summary: str = "Response") -> str:
    return f"<details>\n<summary>{summary}</summary>\n{FENCE}json5\n{text}\n{FENCE}\n</details>\n"


def py(
    model: str,
    extra: str = "",
    url: str = "https://api.aimlapi.com/v1/chat/completions",
    auth: str = "Bearer <YOUR_AIMLAPI_KEY>",
) -> str:
    return (
        f'import requests\nresponse = requests.post(\n    "{url}",\n    headers={{"Authorization": "{auth}", '
        f'"Content-Type": "application/json"}},\n    json={{\n        "model": "{model}",  # the model\n'
        f'        "messages": [{{"role": "user", "content": "Hello"}}],{extra}\n'
        "    }\n)\nprint(response.text)"
    )


def js(model: str) -> str:
    return (
        "const response = await fetch('https://api.aimlapi.com/v1/chat/completions', {\n  method: 'POST',\n"
        "  headers: {'Authorization': 'Bearer <YOUR_AIMLAPI_KEY>'},\n  body: JSON.stringify({\n"
        f"    model: '{model}',\n    // a comment\n"
        "    messages: [{role: 'user', content: 'Hello'}],\n  }),\n});"
    )


ANSWER = (
    '{\n  "id": "x", "object": "chat.completion", "created": 1, "model": "vendor/delta",\n'
    "  // json5 comment\n"
    '  "choices": [{"index": 0, "finish_reason": "stop", '
    '"message": {"role": "assistant", "content": "Hi"}}],\n'
    '  "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},\n}'
)
CHUNK = '{"id":"x","object":"chat.completion.chunk","created":1,"model":"vendor/delta","choices":[%s]}'
STREAM = "\n".join(
    "data: " + CHUNK % c
    for c in (
        '{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}',
        '{"index":0,"delta":{},"finish_reason":"stop"}',
    )
)
DELTA_PAGE = page(
    "Delta",
    ["vendor/delta"],
    operation("delta", RAW + "Vendor/delta.json"),
    body=(
        "## Example #1\n"
        + tabs(
            ("Python", "python", py("vendor/delta", ' "temperature": 0.5,')),
            ("JavaScript", "javascript", js("vendor/delta-x")),
        )
        + response(ANSWER)
        + "## Example #2\n"
        + tabs(("Python", "python", py("vendor/delta", ' "stream": True,')))
        + response(STREAM)
        + "<details>\n<summary>Example with response parsing</summary>\n"
        + FENCE
        + "python\n"
        + py("vendor/delta", ' "stream": True,', auth=f"Bearer {CANARY}")
        + "\n"
        + FENCE
        + "\n</details>\n"
        + response("--- MODEL RESPONSE ---\nHi")
        + "## Example #3\n"
        + tabs(("Python", "python", py("vendor/delta", url="https://api.aimlapi.com/v1/responses")))
        + response('{"id": "r"}')
        + "## Example #4\n"
        + tabs(("Python", "python", py("vendor/delta")))
    ),
)
# A page documenting both endpoints (as AIML's OpenAI pages do), its Responses example and printed answer.
EPS_RESPONSE = '{"id": "resp_1", "object": "response", "status": "completed", "output": []}'
EPS_PAGE = page(
    "Eps",
    ["vendor/eps"],
    operation("eps", RAW + "Vendor/eps.json")
    + "\n"
    + operation("eps-RESPONSES", RAW + "Vendor/eps-RESPONSES.json", "/v1/responses"),
    body=(
        "## Code Example #2: Using /responses Endpoint\n"
        + tabs(("Python", "python", py("vendor/eps", url="https://api.aimlapi.com/v1/responses")))
        + response(EPS_RESPONSE)
    ),
)


def test_javascript_object_literals_are_read_without_running_them():
    text = "x = {model: 'a\\'b', \"n\": -1.5, list: [1, 2,], /* c */ ok: true, none: null, // c\n t: `q`,}"
    assert js_value(text, text.index("{"))[0] == {
        "model": "a'b",
        "n": -1.5,
        "list": [1, 2],
        "ok": True,
        "none": None,
        "t": "q",
    }
    for bad in ("{model: someVariable}", "{...base}", "{t: `a${b}`}"):
        with pytest.raises(NotLiteral):
            js_value(bad)


def test_printed_bodies_are_json_json5_or_a_python_dict():
    assert printed_value('{"a": 1}') == ({"a": 1}, "json")
    assert printed_value('{"a": 1, // c\n}') == ({"a": 1}, "json5")
    assert printed_value("{'a': None, 'b': True}") == ({"a": None, "b": True}, "python")
    with pytest.raises(NotLiteral):
        printed_value("--- MODEL RESPONSE ---\nHi")
    with pytest.raises(NotLiteral):
        python_value("{'a': __import__('os').system('true')}")


def test_each_language_tab_tells_its_call():
    call = read_call("python", py("m", ' "max_tokens": 5,'))
    assert (call.url, call.body["max_tokens"], call.headers["Content-Type"]) == (
        "https://api.aimlapi.com/v1/chat/completions",
        5,
        "application/json",
    )
    assert read_call("javascript", js("m")).body == {
        "model": "m",
        "messages": [{"role": "user", "content": "Hello"}],
    }
    curl = (
        "curl -L \\\n --url 'https://api.aimlapi.com/v1/chat/completions' \\\n"
        " --header 'Authorization: Bearer k' \\\n --data '{\"model\": \"m\"}'"
    )
    assert read_call("javascript", curl).body == {"model": "m"}  # a cURL tab fenced as another language
    broken = read_call("python", py("m").replace('"messages"', ',"messages"'))
    assert broken.body is None or broken.notes  # a tab that does not parse says so
    assert "does not parse" in (broken.problem + " ".join(broken.notes))


def test_examples_group_tabs_with_the_response_printed_after_them():
    found = examples_of(DELTA_PAGE)
    assert [(e.index, [t.title for t in e.tabs], len(e.responses)) for e in found] == [
        (1, ["Python", "JavaScript"], 1),
        (2, ["Python"], 1),
        (3, ["Example with response parsing"], 1),
        (4, ["Python"], 1),
        (5, ["Python"], 0),
    ]
    assert examples_of(f"{FENCE}python\n# <summary>Response</summary>\n{{% tabs %}}\n{FENCE}\n") == []


def test_a_bearer_credential_anywhere_on_a_page_is_a_secret_and_prose_is_not():
    text = f"Use Bearer authentication.\n{FENCE}\n'Authorization': 'Bearer {CANARY}'\n{FENCE}"
    assert page_secrets(text, []) == {CANARY}


@pytest.fixture
def generated(tmp_path, monkeypatch):
    """A project synced, pulled and generated from a mirror holding the Delta page (with a canary key)."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "sources.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    monkeypatch.delenv("CHATCONFORM_SPECS", raising=False)
    files = {
        **MIRROR_FILES,
        "Vendor/delta.json": spec("vendor/delta"),
        "vendor/delta.md": DELTA_PAGE,
        "Vendor/eps.json": spec("vendor/eps"),
        "vendor/eps.md": EPS_PAGE,
        "Vendor/eps-RESPONSES.json": spec("vendor/eps", path="/v1/responses").replace('"201"', '"200"'),
    }
    mirror = write_mirror(tmp_path / "mirror", files, [*TOC_LINKS, "vendor/delta.md", "vendor/eps.md"])
    assert main(["catalog", "sync", "aimlapi", "--mirror", str(mirror)]) == 0
    assert main(["specs", "pull", "--update", "--mirror", str(mirror)]) == 0
    assert main(["catalog", "examples", "aimlapi"]) == 0
    return tmp_path


def cassette(project: Path, name: str) -> dict:
    return yaml.safe_load(
        (project / "cassettes/aimlapi-catalog/vendor/delta" / name).read_text(encoding="utf-8")
    )


def test_every_chat_example_is_a_cassette_with_its_provenance(generated):
    folder = generated / "cassettes/aimlapi-catalog/vendor/delta"
    assert sorted(p.name for p in folder.iterdir()) == [f"docs-example-{n}.yaml" for n in (1, 2, 3, 4, 5)]
    first = cassette(generated, "docs-example-1.yaml")
    prov, item = first["metadata"]["provenance"], first["interactions"][0]
    assert prov["sha256"] == read_lock(generated / "specs")["aimlapi/docs/vendor/delta"].sha256
    assert (prov["origin"], prov["provider"], prov["model"], prov["example"]["index"]) == (
        "docs",
        "aimlapi",
        "vendor/delta",
        1,
    )
    assert prov["tab_models"] == {"Python": "vendor/delta", "JavaScript": "vendor/delta-x"}
    assert prov["tab_differences"] == ["model", "temperature"] and prov["page_model_ids"] == ["vendor/delta"]
    assert item["response"]["status"]["code"] == 201  # the only success status the model's spec documents
    assert json.loads(item["response"]["body"]["string"])["usage"]["total_tokens"] == 2  # json5 read as JSON
    assert item["request"]["headers"]["Authorization"] == ["<redacted>"]


def test_streams_text_outputs_and_missing_responses_are_said(generated):
    stream = cassette(generated, "docs-example-2.yaml")["interactions"][0]["response"]
    assert stream["headers"]["Content-Type"] == ["text/event-stream"]
    assert stream["body"]["string"].count("\n\n") == 2
    for name, kind in (("docs-example-3.yaml", "text"), ("docs-example-5.yaml", "none")):
        data = cassette(generated, name)
        assert (
            data["interactions"][0]["response"] is None and data["metadata"]["provenance"]["response"] == kind
        )


def test_responses_api_examples_are_cassettes_judged_by_the_pages_responses_spec(generated, monkeypatch):
    listing = json.loads((generated / "specs/catalog/aimlapi.examples.json").read_text(encoding="utf-8"))
    assert listing["counts"]["not_judged_yet"] == 0 and listing["counts"]["cassettes"] == 6
    assert (
        listing["counts"]["responses_cassettes"] == 2 and listing["counts"]["responses_response_printed"] == 2
    )
    eps = yaml.safe_load((generated / "cassettes/aimlapi-catalog/vendor/eps/docs-example-1.yaml").read_text())
    prov, item = eps["metadata"]["provenance"], eps["interactions"][0]
    assert item["request"]["uri"] == "https://api.aimlapi.com/v1/responses" and json.loads(
        item["response"]["body"]["string"]
    ) == json.loads(EPS_RESPONSE)
    assert (prov["example"]["heading"], prov["example"]["tab"]) == (
        "Code Example #2: Using /responses Endpoint",
        "Python",
    )
    assert item["response"]["status"]["code"] == 200 and "aimlapi/vendor/eps-RESPONSES" in prov["assumed"]
    from chatconform.judging.route import route
    from chatconform.recording.cassettes import load_cassette
    from chatconform.specs import SpecStore

    monkeypatch.chdir(generated)
    store = SpecStore()
    ex = load_cassette(
        generated / "cassettes/aimlapi-catalog/vendor/eps/docs-example-1.yaml", default_data()
    ).exchanges[0]
    way = route(ex, run_of(store))
    assert (way.dialect.name, way.source.id) == ("openai-responses", "aimlapi/vendor/eps-RESPONSES")
    assert store.catalog.spec_for("aimlapi", "vendor/eps").id == "aimlapi/vendor/eps"  # chat keeps its own


def test_no_generated_file_carries_a_key_shown_on_a_page(generated):
    # every file the run wrote, the pulled copy of the page included (it is stored with the key redacted)
    scanned = [p for p in generated.rglob("*") if p.is_file() and "mirror" not in p.parts]
    assert generated / "specs/aimlapi/docs/vendor/delta.md" in scanned and len(scanned) > 10
    assert [p for p in scanned if CANARY in p.read_text(encoding="utf-8", errors="replace")] == []
    published = [p for p in generated.rglob("delta.md") if "mirror" in p.parts]
    assert (
        published and CANARY in published[0].read_text()
    )  # the page really shows one: the scan could see it


def test_regenerating_changes_nothing_and_drops_what_no_page_gives(generated, capsys):
    assert main(["catalog", "examples", "aimlapi"]) == 0
    assert "0 cassette(s) written or changed, 0 removed" in capsys.readouterr().out
    stale = generated / "cassettes/aimlapi-catalog/vendor/delta/docs-example-9.yaml"
    stale.write_text((stale.parent / "docs-example-1.yaml").read_text())
    mine = generated / "cassettes/aimlapi-catalog/vendor/delta/hand-written.yaml"
    mine.write_text("interactions: []\n")
    assert main(["catalog", "examples", "aimlapi"]) == 0
    assert not stale.exists() and mine.exists()


def test_the_page_claims_read_the_provenance(generated, capsys):
    main(["verify", "--json", str(generated / "cassettes/aimlapi-catalog/vendor/delta")])
    rows = {
        Path(r["cassette"]).name: {f["check"] for f in r["findings"]}
        for r in map(json.loads, capsys.readouterr().out.splitlines())
    }
    assert "docs.tabs_send_one_model" in rows["docs-example-1.yaml"]
    assert "docs.tabs_send_one_model" not in rows["docs-example-2.yaml"]
    assert not any("docs.example_sends_listed_model" in checks for checks in rows.values())


@pytest.mark.slow
def test_the_real_catalog_canary_never_reaches_a_generated_file(mirror, tmp_path, monkeypatch):
    """The mirror's qwen3-32b page prints a bearer token: sync, pull and examples on the whole catalog."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "sources.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / ".cache"))
    assert main(["catalog", "sync", "aimlapi", "--mirror", str(mirror)]) == 0
    assert main(["specs", "pull", "--update", "--mirror", str(mirror)]) == 0
    assert main(["catalog", "examples", "aimlapi"]) == 0
    written = [*tmp_path.glob("cassettes/**/*.yaml"), *tmp_path.glob("specs/catalog/*")]
    assert len(written) > 250
    counts = json.loads((tmp_path / "specs/catalog/aimlapi.sync.json").read_text())["counts"]
    assert counts["chat_pages"] > 250 and counts["pages_without_spec"] < 15  # nearly every page has its spec
    assert_no_page_key(written, page_keys(mirror))


def page_keys(mirror: Path) -> set[str]:
    """Every credential any page of the mirror's AIML catalog shows (the canary among them)."""
    root = mirror / "aimlapi-api-docs/docs/api-references/text-models-llm"
    keys = set()
    for path in root.rglob("*.md"):
        keys |= page_secrets(path.read_text(encoding="utf-8"), [])
    assert any(k.startswith("c4nary") for k in keys), "the mirror's canary page was not read"
    return keys


def assert_no_page_key(files, keys) -> None:
    needles = [k.encode("utf-8") for k in {"c4nary", *keys}]
    leaks = [(str(p), k[:6]) for p in files for data in [p.read_bytes()] for k in needles if k in data]
    assert leaks == []


def test_no_committed_or_generated_file_of_this_checkout_carries_a_page_key():
    """cassettes/, specs/catalog/, reports/ and the cache of this checkout: never the canary nor a page
    key."""
    mirror = Path(os.environ.get("CHATCONFORM_MIRROR") or ROOT.parent / "shared" / "upstream")
    keys = page_keys(mirror) if (mirror / "aimlapi-api-docs").is_dir() else set()
    folders = [ROOT / "cassettes", ROOT / "specs" / "catalog", ROOT / "reports", ROOT / ".cache"]
    files = [
        p
        for f in folders
        if f.is_dir()
        for p in f.rglob("*")
        if p.is_file() and p.stat().st_size < 50_000_000
    ]
    assert_no_page_key(files, keys)


def test_no_committed_or_pulled_file_carries_the_mirror_canary():
    """AIML's qwen3-32b page prints a bearer token (a canary in the mirror): no file of ours holds it."""
    root = Path(__file__).resolve().parents[2]
    page = (
        root.parent
        / "shared/upstream/aimlapi-api-docs/docs/api-references/text-models-llm/alibaba-cloud/qwen3-32b.md"
    )
    if not page.is_file():
        pytest.skip(f"the mirror is not beside the project ({page} is absent): nothing to look for")
    canary = re.search(rb"Bearer (c4nary\w+)", page.read_bytes()).group(1)
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    files = [root / name for name in tracked.decode().split("\0") if name]
    files += [p for p in (root / "specs").rglob("*") if p.is_file()]  # the pulled copies too
    assert len(files) > 500
    assert [p for p in files if p.is_file() and canary in p.read_bytes()] == []
