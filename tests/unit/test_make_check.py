"""`make check` is `chatconform check`: it passes on the committed cassettes, writes every report, and fails
as soon as a new deviation appears."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from chatconform.recording.cassettes import dump_cassette
from tests.builders import completion, default_data, interaction

ROOT = Path(__file__).resolve().parents[2]

# `chatconform check` on the whole committed catalog, several times: minutes, so `make test` runs it and
# `make test-unit` leaves it out
pytestmark = pytest.mark.slow


def run_check(root: Path, mirror: Path, *pytest_args, reports="reports") -> subprocess.CompletedProcess:
    """`chatconform check` in a copy of the project (this repository's pinned specs, read in place)."""
    env = {
        **os.environ,
        "CHATCONFORM_ROOT": str(root),
        "CHATCONFORM_REPORTS": str(root / reports),
        "CHATCONFORM_SPECS": str(ROOT / "specs"),
        "CHATCONFORM_CACHE": str(root / ".cache"),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "chatconform.cli",
            "check",
            "--mirror",
            str(mirror),
            "--",
            "-q",
            "-p",
            "no:cacheprovider",
            *pytest_args,
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "cassettes", tmp_path / "cassettes")
    if (ROOT / ".cache" / "chatconform").is_dir():  # spec lint results only: saves linting every spec again
        shutil.copytree(ROOT / ".cache" / "chatconform", tmp_path / ".cache")
    return tmp_path


def test_the_makefile_check_target_is_the_chatconform_check_entry_point():
    dry = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "check", "PYTEST_FLAGS=-k usage"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    runs = [line for line in dry.stdout.splitlines() if "pytest" in line or " check" in line]
    # the flags end the check command (the lint report runs beside it in the same shell line)
    assert any(re.search(r"chatconform check --mode replay .*-- -k usage(;|$)", line) for line in runs), (
        dry.stdout
    )
    assert not any("-m pytest" in line for line in runs), (
        "make check must not call pytest beside the entry point"
    )


def test_committed_cassettes_pass_with_known_deviations_as_strict_xfails(tmp_path, mirror):
    root = copy_project(tmp_path)
    result = run_check(root, mirror)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "xfailed" in result.stdout
    reports = root / "reports"
    results = json.loads((reports / "results.json").read_text())
    assert results["counts"]["xfail"] >= 2  # the known deviations are recorded, not hidden
    assert all(r["reason"] for r in results["results"] if r["verdict"] == "xfail")
    suite = ElementTree.parse(reports / "junit.xml").getroot().find("testsuite")
    # no replay-mode noise: the only skips are the gaps (said why) and the known deviations (strict xfails)
    assert int(suite.get("skipped")) == results["counts"].get("gap", 0) + results["counts"]["xfail"]
    assert int(suite.get("tests")) == len(results["results"])
    told = {p.get("name"): int(p.get("value")) for p in suite.find("properties")}
    assert told == {f"chatconform.{verdict}": n for verdict, n in results["counts"].items()}  # the same tally
    assert any((reports / "allure-results").iterdir())
    assert 'id="matrix"' in (reports / "summary.html").read_text()


def test_a_new_deviation_fails_the_suite(tmp_path, mirror):
    root = copy_project(tmp_path)
    body = completion(model="google/gemini-2.5-flash", usage=(5, 20))
    body["usage"]["total_tokens"] = 99
    request = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "Hi"}]}
    dump_cassette(
        root / "cassettes" / "aimlapi" / "gemini-2.5-flash" / "regression.yaml",
        [interaction(request, body)],
        {"origin": "cassette", "notes": "unit-test data"},
    )
    result = run_check(root, mirror)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "aimlapi-gemini-2.5-flash-regression-usage.total_is_sum" in result.stdout


def test_xdist_gives_identical_results(tmp_path, mirror):
    root = copy_project(tmp_path)
    verdicts = []
    for extra, folder in (([], "serial"), (["-n", "2"], "parallel")):
        run_check(root, mirror, *extra, reports=folder)
        results = json.loads((root / folder / "results.json").read_text())["results"]
        verdicts.append(sorted((r["test_id"], r["verdict"], len(r["findings"])) for r in results))
    assert verdicts[0] and verdicts[0] == verdicts[1]


def test_a_replay_run_leaves_out_the_plugins_of_generated_tests_and_a_user_can_have_one_back():
    from argparse import Namespace

    from chatconform.cli.check import REPLAY_UNUSED_PLUGINS, _pytest_args

    def argv(mode, extra):
        args = Namespace(
            mode=mode,
            budget_usd=None,
            config=None,
            mirror=None,
            shard=None,
            pytest_args=extra,
            provider=None,
            model=None,
            base_url=None,
            api_key_env=None,
            on_gap=None,
            data=default_data(),  # the command's provider data, read by the command line (no project file)
        )
        return _pytest_args(args, ROOT, ROOT / "cassettes", ROOT / "reports")

    replay = argv("replay", ["--", "-p", "schemathesis"])
    assert all(f"no:{name}" in replay for name in REPLAY_UNUSED_PLUGINS)
    assert replay[-2:] == ["-p", "schemathesis"] and replay.index("no:schemathesis") < len(replay) - 2
    assert not any(a.startswith("no:") for a in argv("live", []))  # live fuzzing needs Hypothesis


def test_check_passes_its_own_options_on_to_the_plugin():
    from argparse import Namespace

    from chatconform.cli.check import _pytest_args

    args = Namespace(
        mode="live",
        budget_usd=None,
        config=None,
        mirror=None,
        shard=None,
        pytest_args=["--", "-x"],
        provider=["acme"],
        model=["m1", "m2"],
        base_url="http://127.0.0.1:9/v1",
        api_key_env="ACME_KEY",
        on_gap="fail",
        data=default_data(),
    )
    argv = _pytest_args(args, ROOT, ROOT / "cassettes", ROOT / "reports")
    assert {
        "--provider=acme",
        "--model=m1",
        "--model=m2",
        "--base-url=http://127.0.0.1:9/v1",
        "--api-key-env=ACME_KEY",
        "--on-gap=fail",
    } <= set(argv) and argv[-1] == "-x"
