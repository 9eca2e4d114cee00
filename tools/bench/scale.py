"""`make bench`, catalog part: the whole pinned catalog loaded, linted and judged, from a cold cache and warm;
then `make check` itself (its three steps: specs pull, specs lint, check with every report), cold and warm.

Each pass runs in fresh processes (so nothing stays in memory between passes) on one cache folder made
for the bench: the first pass finds it empty (cold), the next ones read what the first wrote (warm). The
floor beside it, measured in the same run, only reads the same inputs: every pinned spec parsed as JSON,
every cassette parsed by libyaml's C loader. The make check passes write their reports to a folder of the
bench's own, never over the project's reports/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The targets for `make check` on the whole catalog (2 cores): this pass is its judging part.
TARGET_COLD_S = 60.0
TARGET_WARM_S = 10.0
_TIMEOUT_S = 900


def catalog_pass() -> dict:
    """Load and lint every pinned spec, judge every interaction under cassettes/: counts and CPU seconds."""
    from chatconform.judging.judge import judge
    from chatconform.judging.run import RunContext
    from chatconform.model.errors import ChatconformError
    from chatconform.model.paths import project_root
    from chatconform.providers import ProviderData
    from chatconform.recording.cassettes import find_cassettes, load_cassette
    from chatconform.specs import SpecStore

    start = time.process_time()
    store = SpecStore()
    run = RunContext(ProviderData.load(), store)
    store.lint_ahead()  # as `specs lint` does: a cold cache is linted across cores (their CPU is not counted)
    specs = unloadable = exchanges = checks = 0
    for source in store.catalog.sources:
        if source.kind != "spec":
            continue
        try:
            store.load(source).lint()
            specs += 1
        except ChatconformError:
            unloadable += 1
    for path in find_cassettes([project_root() / "cassettes"]):
        try:
            cassette = load_cassette(path, run.data, strict=False)
        except ChatconformError:
            continue  # `verify` reports it; the bench counts what it judged
        for _, ex in cassette.numbered():
            exchanges += 1
            checks += len(judge(ex, run).rows)
    return {
        "specs": specs,
        "unloadable": unloadable,
        "exchanges": exchanges,
        "checks": checks,
        "cpu_s": time.process_time() - start,
    }


def reading_floor() -> dict:
    """Only reading the same inputs: each pinned spec's JSON and each cassette's YAML (C loader), parsed."""
    import yaml

    from chatconform.model.paths import project_root
    from chatconform.recording.cassettes import find_cassettes
    from chatconform.specs import load_catalog

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    start = time.process_time()
    catalog = load_catalog()
    for source in catalog.sources:
        path = catalog.path_of(source)
        if source.kind == "spec" and path.is_file():  # Mistral's spec is YAML, the others JSON
            data = path.read_bytes()
            yaml.load(data, Loader=loader) if path.suffix in (".yaml", ".yml") else json.loads(data)
    for path in find_cassettes([project_root() / "cassettes"]):
        yaml.load(path.read_bytes(), Loader=loader)
    return {"cpu_s": time.process_time() - start}


def _child(mode: str, cache: Path) -> dict:
    """One pass in a fresh process: its result, the wall-clock seconds it took and the CPU seconds it and
    its workers spent (interpreter start and imports included)."""
    env = {**os.environ, "CHATCONFORM_CACHE": str(cache)}
    before, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench.scale", mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
    )
    wall, cpu = time.perf_counter() - start, _children_cpu() - before
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"catalog pass ({mode}) exited {done.returncode}: {tail}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "wall_s": wall, "total_cpu_s": cpu}


def _children_cpu() -> float:
    """User + system CPU seconds of this process's finished children (and theirs)."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure(warm_rounds: int = 2) -> dict:
    """Cold pass, then warm passes (the least kept), then the reading floor, all in this run."""
    with tempfile.TemporaryDirectory(prefix="chatconform-bench-cache-") as tmp:
        cold = _child("pass", Path(tmp))
        warm = min((_child("pass", Path(tmp)) for _ in range(warm_rounds)), key=lambda r: r["wall_s"])
        floor = _child("floor", Path(tmp))
    return {"cold": cold, "warm": warm, "floor": floor}


def make_check_steps(reports: Path) -> tuple[list[str], list[str], list[str]]:
    """The commands `make check` runs, as the Makefile gives them (the mirror as make finds it): pull (only
    once the catalog or the lock changed), then the lint report beside the check."""
    from chatconform.model.paths import project_root

    mirror = os.environ.get("CHATCONFORM_MIRROR") or str(project_root().parent / "shared" / "upstream")
    pull = ["--mirror", mirror] if Path(mirror).is_dir() else []
    cli = [sys.executable, "-m", "chatconform.cli"]
    return (
        cli + ["specs", "pull", *pull],
        cli + ["specs", "lint"],
        cli + ["check", "--mode", "replay", *pull, "--results", str(reports)],
    )


