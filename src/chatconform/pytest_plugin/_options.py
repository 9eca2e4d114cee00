"""Options, markers, hookspecs and the run's set-up (project file, project folder, results log)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chatconform.model.paths import reports_dir
from chatconform.providers import ProviderData
from chatconform.pytest_plugin._keys import LOG_KEY, STATE_KEY, RunState
from chatconform.pytest_plugin._settings import CLI_KEY, ON_GAP, cli_settings
from chatconform.pytest_plugin.shards import Shard
from chatconform.reporting.results import ResultsLog

MODES = ("replay", "record", "live")
MARKERS = {
    "live": "talks to a real provider (needs an API key; never runs in replay mode)",
    "fuzz": "Hypothesis/Schemathesis generated requests",
    "stream": "server-sent-event (streamed) exchanges",
    "chatconform": "chatconform(budget_usd=..., on_gap='skip'|'fail'): settings for this test (over the "
    "chatconform_config fixture and chatconform.toml; the command line wins)",
}


def pytest_addhooks(pluginmanager):
    from chatconform.pytest_plugin import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser):
    group = parser.getgroup(
        "chatconform", "chatconform conformance suite (collects the project's cassettes/)"
    )
    group.addoption(
        "--mode",
        choices=MODES,
        default="replay",
        help="replay: the cassettes, network blocked (default); record: the live catalog, saved "
        "as cassettes; live: the live catalog against real providers, nothing saved",
    )
    group.addoption("--provider", action="append", default=[], help="only this provider (repeatable)")
    group.addoption("--model", action="append", default=[], help="only this model id (repeatable)")
    group.addoption(
        "--budget-usd",
        type=float,
        default=None,
        help="live spend cap for the whole run (default: [run] budget_usd in chatconform.toml, else 0.05)",
    )
    group.addoption(
        "--config",
        dest="cc_config",
        default=None,
        help="the project's chatconform.toml (default: $CHATCONFORM_CONFIG, else found walking up)",
    )
    group.addoption("--base-url", default=None, help="an OpenAI-compatible base URL to test")
    group.addoption("--api-key-env", default=None, help="environment variable holding that URL's key")
    group.addoption("--results", default=None, help="where results.json goes (default: reports/)")
    group.addoption(
        "--on-gap",
        choices=ON_GAP,
        default=None,
        help="a check that cannot be judged: skip with the reason (default) or fail",
    )
    group.addoption(
        "--deadline",
        type=float,
        default=None,
        metavar="SECONDS",
        help="live: the whole time one call may take, connect to the last byte of its body or stream "
        "(default: 300); a server still sending then is unavailable, never a hang",
    )
    group.addoption(
        "--regressions",
        default=None,
        metavar="DIR",
        help="where a live exchange that fails is saved as a regression cassette (default: "
        "regressions/ in the reports folder; record mode: cassettes/)",
    )
    group.addoption(
        "--all-specs",
        action="store_true",
        default=False,
        help="pull every document of the catalog, not only those of the providers and models the "
        "project declares ([run] models/providers, [providers.*] in chatconform.toml)",
    )
    group.addoption(
        "--specs-mirror",
        default=None,
        help="pull missing pinned specs from this folder (default: $CHATCONFORM_MIRROR, else the URLs)",
    )
    group.addoption(
        "--tool-scenarios",
        default=None,
        metavar="all|ID,ID",
        help="record and live: send the shipped tool-call scenarios too (all, or ids separated "
        "by commas), in each dialect a provider declares an endpoint for, under the budget",
    )
    group.addoption(
        "--shard",
        default=None,
        metavar="I/N",
        help="run shard I of N: the providers and models a stable hash puts there (replay and live); "
        "`chatconform merge` joins the shards' results.json into the unsharded run's",
    )


def pytest_configure(config):
    from hypothesis import settings

    from chatconform.live.strategies import register_profiles
    from chatconform.model.paths import project_root

    register_profiles()
    config.stash[CLI_KEY] = cli_settings(config)
    data = _project_file(config)
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(
            os.environ.get("CHATCONFORM_HYPOTHESIS") or ("ci" if os.environ.get("CI") else "dev")
        )
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")
    given = config.getoption("--api-key-env")  # its value is a key: scrubbed from all the run writes
    state = RunState(
        root=project_root(),
        data=data,
        reports=Path(config.getoption("--results") or reports_dir()),
        key_envs=(*data.key_env_names(), *([given] if given else [])),
        shard=_shard(config),
    )
    config.stash[STATE_KEY] = state
    config.stash[LOG_KEY] = ResultsLog(mode=config.getoption("--mode"), key_envs=state.key_envs)
    if not hasattr(config, "workerinput"):  # the controller starts a fresh budget; xdist workers share it
        import shutil

        for stale in (state.reports / ".budget.json", state.reports / ".workers"):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()


def _project_file(config) -> ProviderData:
    """The run's provider data (the one `chatconform check` hands over, else read here from --config,
    $CHATCONFORM_CONFIG or walking up); options not given on the command line come from its [run] table."""
    from chatconform.judging.claims import refuse_misspelt_deviations
    from chatconform.live.budget import budget_limit
    from chatconform.model.errors import UsageError
    from chatconform.pytest_plugin.handoff import CHECK_KEY

    handed = config.stash.get(CHECK_KEY, None)
    try:
        data = handed.data if handed is not None else ProviderData.load(config.getoption("cc_config"))
        refuse_misspelt_deviations(data)
    except UsageError as err:  # one line, before any test runs
        raise pytest.UsageError(str(err)) from None
    _known_providers(data, config.option.provider)
    config.option.budget_usd = budget_limit(data, config.option.budget_usd)
    config.option.provider = config.option.provider or list(data.run.providers)
    config.option.model = config.option.model or list(data.run.models)
    return data


def _known_providers(data: ProviderData, names) -> None:
    """--provider names a provider of the run's data (a misspelt one would silently run nothing)."""
    from chatconform.model.errors import unknown

    for name in names or ():
        if name not in data:
            raise pytest.UsageError(f"--provider: {unknown('provider', name, data.profiles)}")


