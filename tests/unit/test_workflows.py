"""The workflows and action.yml: zizmor-clean, schema-valid, pinned, and the Action's fail-on verdict."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")

BAD_WORKFLOW = """\
name: bad
on: issues
permissions: {}
jobs:
  greet:
    name: greet
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: echo ${{ github.event.issue.title }}
"""


def _tool(name: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run a dev tool from the virtualenv beside this interpreter (installed by the `dev` extra)."""
    exe = BIN / name
    assert exe.is_file(), f"{exe} is missing: pip install -e '.[dev]'"
    return subprocess.run(
        [str(exe), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _zizmor_idents(*paths: str, cwd: Path = ROOT) -> tuple[int, set[str]]:
    """zizmor's exit code and the audit names it reported, offline."""
    done = _tool("zizmor", "--offline", "--format", "json", *paths, cwd=cwd)
    findings = json.loads(done.stdout or "[]")
    return done.returncode, {f["ident"] for f in findings}


def test_there_is_something_to_check():
    assert ACTION.is_file()
    assert {p.name for p in WORKFLOWS} >= {"gate.yml", "nightly.yml"}


def test_zizmor_offline_is_clean():
    code, idents = _zizmor_idents(".github/", "action.yml")
    assert (code, idents) == (0, set())


def test_zizmor_flags_a_planted_bad_workflow(tmp_path):
    """The audit can fail: a shell-expanded issue title and a tag-pinned action are both reported."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "bad.yml").write_text(BAD_WORKFLOW)
    code, idents = _zizmor_idents(".github/", cwd=tmp_path)
    assert code != 0
    assert {"template-injection", "unpinned-uses"} <= idents


def test_workflows_match_the_github_workflow_schema():
    done = _tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_matches_the_github_action_schema():
    done = _tool("check-jsonschema", "--builtin-schema", "vendor.github-actions", str(ACTION))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_rejects_a_planted_bad_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: bad\non: push\njobs:\n  j:\n    steps: []\n")  # a job without runs-on
    done = _tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", str(bad))
    assert done.returncode != 0


def _steps(doc: dict) -> list[dict]:
    """Every step of a workflow (all jobs) or of a composite action."""
    if "runs" in doc:
        return doc["runs"]["steps"]
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_house_policy(path):
    """Pinned by commit with the tag beside it, no expression in a shell, no persisted checkout token."""
    text = path.read_text()
    doc = yaml.safe_load(text)
    for step in _steps(doc):
        uses = step.get("uses", "")
        if uses and not uses.startswith(("./", "$/")):
            assert PINNED.match(uses), f"{path.name}: {uses} is not pinned by a full commit SHA"
            assert re.search(re.escape(uses) + r" # v\d", text), f"{path.name}: {uses} has no '# vN' tag"
        assert "${{" not in step.get("run", ""), f"{path.name}: an expression inside run: {step.get('name')}"
        if uses.startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, (
                f"{path.name}: checkout keeps its token"
            )
    if path != ACTION:
        assert "permissions" in doc, f"{path.name}: no top-level permissions"
        assert "pull_request_target" not in text, f"{path.name}: pull_request_target"


def test_one_commit_per_action_everywhere():
    """The same action is pinned to the same commit in every file (one upgrade, one place to look)."""
    pins: dict[str, set[str]] = {}
    for path in [*WORKFLOWS, ACTION]:
        for step in _steps(yaml.safe_load(path.read_text())):
            name, _, sha = step.get("uses", "").partition("@")
            if sha:
                pins.setdefault(name, set()).add(sha)
    assert {name: shas for name, shas in pins.items() if len(shas) > 1} == {}


def _verdict(fail_on: str, check: str, gate: str) -> int:
    """Exit code of the Action's Verdict step for these inputs, run as the runner would (bash -e)."""
    step = next(s for s in _steps(yaml.safe_load(ACTION.read_text())) if s.get("id") == "verdict")
    env = {**os.environ, **{k: v for k, v in step["env"].items() if "${{" not in v}}
    env.update(FAIL_ON=fail_on, CHECK=check, GATE=gate)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.returncode


@pytest.mark.parametrize(
    ("fail_on", "check", "gate", "expected"),
    [
        ("violation", "0", "", 0),
        ("violation", "1", "", 1),
        ("violation", "0", "1", 1),
        ("regression", "1", "0", 0),  # known failures in the baseline too: no regression
        ("regression", "0", "1", 1),
        ("regression", "1", "", 1),  # no baseline: judged as violation
        ("never", "1", "1", 0),
        ("never", "2", "", 2),  # bad input always fails: nothing was judged
        ("violation", "3", "", 3),
        ("regression", "0", "2", 2),  # a baseline the gate cannot read
        ("violation", "", "", 3),  # the check never ran
    ],
)
def test_fail_on_decides_the_job(fail_on, check, gate, expected):
    assert _verdict(fail_on, check, gate) == expected
