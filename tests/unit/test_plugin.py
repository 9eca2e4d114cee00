"""The pytest plugin collects a project's cassettes/ itself: no test file to copy, one mode's tests only,
settings from the command line > marker > chatconform_config > chatconform.toml, hooks for a conftest.py."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chatconform.recording.cassettes import dump_cassette
from tests.builders import completion, interaction

SPECS = Path(__file__).resolve().parents[2] / "specs"
# every test here runs pytest on a project folder in a subprocess (seconds each): `make test` runs them
pytestmark = pytest.mark.slow
URL = "http://127.0.0.1:8765/v1/chat/completions"
PROJECT = """
[providers.gateway]
base_url = "http://127.0.0.1:8765/v1"
spec = "gateway/unpublished"  # a spec this project never pinned: every schema row is a gap, said why
key_env = "GATEWAY_TOKEN_FOR_PLUGIN_TESTS"
models = ["acme-1", "acme-2", "acme-3"]

[[providers.gateway.deviations]]
check = "usage.total_is_sum"
models = ["acme-2", "acme-3"]
reason = "acme counts cached tokens twice in total_tokens"
link = "https://gateway.example/issues/12"
"""


def cassette(root: Path, name: str, model: str, total: int | None = None) -> None:
    body = completion(model=model, usage=(5, 7))
    if total is not None:
        body["usage"]["total_tokens"] = total
    request = {"model": model, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 50}
    dump_cassette(
        root / "cassettes" / "gateway" / model / f"{name}.yaml",
        [interaction(request, body, url=URL)],
        {"origin": "cassette", "provider": "gateway", "model": model, "notes": "chatconform unit-test data"},
    )


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder holding only chatconform.toml and cassettes/ (the pinned specs are read in place)."""
    (tmp_path / "chatconform.toml").write_text(PROJECT)
    cassette(tmp_path, "ok", "acme-1")
    cassette(tmp_path, "broken", "acme-1", total=99)
    cassette(tmp_path, "known", "acme-2", total=99)
    cassette(tmp_path, "stale", "acme-3")
    return tmp_path


