"""A run split with --shard i/N and joined with `chatconform merge` is the unsharded run: same rows, same
counts, and the report and the gate read the merged file. The split is by provider and model, in replay and
live."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chatconform.pytest_plugin.shards import Shard, parse_shard, shard_of

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ("aimlapi", "modelslab")  # the pinned models and their docs conflicts, not the 303-cassette catalog
SHARDS = 3


def _env(root: Path, **extra: str) -> dict:
    """This process's environment without chatconform settings or provider keys, pointed at the project
    copy."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_") and not k.endswith("_API_KEY")
    }
    env.update(
        CHATCONFORM_ROOT=str(root),
        CHATCONFORM_SPECS=str(ROOT / "specs"),
        CHATCONFORM_CACHE=str(root / ".cache"),
        PYTHONDONTWRITEBYTECODE="1",
        **extra,
    )
    return env


def cli(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`chatconform ...` in the project copy."""
    return subprocess.run(
        [sys.executable, "-m", "chatconform.cli", *args],
        cwd=root,
        env=_env(root, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def check(root: Path, mirror: Path, results: str, *options: str) -> subprocess.CompletedProcess:
    """`chatconform check` (replay) writing every report into root/results."""
    return cli(
        root,
        "check",
        "--mirror",
        str(mirror),
        "--results",
        str(root / results),
        *options,
        "--",
        "-q",
        "-p",
        "no:cacheprovider",
    )


def rows(path: Path) -> list[tuple]:
    """A results.json's rows as what must match (timestamps and durations left out), in a fixed order."""
    data = json.loads(path.read_text())
    return sorted(
        (
            r["test_id"],
            r["provider"],
            r["model"] or "",
            r["check"],
            r["verdict"],
            json.dumps(r["findings"], sort_keys=True),
        )
        for r in data["results"]
    )


def models(path: Path) -> set[tuple]:
    return {(r["provider"], r["model"]) for r in json.loads(path.read_text())["results"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, mirror) -> Path:
    """A project holding a subset of this repository's cassettes, checked unsharded (all/) and as 3 shards
    (s1..s3)."""
    root = tmp_path_factory.mktemp("sharded")
    for provider in SUBSET:
        shutil.copytree(ROOT / "cassettes" / provider, root / "cassettes" / provider)
    if (ROOT / ".cache" / "chatconform").is_dir():  # derived spec data only: saves preparing every spec again
        shutil.copytree(ROOT / ".cache" / "chatconform", root / ".cache")
    for folder, options in [("all", ())] + [
        (f"s{i}", ("--shard", f"{i}/{SHARDS}")) for i in range(1, SHARDS + 1)
    ]:
        done = check(root, mirror, folder, *options)
        assert done.returncode == 0, f"{folder}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return root


def _merge(root: Path, out: str, *folders: str) -> Path:
    done = cli(root, "merge", *(str(root / f / "results.json") for f in folders), "-o", str(root / out))
    assert done.returncode == 0, done.stderr
    return root / out


@pytest.mark.slow  # these share the module's four `chatconform check` runs (about 10 s on 2 cores)
def test_merged_shards_equal_the_unsharded_run(runs):
    merged = _merge(runs, "merged.json", *(f"s{i}" for i in range(1, SHARDS + 1)))
    whole, joined = json.loads((runs / "all" / "results.json").read_text()), json.loads(merged.read_text())
    assert rows(merged) == rows(runs / "all" / "results.json")
    assert joined["counts"] == whole["counts"]
    assert joined["specs"] == whole["specs"] and joined["spend"] == whole["spend"]
    assert len(joined["results"]) == sum(joined["counts"].values()) > 0


@pytest.mark.slow
def test_each_model_is_in_exactly_one_shard(runs):
    parts = [models(runs / f"s{i}" / "results.json") for i in range(1, SHARDS + 1)]
    assert sum(1 for part in parts if part) >= 2, (
        f"no split happened: {parts}"
    )  # else the merge test proves nothing
    assert set().union(*parts) == models(runs / "all" / "results.json")
    assert sum(map(len, parts)) == len(set().union(*parts))  # disjoint: a model's rows never span shards
    for i, part in enumerate(parts, 1):
        assert all(shard_of(p, m, SHARDS) == i for p, m in part)


@pytest.mark.slow
def test_the_merge_does_not_depend_on_the_order_of_the_shards(runs):
    forward = json.loads(_merge(runs, "forward.json", "s1", "s2", "s3").read_text())
    backward = json.loads(_merge(runs, "backward.json", "s3", "s1", "s2").read_text())
    assert forward == backward  # the same row objects, in the same order, whichever shard is named first


@pytest.mark.slow
def test_report_and_gate_read_the_merged_file(runs):
    merged = _merge(runs, "for-report.json", "s1", "s2", "s3")
    report = cli(
        runs,
        "report",
        "--results",
        str(merged),
        "--history",
        str(runs / "history"),
        "--out",
        str(runs / "merged.html"),
    )
    assert report.returncode == 0, report.stderr
    page = (runs / "merged.html").read_text()
    assert 'id="matrix"' in page
    assert all(model.split("/")[-1] in page for _, model in models(merged) if model)
    gate = cli(
        runs,
        "gate",
        "--baseline",
        str(runs / "all" / "results.json"),
        "--candidate",
        str(merged),
        "--output",
        str(runs / "gate.md"),
    )
    assert gate.returncode == 0, gate.stdout[-2000:] + gate.stderr
    assert "no regression" in (runs / "gate.md").read_text()


@pytest.mark.slow
def test_overlapping_shards_are_refused(runs):
    done = cli(
        runs,
        "merge",
        str(runs / "s1" / "results.json"),
        str(runs / "all" / "results.json"),
        "-o",
        str(runs / "overlap.json"),
    )
    assert done.returncode == 2 and "overlap" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (runs / "overlap.json").exists()


@pytest.mark.slow
def test_an_empty_shard_is_a_finished_shard(runs, mirror):
    """A shard the hash leaves empty exits 0 with an empty results.json, which merges like any other."""
    held = models(runs / "all" / "results.json")
    total = next(
        n for n in range(4, 64) if any(all(shard_of(p, m, n) != i for p, m in held) for i in range(1, n + 1))
    )
    empty = next(i for i in range(1, total + 1) if all(shard_of(p, m, total) != i for p, m in held))
    done = check(runs, mirror, "empty", "--shard", f"{empty}/{total}")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert json.loads((runs / "empty" / "results.json").read_text())["results"] == []
    assert rows(_merge(runs, "with-empty.json", "empty", "all")) == rows(runs / "all" / "results.json")


@pytest.mark.slow
def test_the_live_catalog_is_split_by_model(runs):
    """Live collection (no request is sent): every target's scenarios land in one shard, and the shards cover
    all."""
    keys = {"AIMLAPI_API_KEY": "sk-collect-only", "MODELSLAB_API_KEY": "sk-collect-only"}

    def collected(*options: str) -> set[str]:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "cassettes",
                "--mode",
                "live",
                "--collect-only",
                "-q",
                *options,
            ],
            cwd=runs,
            env=_env(runs, **keys),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr
        return {line for line in done.stdout.splitlines() if "::live::" in line}

    whole = collected()
    parts = [collected("--shard", f"{i}/{SHARDS}") for i in range(1, SHARDS + 1)]
    assert whole and set().union(*parts) == whole and sum(map(len, parts)) == len(whole)
    targets = [{test.split("-live-")[0] for test in part} for part in parts]
    assert sum(map(len, targets)) == len(set().union(*targets))  # no target's scenarios span two shards


def _nightly_step(job: str, step_id: str) -> dict:
    import yaml

    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "nightly.yml").read_text())
    return next(s for s in doc["jobs"][job]["steps"] if s.get("id") == step_id)


