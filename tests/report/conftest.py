"""One real report per test session: `make check`'s entry point, then `make report`'s two steps."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLURE = ROOT / "node_modules" / ".bin" / "allure"


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    """Two runs (so there is history) of the committed cassettes, each with the project's own allurerc.mjs.

    Allure runs in a temporary folder holding `reports/` (the run's CHATCONFORM_REPORTS): the config's paths
    are relative to where allure runs (not to --cwd), so reports/html and reports/history land there as `make
    report` puts them in the project, which is never written.
    """
    if not ALLURE.exists():
        pytest.fail("the Allure 3 command line is missing: run `npm ci` (make test does)")
    out = tmp_path_factory.mktemp("report") / "reports"
    env = {**os.environ, "CHATCONFORM_REPORTS": str(out)}
    for _ in range(2):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "chatconform.cli",
                "check",
                "--mode",
                "replay",
                "--",
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            cwd=ROOT,
        )
        assert done.returncode in (0, 1) and (out / "results.json").is_file(), done.stderr[
            -2000:
        ]  # 1: violations
        shutil.rmtree(
            out / "html", ignore_errors=True
        )  # as `make report` does: Allure 3 nests into a non-empty one
        subprocess.run(
            [str(ALLURE), "generate", str(out / "allure-results"), "--config", str(ROOT / "allurerc.mjs")],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
            cwd=out.parent,
        )
        assert (out / "html" / "index.html").is_file(), (
            "allurerc.mjs's output is not reports/html where allure runs"
        )
        assert not (out / "html" / "awesome").exists(), (
            "Allure nested this run's report: index.html is a stale one"
        )
        subprocess.run(
            [sys.executable, "-m", "chatconform.cli", "report"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return out
