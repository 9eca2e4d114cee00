"""pytest plugin: options, markers, replay-mode network blocking, and the results log."""

from __future__ import annotations

import pytest

from chatconform import netguard
from chatconform.paths import reports_dir
from chatconform.report.results import ResultsLog

MODES = ("replay", "record", "live")
MARKERS = {
    "live": "talks to a real provider (needs an API key; never runs in replay mode)",
    "fuzz": "Hypothesis/Schemathesis generated requests",
    "stream": "server-sent-event (streamed) exchanges",
}
_LOG_KEY = pytest.StashKey[ResultsLog]()


def pytest_addoption(parser):
    group = parser.getgroup("chatconform", "chatconform conformance suite")
    group.addoption("--mode", choices=MODES, default="replay",
                    help="replay: cassettes only, network blocked (default); record: live calls saved "
                         "as cassettes; live: real providers, nothing saved")
    group.addoption("--provider", action="append", default=[], help="only this provider (repeatable)")
    group.addoption("--model", action="append", default=[], help="only this model id (repeatable)")
    group.addoption("--budget-usd", type=float, default=0.05, help="live spend cap for the whole run")
    group.addoption("--base-url", default=None, help="an OpenAI-compatible base URL to test")
    group.addoption("--api-key-env", default=None, help="environment variable holding that URL's key")
    group.addoption("--results", default=None, help="where results.json goes (default: reports/)")


def pytest_configure(config):
    import os

    from hypothesis import settings

    from chatconform.strategies import register_profiles

    register_profiles()
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(os.environ.get("CHATCONFORM_HYPOTHESIS") or ("ci" if os.environ.get("CI") else "dev"))
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")
    config.stash[_LOG_KEY] = ResultsLog(mode=config.getoption("--mode"))
    if not hasattr(config, "workerinput"):  # the controller starts a fresh budget; xdist workers share it
        import shutil

        for stale in (reports_dir() / ".budget.json", reports_dir() / ".workers"):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()


@pytest.fixture(scope="session")
def cc_mode(pytestconfig) -> str:
    """The run mode: replay, record or live."""
    return pytestconfig.getoption("--mode")


@pytest.fixture(scope="session")
def results_log(pytestconfig) -> ResultsLog:
    """The run's results log (written to reports/results.json at the end)."""
    return pytestconfig.stash[_LOG_KEY]


@pytest.fixture(scope="session")
def spec_store():
    """Pulled specs, loaded once per session."""
    from chatconform.specs import SpecStore

    return SpecStore()


@pytest.fixture(scope="session")
def reference_server(spec_store):
    """The reference provider on loopback for the whole session (a real HTTP server)."""
    import os

    from chatconform.refserver import ReferenceServer

    os.environ.setdefault("CHATCONFORM_REFERENCE_KEY", "reference-key")
    with ReferenceServer(spec_store, slow_seconds=2.0) as server:
        yield server


@pytest.fixture(autouse=True)
def _network_guard(request):
    """In replay mode no test may reach past loopback."""
    if request.config.getoption("--mode") != "replay":
        yield
        return
    with netguard.blocked():
        yield


def pytest_collection_modifyitems(config, items):
    """Live tests do not run in replay mode; they say why."""
    if config.getoption("--mode") == "replay":
        skip = pytest.mark.skip(reason="live test: replay mode (run `make live` with provider keys)")
        for item in items:
            if "live" in item.keywords:
                item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """Workers leave their part; the controller (or a run without xdist) merges and writes results.json."""
    from pathlib import Path

    config = session.config
    log = config.stash.get(_LOG_KEY, None)
    target = Path(config.getoption("--results") or reports_dir())
    parts = target / ".workers"
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker:
        parts.mkdir(parents=True, exist_ok=True)
        (parts / f"{worker}.json").write_text(__import__("json").dumps(log.to_dict()))
        return
    log.merge_parts(parts)
    if log.entries:
        log.write(target)