def time_make_check(cache: Path, reports: Path, pull_first: bool) -> dict:
    """One `make check` (each step a fresh process, as make runs them; the pull only when make would, the
    first time): wall and CPU seconds, the check's exit."""
    env = {**os.environ, "CHATCONFORM_CACHE": str(cache), "CHATCONFORM_REPORTS": str(reports)}
    pull, lint, check = make_check_steps(reports)
    before, start = _children_cpu(), time.perf_counter()
    if pull_first:
        subprocess.run(pull, env=env, capture_output=True, timeout=_TIMEOUT_S)
    beside = subprocess.Popen(lint, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        code = subprocess.run(check, env=env, capture_output=True, timeout=_TIMEOUT_S).returncode
    finally:
        beside.wait(timeout=_TIMEOUT_S)
    return {"wall_s": time.perf_counter() - start, "total_cpu_s": _children_cpu() - before, "exit": code}


def measure_make_check(warm_rounds: int = 2) -> dict:
    """make check from a cold cache, then warm (the least of `warm_rounds`), each writing its own reports;
    then the pytest floor for as many tests."""
    with tempfile.TemporaryDirectory(prefix="chatconform-bench-check-") as tmp:
        cache, reports = Path(tmp) / "cache", Path(tmp) / "reports"
        cold = time_make_check(cache, reports, pull_first=True)
        warm = min(
            (time_make_check(cache, reports, pull_first=False) for _ in range(warm_rounds)),
            key=lambda r: r["wall_s"],
        )
        tests = len(json.loads((reports / "results.json").read_text(encoding="utf-8"))["results"])
        floor = min(
            (time_pytest_floor(Path(tmp) / f"floor{n}", tests) for n in range(warm_rounds)),
            key=lambda r: r["wall_s"],
        )
    return {"cold": cold, "warm": warm, "tests": tests, "floor": floor}


def time_pytest_floor(folder: Path, tests: int) -> dict:
    """A pytest run of `tests` trivial tests with the same outputs (Allure results, junit) and plugins."""
    folder.mkdir(parents=True)
    (folder / "test_floor.py").write_text(
        f"import pytest\n\n\n@pytest.mark.parametrize('n', range({tests}))\n"
        "def test_nothing(n):\n    assert n >= 0\n",
        encoding="utf-8",
    )
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--alluredir={folder / 'allure'}",
        f"--junitxml={folder / 'junit.xml'}",
        "test_floor.py",
    ]
    before, start = _children_cpu(), time.perf_counter()
    code = subprocess.run(argv, cwd=folder, capture_output=True, timeout=_TIMEOUT_S).returncode
    return {"wall_s": time.perf_counter() - start, "total_cpu_s": _children_cpu() - before, "exit": code}


def report_make_check(row: dict) -> list[str]:
    """Lines for make check's own times, against the issue's targets."""
    cold, warm = row["cold"], row["warm"]
    return [
        f"make check (specs pull when the catalog changed, specs lint beside check with results.json, junit, "
        f"Allure results and summary; "
        f"{row['tests']} tests, exit {warm['exit']}):",
        f"  cold cache : {cold['wall_s']:.2f} s wall, {cold['total_cpu_s']:.2f} CPU s  "
        f"(target < {TARGET_COLD_S:.0f} s: "
        f"{'holds' if cold['wall_s'] < TARGET_COLD_S else 'MISSED'})",
        f"  warm cache : {warm['wall_s']:.2f} s wall, {warm['total_cpu_s']:.2f} CPU s  "
        f"(target < {TARGET_WARM_S:.0f} s: "
        f"{'holds' if warm['wall_s'] < TARGET_WARM_S else 'MISSED'})",
        f"  floor      : {row['floor']['wall_s']:.2f} s wall, {row['floor']['total_cpu_s']:.2f} CPU s: "
        f"pytest with the same plugins on {row['tests']} tests that do nothing, writing Allure results and "
        f"junit (exit {row['floor']['exit']}); "
        f"warm make check is {warm['wall_s'] / row['floor']['wall_s']:.2f}x its wall time",
    ]


def report(row: dict) -> list[str]:
    """Lines for the catalog's scale and times, with the targets."""
    cold, warm, floor = row["cold"], row["warm"], row["floor"]
    ratio = warm["total_cpu_s"] / floor["total_cpu_s"] if floor["total_cpu_s"] else float("inf")
    return [
        f"catalog: {warm['specs']} specs ({warm['unloadable']} unloadable), {warm['exchanges']} exchanges, "
        f"{warm['checks']} checks judged (every pinned spec loaded and linted, every cassette judged)",
        f"  cold cache : {cold['wall_s']:.2f} s wall, {cold['total_cpu_s']:.2f} CPU s (workers included)  "
        f"(target for make check from a cold cache: < {TARGET_COLD_S:.0f} s: "
        f"{'holds' if cold['wall_s'] < TARGET_COLD_S else 'MISSED'} for this part)",
        f"  warm cache : {warm['wall_s']:.2f} s wall, {warm['total_cpu_s']:.2f} CPU s  "
        f"(target warm: < {TARGET_WARM_S:.0f} s: {'holds' if warm['wall_s'] < TARGET_WARM_S else 'MISSED'} "
        "for this part)",
        f"  floor      : {floor['wall_s']:.2f} s wall, {floor['total_cpu_s']:.2f} CPU s: "
        "a process that only parses "
        f"the same specs (JSON) and cassettes (C YAML); warm is {ratio:.2f}x its CPU",
    ]


def main() -> int:
    """Print the catalog's numbers (a bench informs; it does not fail the build)."""
    try:
        print("\n".join(report(measure())))
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as err:
        print(f"catalog: not measured ({err})")
    try:
        print("\n".join(report_make_check(measure_make_check())))
    except (OSError, KeyError, subprocess.TimeoutExpired, ValueError) as err:
        print(f"make check: not measured ({err})")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["pass"]:
        print(json.dumps(catalog_pass()))
    elif sys.argv[1:] == ["floor"]:
        print(json.dumps(reading_floor()))
    else:
        sys.exit(main())
