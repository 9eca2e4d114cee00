"""Two `chatconform check` runs in one Python process, each with its own chatconform.toml, judge
independently: no provider data, cache or hand-off of the first run reaches the second (issue 21: no
process-global state)."""

import json
import textwrap
from pathlib import Path

import pytest

from chatconform.cli import main
from chatconform.recording.cassettes import dump_cassette
from tests.builders import completion, interaction

# three `chatconform check` runs (each a pytest session, in-process): ~11 s, so `make test` runs it and
# `make test-unit` leaves it out, as every test that runs `check` (issue 21 part 6)
pytestmark = pytest.mark.slow
SPECS = Path(__file__).resolve().parents[2] / "specs"
GATEWAY = """
[run]
providers = ["gateway"]

[providers.gateway]
base_url = "http://127.0.0.1:9/v1"
models = ["acme-2"]

[[providers.gateway.acknowledged]]
check = "spec-gap.no-spec"
reason = "the gateway publishes no OpenAPI spec: only its documented behaviours are judged"
link = "https://gateway.example/docs"
"""
DEVIATION = """
[[providers.gateway.deviations]]
check = "usage.total_is_sum"
models = ["acme-2"]
reason = "acme-2 counts cached tokens twice in total_tokens"
link = "https://gateway.example/issues/12"
"""


def project(folder: Path, declares_deviation: bool) -> Path:
    """A project whose one cassette's usage does not add up; its chatconform.toml declares that or not."""
    folder.mkdir()
    text = GATEWAY + (DEVIATION if declares_deviation else "")
    (folder / "chatconform.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    body = completion(model="acme-2", usage=(5, 7))
    body["usage"]["total_tokens"] = 99
    request = {"model": "acme-2", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 50}
    dump_cassette(
        folder / "cassettes" / "gateway" / "acme-2" / "recorded.yaml",
        [interaction(request, body, url="http://127.0.0.1:9/v1/chat/completions")],
        {
            "origin": "cassette",
            "provider": "gateway",
            "model": "acme-2",
            "notes": "chatconform unit-test data",
        },
    )
    return folder


def check(folder: Path, monkeypatch) -> tuple[int, dict[str, str]]:
    """`chatconform check` run in-process in the project folder: its exit code and {check: verdict}."""
    monkeypatch.chdir(folder)
    code = main(["check", "--mode", "replay", "--", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"])
    results = json.loads((folder / "reports" / "results.json").read_text(encoding="utf-8"))
    return code, {row["check"]: row["verdict"] for row in results["results"] if row["model"] == "acme-2"}


def test_two_check_runs_with_different_project_files_give_independent_results(tmp_path, monkeypatch):
    for name in ("CHATCONFORM_CONFIG", "CHATCONFORM_ROOT", "CHATCONFORM_REPORTS", "CHATCONFORM_API_KEY_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHATCONFORM_SPECS", str(SPECS))  # the pinned specs in place: nothing is pulled
    monkeypatch.setenv("CHATCONFORM_CACHE", str(tmp_path / "cache"))  # derived data: this run's own
    declared = project(tmp_path / "declared", declares_deviation=True)
    undeclared = project(tmp_path / "undeclared", declares_deviation=False)

    first = check(declared, monkeypatch)
    second = check(undeclared, monkeypatch)  # the first run's deviation must not cover this run's breach
    third = check(declared, monkeypatch)  # nor the second run's data undo the first project's declaration

    assert first[1]["usage.total_is_sum"] == "xfail" and first[0] == 0, first
    assert second[1]["usage.total_is_sum"] == "fail" and second[0] == 1, second
    assert third == first
    for folder in (declared, undeclared):  # each summary is its own run's, never the other one's
        page = (folder / "reports" / "summary.html").read_text(encoding="utf-8")
        assert ("counts cached tokens twice" in page) == (folder == declared)