def pytest_in(folder: Path, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_")}
    env.update(
        CHATCONFORM_SPECS=str(SPECS), CHATCONFORM_CACHE=str(folder / ".cache"), PYTHONDONTWRITEBYTECODE="1"
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def outcomes(result) -> dict[str, str]:
    """{test name: PASSED, FAILED, XFAIL, SKIPPED...} from `pytest -v` output."""
    found = {}
    for line in result.stdout.splitlines():
        words = line.split(" ")
        if (
            len(words) > 1
            and "::" in words[0]
            and words[1] in ("PASSED", "FAILED", "XFAIL", "SKIPPED", "XPASS", "GAP", "UNAVAILABLE")
        ):
            found[words[0].split("::")[-1]] = words[1]
    return found


def test_plain_pytest_in_a_project_folder_judges_its_cassettes_with_readable_ids(project):
    result = pytest_in(project, "-v")
    seen = outcomes(result)
    assert seen["gateway-acme-1-ok-usage.total_is_sum"] == "PASSED", result.stdout[-3000:]
    assert seen["gateway-acme-1-broken-usage.total_is_sum"] == "FAILED"
    assert seen["gateway-acme-2-known-usage.total_is_sum"] == "XFAIL"  # the declared deviation: strict xfail
    assert seen["gateway-acme-3-stale-usage.total_is_sum"] == "FAILED"  # declared, no longer shown
    assert "no longer shows it: remove the declaration" in result.stdout
    assert (
        seen["gateway-acme-1-ok-schema"] == "GAP"
    )  # a gap (its spec is not published), said why at the end:
    assert (
        "chatconform: gap cassettes/gateway/acme-1/ok.yaml::gateway-acme-1-ok-schema: gateway's data names "
        "'gateway/unpublished' as its spec" in result.stdout
    )
    assert result.returncode == 1 and "Traceback" not in result.stdout
    rows = json.loads((project / "reports" / "results.json").read_text())["results"]
    assert {r["verdict"] for r in rows if r["check"] == "usage.total_is_sum"} == {"pass", "fail", "xfail"}
    assert all(r["test_id"].startswith("cassettes/gateway/") for r in rows if r["provider"] == "gateway")


def test_a_mode_collects_only_what_it_can_run(project):
    replay = pytest_in(project, "--collect-only", "-q")
    assert "gateway-acme-1-ok-usage.total_is_sum" in replay.stdout and "-live-" not in replay.stdout
    live = pytest_in(project, "--collect-only", "-q", "--mode", "live")
    assert "cassettes/" not in live.stdout.replace("cassettes::live", "")  # no replay test in live mode
    assert "live test(s) not collected: set GATEWAY_TOKEN_FOR_PLUGIN_TESTS" in live.stdout
    named = pytest_in(
        project,
        "--collect-only",
        "-q",
        "--mode",
        "live",
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--model",
        "m",
    )
    assert "cassettes::live::openai-compatible-m-live-basic" in named.stdout, named.stdout[-2000:]
    assert "gateway-acme" not in named.stdout


def test_a_repository_s_own_tests_never_collect_the_cassettes(project):
    (project / "tests").mkdir()
    (project / "tests" / "test_own.py").write_text("def test_own():\n    pass\n")
    result = pytest_in(project, "tests", "--collect-only", "-q")
    assert "1 test collected" in result.stdout and "gateway" not in result.stdout, result.stdout


def test_the_garbage_collector_paused_for_collection_runs_again_in_the_tests(project):
    (project / "tests").mkdir()
    (project / "tests" / "test_gc.py").write_text(
        "import gc\n\ndef test_collector_on():\n    assert gc.isenabled()\n"
        "\ndef test_collector_off_by_choice_stays_off():\n    gc.disable()\n"
    )
    (project / "tests" / "test_gc_last.py").write_text(
        "import gc\n\ndef test_on_again():\n    assert not gc.isenabled()\n    gc.enable()\n"
    )
    result = pytest_in(project, "tests", "cassettes", "-v")  # the cassettes collected too: the pause is taken
    found = outcomes(result)
    assert [
        found.get(t) for t in ("test_collector_on", "test_collector_off_by_choice_stays_off", "test_on_again")
    ] == ["PASSED"] * 3, result.stdout
    assert len(found) > 3


def test_settings_resolve_command_line_over_marker_over_config_fixture(project):
    (project / "conftest.py").write_text(
        textwrap.dedent("""
        import pytest

        @pytest.fixture(scope="session")
        def chatconform_config():
            return {"on_gap": "fail"}

        def pytest_collection_modifyitems(items):
            for item in items:
                if "-ok-" in item.name:
                    item.add_marker(pytest.mark.chatconform(on_gap="skip"))
    """)
    )
    seen = outcomes(pytest_in(project, "-v", "-k", "schema"))
    assert (
        seen["gateway-acme-1-ok-schema"] == "GAP"
    )  # the marker beats the fixture: skipped, said to be a gap
    assert seen["gateway-acme-1-broken-schema"] == "FAILED"  # the fixture beats the default
    seen = outcomes(pytest_in(project, "-v", "-k", "schema", "--on-gap", "skip"))
    assert set(seen.values()) == {"GAP"}  # the command line beats both
    (project / "conftest.py").write_text(
        "import pytest\n\n@pytest.fixture(scope='session')\n"
        "def chatconform_config():\n    return {'on_gapp': 'fail'}\n"
    )
    result = pytest_in(project, "-k", "ok-schema")
    assert "Unknown setting 'on_gapp'. Did you mean 'on_gap'? Known: budget_usd, on_gap." in result.stdout
    assert result.returncode == 1


def test_hooks_let_a_project_leave_checks_out_and_add_its_own_rules(project):
    (project / "conftest.py").write_text(
        textwrap.dedent("""
        def pytest_chatconform_checks(config, exchange, checks):
            checks.remove("schema")

        def pytest_chatconform_exchange(item, exchange, row):
            if exchange.model == "acme-1" and row.check == "usage.total_is_sum" and row.verdict == "pass":
                raise AssertionError("our own rule: acme-1 must not be used")
    """)
    )
    result = pytest_in(project, "-v")
    seen = outcomes(result)
    assert not any(name.endswith("-schema") for name in seen) and seen, result.stdout[-2000:]
    assert seen["gateway-acme-1-ok-usage.total_is_sum"] == "FAILED" and "our own rule" in result.stdout
    (project / "conftest.py").write_text(
        "def pytest_chatconform_checks(checks):\n    checks.append('no.such')\n"
    )
    result = pytest_in(project, "--collect-only", "-q")
    assert "pytest_chatconform_checks added 'no.such', which does not apply" in result.stdout
    assert "Traceback" not in result.stdout


def test_a_cassette_that_cannot_be_read_is_a_row_of_its_own_and_the_others_are_judged(project):
    (project / "cassettes" / "bad.yaml").write_text("interactions: 7\n")
    result = pytest_in(project, "-v")
    seen = outcomes(result)
    assert (
        seen["bad-input.unreadable"] == "FAILED"
        and "bad.yaml: not a cassette (no `interactions` list)" in result.stdout
    )
    assert seen["gateway-acme-1-ok-usage.total_is_sum"] == "PASSED" and "Traceback" not in result.stdout
    assert result.returncode == 2  # bad input: the exit code says so, over the violations
    rows = json.loads((project / "reports" / "results.json").read_text())["results"]
    assert [r["reason"] for r in rows if r["check"] == "input.unreadable"] == [
        f"{project}/cassettes/bad.yaml: not a cassette (no `interactions` list)"
    ]
