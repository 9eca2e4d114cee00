"""The installed wheel, from a folder holding only chatconform.toml and cassettes/: `chatconform check` and
plain `pytest` both judge the cassettes and write results.json in the shape this repository's `make check`
writes (same keys, same row fields, same verdicts). The specs come from the catalog the wheel ships, pulled
from the offline mirror."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.builders import run_of
from tests.wheel import bare, environment, run

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ("aimlapi/gemini-2.5-flash/docs-example.yaml", "aimlapi/gemini-2.5-pro/docs-example.yaml")
PROJECT_FILE = (
    "# a team's own project: chatconform installed with pip, no test file copied\n[run]\nbudget_usd = 0.01\n"
)


def project(folder: Path) -> Path:
    """A folder with only a chatconform.toml and two of this repository's cassettes."""
    return bare(folder, PROJECT_FILE, CASSETTES)


def rows(results: dict) -> dict:
    """(provider, model, check, cassette) -> verdict, the cassette named as below cassettes/."""
    return {
        (r["provider"], r["model"], r["check"], (r["exchange"] or "").split("/cassettes/")[-1]): r["verdict"]
        for r in results["results"]
    }


@pytest.fixture(scope="module")
def expected(tmp_path_factory, venv) -> dict:
    """What this repository's own entry point writes for the same two cassettes."""
    out = tmp_path_factory.mktemp("expected")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *(ROOT / "cassettes" / name for name in CASSETTES),
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(ROOT),
            f"--results={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads((out / "results.json").read_text())


def check_shape(written: dict, expected: dict, store) -> None:
    from chatconform.judging.claims.conflicts import docs_conflicts

    assert set(written) == set(expected)
    assert {frozenset(r) for r in written["results"]} == {frozenset(r) for r in expected["results"]}
    mine = {k: v for k, v in rows(written).items() if not k[2].startswith("docs-conflict.")}
    assert mine == rows(expected) and Counter(mine.values()) == Counter(expected["counts"])
    assert {"pass", "xfail"} <= set(
        mine.values()
    )  # the pro cassette's known deviation is a strict xfail there too
    assert written["counts"].get("conflict") == len(docs_conflicts(run_of(store)))


def test_chatconform_check_from_a_folder_with_only_a_project_file_and_cassettes(
    venv, expected, tmp_path, mirror, store
):
    folder = project(tmp_path / "team")
    result = subprocess.run(
        [venv / "bin" / "chatconform", "check"],
        cwd=folder,
        env=environment(venv, mirror),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "started from the catalog shipped with chatconform" in result.stdout
    assert (folder / "specs" / "sources.toml").is_file() and (folder / "specs" / "specs.lock").is_file()
    reports = folder / "reports"
    assert (reports / "junit.xml").is_file() and (reports / "summary.html").is_file()
    assert any((reports / "allure-results").iterdir())
    check_shape(json.loads((reports / "results.json").read_text()), expected, store)


def test_plain_pytest_from_a_folder_with_only_a_project_file_and_cassettes(
    venv, expected, tmp_path, mirror, store
):
    folder = project(tmp_path / "team")
    result = subprocess.run(
        [venv / "bin" / "python", "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=folder,
        env=environment(venv, mirror),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"{folder / 'cassettes'}" in result.stdout and "xfailed" in result.stdout
    ran = run(
        [venv / "bin" / "python", "-c", "import chatconform; print(chatconform.__file__)"],
        cwd=folder,
        env=environment(venv, mirror),
    )
    assert str(venv) in ran.stdout  # the wheel's chatconform ran, not this checkout's
    check_shape(json.loads((folder / "reports" / "results.json").read_text()), expected, store)


def test_the_wheel_is_typed_so_a_team_s_mypy_reads_its_annotations(venv, tmp_path):
    """py.typed ships in the wheel: mypy, pointed at the wheel's interpreter, checks a team's code against
    chatconform's own annotations (without the marker it would take the package as untyped and say so)."""
    code = run([venv / "bin" / "python", "-c", "import chatconform; print(chatconform.__file__)"]).stdout
    assert (Path(code.strip()).parent / "py.typed").is_file()
    team = tmp_path / "team_code.py"
    team.write_text("from chatconform.dialects import Usage\n\ncount: int = Usage().input\n")
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--python-executable",
            venv / "bin" / "python",
            "--no-incremental",
            team,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert 'expression has type "int | None", variable has type "int"' in checked.stdout, checked.stdout
    assert "import-untyped" not in checked.stdout and "import-not-found" not in checked.stdout
