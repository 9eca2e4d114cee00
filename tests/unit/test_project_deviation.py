"""A deviation declared in a project's chatconform.toml is a reported known deviation on every path:
verify, the replay suite, and a live run against the reference provider (no edit to chatconform)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chatconform import providers
from chatconform.recording.cassettes import dump_cassette
from chatconform.refserver import ReferenceServer
from tests.builders import completion, interaction

SPECS = Path(__file__).resolve().parents[2] / "specs"
PROJECT = """
[providers.gateway]
base_url = "${GW_BASE}"
key_env = "GW_DEVIATION_TEST_KEY"
models = ["acme-1", "acme-2"]

[[providers.gateway.deviations]]
check = "usage.total_is_sum"
models = ["acme-2"]
reason = "acme-2 counts cached tokens twice in total_tokens"
link = "https://gateway.example/issues/12"

[[providers.gateway.acknowledged]]
check = "spec-gap.no-spec"
reason = "the gateway publishes no OpenAPI spec: only its documented behaviours are judged"
link = "https://gateway.example/docs"
"""
KEY = "reference-key-for-deviation-test"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder holding chatconform.toml and two cassettes whose usage does not add up (acme-1, acme-2)."""
    (tmp_path / "chatconform.toml").write_text(textwrap.dedent(PROJECT), encoding="utf-8")
    for model in ("acme-1", "acme-2"):
        body = completion(model=model, usage=(5, 7))
        body["usage"]["total_tokens"] = 99
        request = {"model": model, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 50}
        dump_cassette(
            tmp_path / "cassettes" / "gateway" / model / "recorded.yaml",
            [interaction(request, body, url="http://127.0.0.1:9/v1/chat/completions")],
            {
                "origin": "cassette",
                "provider": "gateway",
                "model": model,
                "notes": "chatconform unit-test data",
            },
        )
    return tmp_path


def run(
    folder: Path, *args, base="http://127.0.0.1:9/v1", module="chatconform.cli"
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_")}
    env.update(
        CHATCONFORM_SPECS=str(SPECS),
        CHATCONFORM_CACHE=str(folder / ".cache"),
        GW_BASE=base,
        GW_DEVIATION_TEST_KEY=KEY,
        CHATCONFORM_REFERENCE_KEY=KEY,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def rows(folder: Path, check: str) -> dict[str, set[str]]:
    """{model: verdicts of its rows for the check} from the run's results.json."""
    data = json.loads((folder / "reports" / "results.json").read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for row in data["results"]:
        if row["check"] == check:
            out.setdefault(row["model"], set()).add(row["verdict"])
    return out


def reasons(folder: Path) -> str:
    """Every row's reason in the run's results.json, joined."""
    data = json.loads((folder / "reports" / "results.json").read_text(encoding="utf-8"))
    return " ".join(row.get("reason") or "" for row in data["results"])


@pytest.mark.slow  # `chatconform verify` in a subprocess
def test_verify_reports_the_declared_deviation_and_does_not_fail_on_it(project):
    result = run(project, "verify", "cassettes/gateway/acme-2", "--json")
    assert result.returncode == 0, result.stderr
    judged = json.loads(result.stdout.splitlines()[0])
    assert judged["provider"] == "gateway" and judged["verdict"] == "xfail"
    known = [f for f in judged["findings"] if f["check"] == "usage.total_is_sum"]
    assert known and "counts cached tokens twice" in known[0]["known_deviation"]
    undeclared = run(project, "verify", "cassettes/gateway/acme-1")  # the same breach, no declaration
    assert undeclared.returncode == 1 and "usage.total_is_sum" in undeclared.stdout


@pytest.mark.slow
def test_the_replay_suite_runs_it_as_a_strict_xfail(project):
    result = run(project, "-p", "no:cacheprovider", "-v", "cassettes", module="pytest")
    assert result.returncode == 1, result.stdout[-3000:]  # acme-1's breach is a failure nobody declared
    assert rows(project, "usage.total_is_sum") == {"acme-1": {"fail"}, "acme-2": {"xfail"}}
    assert "1 xfailed" in result.stdout and "counts cached tokens twice" in reasons(project)


@pytest.mark.slow
def test_a_live_run_against_the_reference_provider_reports_it_as_known(project, monkeypatch):
    monkeypatch.chdir(project)
    monkeypatch.setenv("GW_BASE", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("CHATCONFORM_REFERENCE_KEY", KEY)
    monkeypatch.setenv("CHATCONFORM_SPECS", str(SPECS))  # the server reads the pinned specs in place
    monkeypatch.setenv("CHATCONFORM_CACHE", str(project / ".cache"))
    data = providers.ProviderData.load(project / "chatconform.toml")  # the server serves its provider too
    with ReferenceServer(faults=["usage-total-off"], data=data) as server:
        result = run(
            project,
            "-p",
            "no:cacheprovider",
            "-v",
            "cassettes",
            "--mode",
            "live",
            "--provider",
            "gateway",
            base=server.base_url("gateway"),
            module="pytest",
        )
    verdicts = rows(project, "usage.total_is_sum")
    assert verdicts.get("acme-2") == {"xfail"}, result.stdout[-3000:]
    assert verdicts.get("acme-1") == {"fail"}, result.stdout[-3000:]
    assert "xfailed" in result.stdout and result.returncode == 1
    assert "counts cached tokens twice" in reasons(project)