def _run_step(step: dict, cwd: Path, **env: str) -> tuple[subprocess.CompletedProcess, str]:
    """A workflow step's script as the runner runs it (bash -e), and what it wrote to $GITHUB_OUTPUT."""
    output = cwd / "github-output"
    output.write_text("")
    path = (
        f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # `chatconform` of this venv
    )
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env={**_env(cwd), "PATH": path, "GITHUB_OUTPUT": str(output), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, output.read_text()


@pytest.mark.slow
def test_the_nightly_merge_job_joins_every_shard(runs, tmp_path):
    """nightly.yml's merge step on the shards' artifacts is the unsharded run; a missing shard is named."""
    parts = tmp_path / "shards"
    for i in range(1, SHARDS + 1):
        shutil.copytree(runs / f"s{i}", parts / f"nightly-shard-{i}")
    step = _nightly_step("merge", "merge")
    done, output = _run_step(step, tmp_path, SHARDS=str(SHARDS), PARTS=str(parts))
    assert done.returncode == 0, done.stderr
    assert "missing=\n" in output
    assert rows(tmp_path / "reports" / "results.json") == rows(runs / "all" / "results.json")
    assert (
        len(list((tmp_path / "reports" / "allure-results").iterdir()))
        >= sum(len(list((runs / f"s{i}" / "allure-results").iterdir())) for i in range(1, SHARDS + 1))
        > 0
    )
    shutil.rmtree(parts / "nightly-shard-2")
    done, output = _run_step(step, tmp_path, SHARDS=str(SHARDS), PARTS=str(parts))
    assert "missing=2\n" in output
    verdict = _nightly_step("merge", "verdict")
    done, _ = _run_step(verdict, tmp_path, MISSING="2", MERGED="success")
    assert done.returncode == 2 and "shard(s) 2 wrote no results.json" in done.stdout
    done, _ = _run_step(verdict, tmp_path, MISSING="", MERGED="success")
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("value", ["0/3", "4/3", "x/y", "1/0", "-1/3"])
def test_a_bad_shard_is_one_line(tmp_path, value):
    """The same line from `chatconform check` (exit 2) and from pytest (its usage error), before anything
    runs."""
    (tmp_path / "cassettes").mkdir()
    done = cli(tmp_path, "check", f"--shard={value}")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and f"--shard {value!r}" in done.stderr
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "cassettes", f"--shard={value}"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    message = done.stderr.removeprefix("chatconform: ").strip()
    assert [line for line in run.stderr.splitlines() if line.strip()] == [f"ERROR: {message}"]


@pytest.mark.slow  # a subprocess per hash seed
def test_a_model_keeps_its_shard_wherever_it_runs():
    """sha256, not Python's salted hash(): pinned values hold on every machine, and other models never move
    one."""
    # pinned: a change of hash would move every model between shards from one version to the next
    assert [shard_of("aimlapi", "google/gemini-2.5-flash", n) for n in (2, 3, 4, 5)] == [1, 1, 3, 5]
    assert [shard_of("modelslab", None, n) for n in (2, 3, 4, 5)] == [1, 1, 1, 5]  # its docs conflicts
    code = (
        "from chatconform.pytest_plugin.shards import shard_of; "
        "print(shard_of('aimlapi', 'google/gemini-2.5-pro', 7))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert seen == {str(shard_of("aimlapi", "google/gemini-2.5-pro", 7))}
    spread = [shard_of("aimlapi", f"vendor/model-{i}", 4) for i in range(400)]
    assert all(60 <= spread.count(i) <= 140 for i in (1, 2, 3, 4)), [spread.count(i) for i in (1, 2, 3, 4)]


def test_parse_shard():
    assert parse_shard(None) is None
    assert parse_shard("2/4") == Shard(2, 4) and str(Shard(2, 4)) == "2/4"
    assert Shard(1, 1).holds("any", None)
