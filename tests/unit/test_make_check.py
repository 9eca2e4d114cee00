"""The conformance suite passes on the committed cassettes and fails as soon as a new deviation appears."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from chatconform.cassettes import dump_cassette
from tests.builders import completion, interaction

ROOT = Path(__file__).resolve().parents[2]


def run_suite(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CHATCONFORM_ROOT": str(root), "CHATCONFORM_REPORTS": str(root / "reports")}
    return subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "tests" / "conformance"), "-q",
                           "-p", "no:cacheprovider", "--rootdir", str(ROOT)],
                          env=env, capture_output=True, text=True, timeout=300)


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(ROOT / "cassettes", tmp_path / "cassettes")
    return tmp_path


def test_committed_cassettes_pass_with_known_deviations_as_strict_xfails(tmp_path):
    root = copy_project(tmp_path)
    result = run_suite(root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "xfailed" in result.stdout
    results = json.loads((root / "reports" / "results.json").read_text())
    assert results["counts"]["xfail"] >= 2  # the known deviations are recorded, not hidden
    assert all(r["reason"] for r in results["results"] if r["verdict"] == "xfail")


def test_a_new_deviation_fails_the_suite(tmp_path):
    root = copy_project(tmp_path)
    body = completion(model="google/gemini-2.5-flash", usage=(5, 20))
    body["usage"]["total_tokens"] = 99
    request = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "Hi"}]}
    dump_cassette(root / "cassettes" / "aimlapi" / "gemini-2.5-flash" / "regression.yaml",
                  [interaction(request, body)], {"origin": "cassette", "notes": "unit-test data"})
    result = run_suite(root)
    assert result.returncode == 1
    assert "aimlapi-gemini-2.5-flash-regression-usage.total_is_sum" in result.stdout


def test_xdist_gives_identical_results(tmp_path):
    root = copy_project(tmp_path)
    env = {**os.environ, "CHATCONFORM_ROOT": str(root)}
    verdicts = []
    for extra, folder in (([], "serial"), (["-n", "2"], "parallel")):
        env["CHATCONFORM_REPORTS"] = str(root / folder)
        subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "tests" / "conformance"), "-q",
                        "-p", "no:cacheprovider", "--rootdir", str(ROOT), *extra], env=env, capture_output=True,
                       text=True, timeout=300)
        results = json.loads((root / folder / "results.json").read_text())["results"]
        verdicts.append(sorted((r["test_id"], r["verdict"], len(r["findings"])) for r in results))
    assert verdicts[0] and verdicts[0] == verdicts[1]
