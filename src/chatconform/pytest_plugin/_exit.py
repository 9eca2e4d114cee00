"""What a run's tests leave unjudged, said at once and in the exit status (chatconform.model.exits), never
green.

A gap or an outage is skipped with its reason (pytest has no other outcome for "not judged"), reported as
`gap`/`unavailable` instead of `skipped`, and the session ends with exit status 6 unless the project
acknowledged each such case; a file that could not be read ends it with 2, as `chatconform verify` does.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from chatconform.model import exits
from chatconform.model.verdict import GAP, UNAVAILABLE

ATTRIBUTE = "chatconform_unjudged"  # on an item, then on its call report: the verdict a skip stands for
_SAID = pytest.StashKey[set]()
_LETTERS = {GAP: "g", UNAVAILABLE: "u"}


def unjudged(request, verdict: str, acknowledged) -> None:
    """Mark this test as left unjudged (gap) or unreached (unavailable), unless the project acknowledged
    it."""
    setattr(request.node, ATTRIBUTE, None if acknowledged is not None else verdict)


def mark_report(item, call, report) -> None:
    """Carry the item's unjudged verdict to its call report (which xdist sends to the controller)."""
    if call.when == "call" and getattr(item, ATTRIBUTE, None):
        setattr(report, ATTRIBUTE, getattr(item, ATTRIBUTE))


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report, config):
    """`gap` and `unavailable`, not `skipped`: the terminal's last line shows them (and is not green)."""
    verdict = getattr(report, ATTRIBUTE, None)
    if report.when == "call" and report.skipped and verdict in _LETTERS:
        return verdict, _LETTERS[verdict], verdict.upper()
    return None


def settle(session, entries) -> None:
    """The session's exit status from its rows: 2 for a file that could not be read, 6 for what was left
    unjudged and not acknowledged; pytest's own status stands when it says more (failures, errors)."""
    code = exits.code_of(entries)
    status = int(session.exitstatus)
    if code == exits.BAD_INPUT and status in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = exits.BAD_INPUT
    elif code == exits.UNJUDGED and status == pytest.ExitCode.OK:
        session.exitstatus = exits.UNJUDGED


def summary_lines(entries) -> list[str]:
    """Lines for the end of the run: each file that could not be read, then what was left unjudged."""
    unreadable = exits.unreadable(entries)
    lines = [f"chatconform: {' '.join(str(e.get('reason')).split())}" for e in unreadable[:10]]
    if len(unreadable) > 10:
        lines.append(f"chatconform: and {len(unreadable) - 10} more file(s) that could not be read")
    left = exits.unacknowledged(entries)
    lines += [
        f"chatconform: {e['verdict']} {e.get('test_id') or e.get('exchange')}: "
        f"{' '.join(str(e.get('reason')).split())[:300]}"
        for e in left[:10]
    ]
    said = exits.unjudged_line(entries)
    return lines + ([said] if said else [])


def announce(config, detail: str) -> None:
    """Say once, while the run goes on, why a provider could not be reached (the URL and the cause)."""
    from chatconform.pytest_plugin._keys import STATE_KEY
    from chatconform.recording.scrub import known_secrets, scrub_text

    said = config.stash.setdefault(_SAID, set())
    where = detail.split(": ", 1)[0]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if where in said or reporter is None or hasattr(config, "workerinput"):
        return
    said.add(where)
    state = config.stash.get(STATE_KEY, None)
    secrets = known_secrets(key_envs=state.key_envs if state else ())
    line = f"chatconform: unavailable: {scrub_text(detail, secrets)}"
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else _nothing():  # the test's output is captured
        reporter.ensure_newline()
        reporter.write_line(line, yellow=True)


@contextmanager
def _nothing():
    yield


def regressions_folder(config) -> Path:
    """Where a failing live exchange is saved: --regressions, else (record mode) cassettes/, else reports/."""
    from chatconform.pytest_plugin._keys import STATE_KEY

    given = config.getoption("regressions", None)
    if given:
        return Path(given)
    state = config.stash[STATE_KEY]
    if config.getoption("--mode") == "record":
        return state.cassettes
    return state.reports / "regressions"
