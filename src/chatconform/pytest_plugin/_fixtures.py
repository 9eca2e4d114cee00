"""Session fixtures (the run mode, the results log, the pulled specs, the reference provider), replay's
network guard, scrubbed failure text, and results.json written at the end of the run."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chatconform.pytest_plugin._keys import JUDGING_KEY, LOG_KEY, STATE_KEY, STORE_KEY
from chatconform.recording import netguard

if TYPE_CHECKING:
    from chatconform.reporting.results import ResultsLog


def shared_store(config):
    """The run's SpecStore: one for collection and every test, made on first use (after the specs are
    pulled)."""
    from chatconform.specs import SpecStore

    if STORE_KEY not in config.stash:
        config.stash[STORE_KEY] = SpecStore()
    return config.stash[STORE_KEY]


def judging(config):
    """The run's judging context: its provider data and its SpecStore, with the caches that hang off them."""
    from chatconform.judging.run import RunContext

    if JUDGING_KEY not in config.stash:
        config.stash[JUDGING_KEY] = RunContext(config.stash[STATE_KEY].data, shared_store(config))
    return config.stash[JUDGING_KEY]


@pytest.fixture(scope="session")
def cc_mode(pytestconfig) -> str:
    """The run mode: replay, record or live."""
    return pytestconfig.getoption("--mode")


@pytest.fixture(scope="session")
def results_log(pytestconfig) -> ResultsLog:
    """The run's results log (written to reports/results.json at the end)."""
    return pytestconfig.stash[LOG_KEY]


@pytest.fixture(scope="session")
def spec_store(pytestconfig):
    """Pulled specs, loaded once per session."""
    return shared_store(pytestconfig)


@pytest.fixture(scope="session")
def reference_server(pytestconfig):
    """The reference provider on loopback for the whole session (a real HTTP server)."""
    import os

    from chatconform.refserver import ReferenceServer

    os.environ.setdefault("CHATCONFORM_REFERENCE_KEY", "reference-key")
    run = judging(pytestconfig)
    with ReferenceServer(run.store, slow_seconds=2.0, data=run.data) as server:
        yield server


# A hook, not an autouse fixture: a function-scoped fixture costs every test a fixture setup and an Allure
# container file, thousands of them in a catalog run.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """In replay mode no test may reach past loopback, in its setup, call or teardown."""
    if item.config.getoption("--mode") != "replay":
        yield
        return
    with netguard.blocked(test=item.nodeid):
        yield


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_makereport(item, call):
    """No key in failure text: scrubbed before the report is made and before Allure or junit read it."""
    from chatconform.pytest_plugin._exit import mark_report
    from chatconform.recording.scrub import known_secrets
    from chatconform.reporting.failure_text import scrub_exception, scrub_report

    state = item.config.stash.get(STATE_KEY, None)
    secrets = known_secrets(key_envs=state.key_envs if state else ())
    scrub_exception(call.excinfo, secrets)
    outcome = yield
    scrub_report(outcome.get_result(), secrets)
    mark_report(item, call, outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session):
    """The garbage collector is paused while tests are collected: a catalog's collection builds hundreds of
    thousands of objects that all live to the end of the run (exchanges, specs, items), and its full passes
    over them cost ~0.5 s of a warm make check while finding next to nothing (max RSS measured the same)."""
    import gc

    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def pytest_collection_finish(session):
    """After collecting a catalog's thousands of tests, what they hold (exchanges, specs, claims) lives to the
    end of the run: frozen out of the garbage collector's reach, its full passes stop walking all of it."""
    import gc

    from chatconform.pytest_plugin._items import ConformanceItem

    if any(isinstance(item, ConformanceItem) for item in session.items):
        gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    """Allure's result files are written by a thread while the tests go on (every allure-pytest is set up)."""
    from chatconform.reporting.allure_writer import take_over

    take_over(session.config)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """Workers leave their part; the controller (or a run without xdist) merges and writes results.json, and
    junit.xml gets the same tally as properties of its test suite."""

    from chatconform.pytest_plugin._exit import settle
    from chatconform.pytest_plugin.handoff import hand_back

    config = session.config
    log = config.stash.get(LOG_KEY, None)
    if log is None:  # configure stopped early (a bad project file): nothing was judged
        return
    target = config.stash[STATE_KEY].reports
    parts = target / ".workers"
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker:
        log.write_part(parts, worker)
        return
    log.merge_parts(parts)
    if log.entries:
        log.write(target)
        hand_back(config, log.written)
        _junit_tally(config, log.tally())
        settle(session, log.entries)  # gaps and outages nobody acknowledged: exit 6, never a green 0


_JUNIT_TALLY = pytest.StashKey[dict]()


def _junit_tally(config, tally) -> None:
    """Keep the run's tally for junit.xml, which junitxml writes after this hook (see pytest_unconfigure)."""
    config.stash[_JUNIT_TALLY] = {f"chatconform.{verdict}": n for verdict, n in tally.counts.items()}


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """The run's tally as junit.xml's test-suite properties (`chatconform.<verdict>`), junit.xml written."""
    import os
    from pathlib import Path

    from chatconform.reporting.junit import add_suite_properties

    tally, path = config.stash.get(_JUNIT_TALLY, None), config.getoption("xmlpath", None)
    if tally and path:  # the path as junitxml resolves it
        add_suite_properties(Path(os.path.abspath(os.path.expanduser(os.path.expandvars(path)))), tally)


def pytest_terminal_summary(terminalreporter, config):
    """One line with the run's tally, the counts every report shows (pytest's own line counts tests, and a
    live test judges several rows; docs conflicts and gaps are named whatever pytest made of them)."""
    log = config.stash.get(LOG_KEY, None)
    if log is None or not log.entries or hasattr(config, "workerinput"):
        return
    from chatconform.pytest_plugin._exit import summary_lines

    target = config.stash[STATE_KEY].reports
    terminalreporter.write_line(f"chatconform: {log.tally().line()} (results.json in {target})")
    for line in summary_lines(log.entries):
        terminalreporter.write_line(line)
    from chatconform.reporting.results import everywhere_notes

    for note in everywhere_notes(log.entries):  # one such deviation passes a check everywhere: never unsaid
        terminalreporter.write_line(f"chatconform: {note}")
