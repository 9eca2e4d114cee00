"""`chatconform check`: a project's conformance suite (its cassettes, or live calls) through the pytest
plugin, with every report: reports/results.json, junit.xml, allure-results/ and summary.html."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from chatconform.model.errors import UsageError
from chatconform.model.exits import EPILOG, UNJUDGED

MODES = ("replay", "record", "live")
EXITS = (
    f"{EPILOG} A test that cannot run (usage, collection) or an empty run is bad input, 2. Arguments "
    "after `--` go to pytest (e.g. `-- -n 2 -k usage`)."
)
# pytest's exit codes as chatconform's: failed tests are violations; usage, collection errors and an empty
# run are bad input; pytest's internal error is ours; the plugin's own 6 (something unjudged) stays 6
_PYTEST_EXITS = {0: 0, 1: 1, 2: 2, 3: 3, 4: 2, 5: 2, UNJUDGED: UNJUDGED}
# pytest plugins that serve generated tests, which a replay run does not collect, yet whose hooks run for each
# of a catalog's thousands of tests: schemathesis' cost ~1-2 s of a warm make check (measured). Hypothesis's
# and anyio's cost nothing measurable, and a project's addopts or ini may name their options: they stay.
REPLAY_UNUSED_PLUGINS = ("schemathesis",)


def add_check(sub, name: str) -> None:
    """Add `chatconform check` to the command line."""
    check = sub.add_parser(
        name,
        help="judge the project's cassettes (or live calls) and write reports/",
        description=__doc__,
        epilog=EXITS,
    )
    check.add_argument(
        "--mode",
        choices=MODES,
        default="replay",
        help="replay the cassettes (default, network blocked); live or record: the live catalog",
    )
    check.add_argument(
        "--budget-usd",
        type=float,
        default=None,
        metavar="USD",
        help="live spend cap for the whole run (default: [run] budget_usd, else 0.05)",
    )
    check.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="PATH",
        help="the project file (default: $CHATCONFORM_CONFIG, else chatconform.toml walking up)",
    )
    check.add_argument(
        "--mirror",
        type=Path,
        default=None,
        metavar="DIR",
        help="pull missing pinned specs from this folder (default: $CHATCONFORM_MIRROR, else the URLs)",
    )
    check.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="run shard I of N (providers and models split by a stable hash); join the shards' "
        "results.json with `chatconform merge`",
    )
    check.add_argument(
        "--results",
        type=Path,
        default=None,
        metavar="DIR",
        help="the reports folder: results.json, junit.xml, allure-results, summary.html, the live "
        "budget ledger (default: $CHATCONFORM_REPORTS, else reports/); one per shard",
    )
    check.add_argument(
        "--provider",
        action="append",
        default=None,
        metavar="NAME",
        help="only this provider (repeatable; default: [run] providers of chatconform.toml)",
    )
    check.add_argument(
        "--model",
        action="append",
        default=None,
        metavar="ID",
        help="only this model id (repeatable; default: [run] models of chatconform.toml, else all)",
    )
    check.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="live or record: an OpenAI-compatible base URL to test (with --model, --api-key-env)",
    )
    check.add_argument(
        "--api-key-env",
        default=None,
        metavar="VAR",
        help="the environment variable holding that URL's key (its value is never written)",
    )
    check.add_argument(
        "--on-gap",
        default=None,
        metavar="skip|fail",  # (pytest's option checks the word)
        help="a check that cannot be judged: skipped with the reason (default) or failed",
    )
    check.add_argument(
        "--regressions",
        type=Path,
        default=None,
        metavar="DIR",
        help="where a live exchange that fails is saved as a regression cassette (default: "
        "regressions/ in the reports folder; the cassettes/ folder changes only in record mode)",
    )
    check.add_argument(
        "--all-specs",
        action="store_true",
        help="pull the whole catalog, not only the documents of the providers and models the project "
        "declares",
    )
    check.add_argument("pytest_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    check.set_defaults(func=run)


def run(args) -> int:
    """Prepare the project (project file, specs), run pytest on its cassettes/, then write the summary.

    The run's provider data (args.data, read once from the project file by the command line) goes to the
    plugin as a CheckRun plugin object, and the results it wrote come back on it: nothing passes through the
    environment, so a second run in the same process starts from nothing of the first."""
    import pytest

    from chatconform.model.paths import project_root, reports_dir, specs_dir
    from chatconform.pytest_plugin import declared, ensure_specs, mirror_from
    from chatconform.pytest_plugin.handoff import CheckRun
    from chatconform.pytest_plugin.shards import parse_shard

    if args.budget_usd is not None and args.budget_usd < 0:
        raise UsageError(f"--budget-usd {args.budget_usd}: a spend cap is a number of US dollars >= 0")
    parse_shard(args.shard)  # a bad value is one line before anything is pulled or run
    root, data = project_root(), args.data  # (a bad project file was one line, exit 2, before this)
    named = data.run  # only the documents of the providers and models it names (all with --all-specs)
    wanted = declared(data, named.providers, named.models, getattr(args, "all_specs", False))
    key_envs = (*data.key_env_names(), *([args.api_key_env] if args.api_key_env else []))
    for note in ensure_specs(specs_dir(), mirror_from(args.mirror), wanted, key_envs):
        print(note, flush=True)
    # every output and the budget ledger: shards on one machine share nothing
    suite, reports = _folders(root, args.mode, args.results.resolve() if args.results else reports_dir())
    remover = _remove_in_background(reports / "allure-results")
    started, handoff = time.time(), CheckRun(data)
    try:
        code = pytest.main(_pytest_args(args, root, suite, reports), plugins=[handoff])
    finally:
        if remover is not None:
            remover.wait()
    code = _PYTEST_EXITS.get(int(code), 3)
    summary = _summary(reports, started, handoff, key_envs)
    if code == 2 and not summary:
        print(f"chatconform: nothing was judged in {suite}", file=sys.stderr)
    return code


def _folders(root: Path, mode: str, reports: Path) -> tuple[Path, Path]:
    """The suite folder (made for a first live or record run) and a reports folder without old Allure
    results."""
    suite = root / "cassettes"
    if mode == "replay" and not suite.is_dir():
        raise UsageError(
            f"{suite}: no cassettes folder to replay (record some: chatconform check --mode record)"
        )
    try:
        suite.mkdir(parents=True, exist_ok=True)
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"cannot prepare {suite} and {reports} ({err.strerror or err})") from None
    return suite, reports


def _remove_in_background(folder: Path):
    """Move a previous run's Allure results out of the way and delete them in a child process while this run
    goes on (a catalog run leaves thousands of files, seconds of kernel time to unlink); the child, or
    None."""
    import subprocess
    import uuid

    if not folder.exists():
        return None
    old = folder.with_name(f".{folder.name}-old-{uuid.uuid4().hex[:8]}")
    try:
        folder.rename(old)
    except OSError:  # cannot move it (another file system, permissions): removed here and now
        shutil.rmtree(folder, ignore_errors=True)
        return None
    try:
        remove = "import shutil, sys; shutil.rmtree(sys.argv[1], True)"
        return subprocess.Popen(
            [sys.executable, "-c", remove, str(old)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        shutil.rmtree(old, ignore_errors=True)
        return None


def _pytest_args(args, root: Path, suite: Path, reports: Path) -> list[str]:
    """pytest's arguments: the suite, the run's options, the reports, then the user's own."""
    extra = list(args.pytest_args or [])
    if extra[:1] == ["--"]:
        extra = extra[1:]
    argv = [
        str(suite),
        "--rootdir",
        str(root),
        "--mode",
        args.mode,
        f"--junitxml={reports / 'junit.xml'}",
        f"--alluredir={reports / 'allure-results'}",
        f"--results={reports}",
        # this command imported chatconform before pytest started: its asserts are not pytest's to rewrite
        "-W",
        "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning",
    ]
    if args.budget_usd is not None:
        argv += ["--budget-usd", str(args.budget_usd)]
    if args.data.config is not None:  # the file this command read: an xdist worker reads the same one
        argv += ["--config", str(args.data.config)]
    if args.mirror is not None:
        argv += ["--specs-mirror", str(args.mirror)]
    if args.shard is not None:
        argv += ["--shard", args.shard]
    argv += [f"--provider={name}" for name in args.provider or []] + [
        f"--model={m}" for m in args.model or []
    ]
    for option, value in (
        ("--base-url", args.base_url),
        ("--api-key-env", args.api_key_env),
        ("--on-gap", args.on_gap),
    ):
        argv += [f"{option}={value}"] if value is not None else []
    if getattr(args, "regressions", None) is not None:
        argv += ["--regressions", str(args.regressions)]
    if getattr(args, "all_specs", False):
        argv += ["--all-specs"]
    if args.mode == "replay":
        argv += [arg for name in REPLAY_UNUSED_PLUGINS for arg in ("-p", f"no:{name}")]
    return argv + extra  # the user's last: `-- -p schemathesis` has one of them back


def _summary(reports: Path, started: float, handoff, key_envs=()) -> Path | None:
    """summary.html from the results.json this run wrote (an older one is never summarised as this run's)."""
    from chatconform.reporting.summary import write_summary

    results = reports / "results.json"
    if not results.is_file() or results.stat().st_mtime < started - 1:
        return None
    out = write_summary(
        results,
        reports / "history",
        reports / "summary.html",
        results=handoff.results(results),
        key_envs=key_envs,
    )
    print(f"chatconform: wrote {results}, {reports / 'junit.xml'}, {reports / 'allure-results'} and {out}")
    return out