def _shard(config) -> Shard | None:
    """--shard as a Shard; a bad value is one line before anything runs. A sharded run may hold nothing."""
    from chatconform.model.errors import UsageError
    from chatconform.pytest_plugin.shards import parse_shard

    try:
        shard = parse_shard(config.getoption("shard"))
    except UsageError as err:
        raise pytest.UsageError(str(err)) from None
    if shard is not None and not config.pluginmanager.has_plugin("chatconform-shard"):
        config.pluginmanager.register(_ShardRun(shard), "chatconform-shard")
    return shard


class _ShardRun:
    """A shard the hash left empty is finished, not bad input: exit 0 with an empty results.json."""

    # so a matrix merges every shard alike; a run in which no shard judged anything still fails at the gate

    def __init__(self, shard: Shard):
        self.shard = shard

    @pytest.hookimpl(trylast=True)  # after the plugin's own sessionfinish has merged the workers' parts
    def pytest_sessionfinish(self, session, exitstatus):
        config = session.config
        log = config.stash.get(LOG_KEY, None)
        if exitstatus != pytest.ExitCode.NO_TESTS_COLLECTED or log is None or hasattr(config, "workerinput"):
            return
        if not log.entries and not config.option.collectonly:
            from chatconform.pytest_plugin.handoff import hand_back

            log.write(config.stash[STATE_KEY].reports)
            hand_back(config, log.written)
        session.exitstatus = pytest.ExitCode.OK
        print(f"chatconform: shard {self.shard} holds no test of this run", flush=True)


def pytest_report_header(config):
    state = config.stash.get(STATE_KEY, None)
    if state is not None and state.cassettes.is_dir():
        shard = f", shard {state.shard}" if state.shard else ""
        return f"chatconform: mode {config.getoption('--mode')}{shard}, suite {state.cassettes}"
    return None


def pytest_report_collectionfinish(config, start_path, items):
    """What collection left out and why (a provider without its key), one line each."""
    state = config.stash.get(STATE_KEY, None)
    return list(state.notes) if state else []
