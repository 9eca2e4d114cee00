"""The bodies of the plugin's tests: a replayed (exchange, check), a live scenario, a docs conflict.

Each writes its rows to results.json in the one shape every mode shares (ResultsLog.add_row), calls the
project's pytest_chatconform_exchange hooks, then decides the test from the row's verdict: fail fails, a
declared known deviation is a strict xfail (so one that goes away fails the run), a docs conflict passes
(counted in the run's summary line, shown in the reports), a gap or an outage is skipped with its reason and
reported as such (never green): the run's exit code says so unless the project acknowledged that case.
"""

from __future__ import annotations

import warnings

import pytest

from chatconform.model.verdict import FAIL, GAP, KNOWN, UNAVAILABLE
from chatconform.pytest_plugin._exit import announce, unjudged


class DocsConflict(UserWarning):
    """Two documents of one provider disagree."""


def replay(request):
    """A recorded exchange judged by one check: the spec's rules, or one documented behaviour."""
    from chatconform.judging.route import judging_spec
    from chatconform.pytest_plugin._fixtures import judging
    from chatconform.pytest_plugin._keys import LOG_KEY
    from chatconform.pytest_plugin.cases import run_case
    from chatconform.reporting import replay_command
    from chatconform.reporting.allure_attach import annotate
    from chatconform.reporting.render import render_finding

    item, case = request.node, request.node.payload
    # the objects the spec_store and results_log fixtures give, taken without asking for fixtures: a catalog
    # run has thousands of these tests, and allure-pytest links every test to every fixture it uses in a list
    # it scans each time (quadratic in the number of tests)
    run, results_log = judging(item.config), item.config.stash[LOG_KEY]
    settings = _settings(request)
    ex = case.exchange
    row = run_case(case, run)
    spec = judging_spec(ex, run)
    annotate(ex, case.check, row.findings, spec, rows=[row], key_envs=results_log.key_envs)
    results_log.add_row(ex, row, test_id=item.nodeid, spec=spec)
    _told(item, row.verdict)
    item.ihook.pytest_chatconform_exchange(item=item, exchange=ex, row=row)
    if row.verdict == KNOWN:  # failing as declared; strict, so a deviation that goes away fails the run
        request.applymarker(pytest.mark.xfail(strict=True, reason=row.reason))
    if row.verdict in (FAIL, KNOWN):
        who = f"{ex.provider} {ex.model} source={ex.origin}"
        pytest.fail(
            "\n".join(
                render_finding(f, who, spec.display if spec else None, replay_command(ex.label))
                for f in row.findings
                if f.severity == "violation"
            ),
            pytrace=False,
        )
    if row.stale is not None:
        pytest.fail(
            f"{ex.provider} declares {case.check} a known deviation for {ex.model} ({row.stale.reason}), "
            "but this exchange no longer shows it: remove the declaration",
            pytrace=False,
        )
    if row.verdict == GAP:
        message = f"cannot be judged: {row.reason}"
        if settings.on_gap == "fail":
            pytest.fail(message, pytrace=False)
        unjudged(request, GAP, row.acknowledged)
        if row.acknowledged is not None:
            message = f"acknowledged ({row.acknowledged.reason}; {row.acknowledged.link}): {message}"
        pytest.skip(message)


def _told(item, verdict: str) -> None:
    """A row this test wrote to results.json, told to junit.xml too (a property of its testcase per row)."""
    from chatconform.reporting.tally import JUNIT_PROPERTY

    item.user_properties.append((JUNIT_PROPERTY, verdict))


def unreadable(request):
    """A cassette (or one of its interactions) that cannot be read: a row of its own, failing with one
    line."""
    from chatconform.model.exits import INPUT_CHECK
    from chatconform.model.finding import GAP_KIND, Finding
    from chatconform.pytest_plugin._keys import LOG_KEY

    item = request.node
    path, problem = item.payload
    problem = " ".join(str(problem).split())
    results_log = item.config.stash[LOG_KEY]
    results_log.add(
        provider=_provider_of(item.config, path),
        model=None,
        check=INPUT_CHECK,
        verdict=GAP,
        origin="cassette",
        label=str(path),
        reason=problem,
        test_id=item.nodeid,
        findings=[Finding(INPUT_CHECK, "warning", GAP_KIND, message=problem)],
    )
    _told(item, GAP)
    pytest.fail(f"cannot be read: {problem}", pytrace=False)


def _provider_of(config, path) -> str:
    """The provider a cassette's folder names (cassettes/<provider>/...), else `unknown`."""
    from pathlib import Path

    from chatconform.pytest_plugin._keys import STATE_KEY

    state = config.stash[STATE_KEY]
    try:
        first = Path(path).relative_to(state.cassettes).parts[0]
    except (ValueError, IndexError):
        return "unknown"
    return first if first in state.data else "unknown"


def _settings(request):
    """This test's settings, resolved as the chatconform_settings fixture does (a function-scoped fixture
    would cost each of a catalog's thousands of replay tests a setup and an Allure container file)."""
    from chatconform.model.errors import UsageError
    from chatconform.pytest_plugin._settings import resolve

    try:
        return resolve(request.node, request.getfixturevalue("chatconform_config"))
    except UsageError as err:
        pytest.fail(str(err), pytrace=False)


@pytest.mark.live
def live(chatconform_settings, results_log, cc_mode, request):
    """One live scenario sent to one target, judged by the spec and every claim that applies (a row each)."""
    from chatconform.live.budget import Ledger
    from chatconform.pytest_plugin._fixtures import judging
    from chatconform.pytest_plugin._keys import STATE_KEY

    target, scenario = request.node.payload
    state, run = request.config.stash[STATE_KEY], judging(request.config)
    ledger = Ledger(state.reports / ".budget.json", chatconform_settings.budget_usd)
    outcome = _send(target, scenario, ledger, cc_mode, _policy(request.config), state)
    results_log.spend.update(ledger.snapshot())
    down = not outcome.not_run and outcome.result.outcome == "provider-unavailable"
    unanswered = outcome.not_run or (outcome.result.detail if down else None)
    if unanswered:
        verdict = "not-run" if outcome.not_run else "unavailable"
        _annotate_unjudged(target, scenario, verdict, unanswered, state.key_envs)
        acknowledged = None if outcome.not_run else _acknowledged(state.data, target, "live." + scenario.id)
        results_log.add(
            provider=target.provider,
            model=target.model,
            check="live." + scenario.id,
            verdict=verdict,
            origin="live",
            label=f"{target.id}/{scenario.id}",
            findings=[],
            reason=unanswered,
            test_id=request.node.nodeid,
            acknowledged=acknowledged,
        )
        _told(request.node, verdict)
        if outcome.not_run:
            pytest.skip(unanswered)
        unjudged(request, UNAVAILABLE, acknowledged)
        announce(request.config, unanswered)  # the cause at once, not only at the end or in results.json
        pytest.skip(f"unavailable: {unanswered} ({_describe(target, state.data)})")
    _judge_live(outcome.result.exchange, target, scenario, run, results_log, request)


def _policy(config):
    """How live calls are made: the default retries, with --deadline as each attempt's whole time."""
    from chatconform.live.client import RetryPolicy

    deadline = config.getoption("deadline", None)
    return RetryPolicy(deadline=deadline) if deadline else RetryPolicy()


def _send(target, scenario, ledger, mode, policy, state):
    """Run the scenario; in record mode its exchange is saved as a cassette with its provenance."""
    from chatconform.live.calls import run
    from chatconform.model.paths import inside, safe_name
    from chatconform.recording.recorder import Scrubber, provenance, use_cassette

    if mode != "record":
        return run(target, scenario, ledger, policy, data=state.data)
    cassette = inside(
        state.cassettes,
        safe_name(target.provider),
        safe_name(target.model.split("/")[-1]),
        f"{safe_name(scenario.id)}.yaml",
    )
    prov = provenance("live", target.provider, target.model, scenario=scenario.id, **scenario.provenance)
    with use_cassette(cassette, "record", prov, Scrubber(key_envs=state.key_envs)):
        return run(target, scenario, ledger, policy, data=state.data)


def _judge_live(ex, target, scenario, run, results_log, request):
    """One row per check (the same rows a replay of this exchange gives); fail, strict xfail or pass."""
    from chatconform.judging.judge import judge
    from chatconform.judging.route import judging_spec
    from chatconform.pytest_plugin._exit import regressions_folder
    from chatconform.recording.recorder import save_regression
    from chatconform.reporting.allure_attach import annotate

    judgement = judge(ex, run)
    spec = judging_spec(ex, run)
    for row in judgement.rows.values():
        results_log.add_row(ex, row, test_id=f"{request.node.nodeid}::{row.check}", spec=spec)
        _told(request.node, row.verdict)
    annotate(
        ex,
        "live." + scenario.id,
        judgement.findings,
        spec,
        rows=list(judgement.rows.values()),
        key_envs=results_log.key_envs,
    )
    for row in judgement.rows.values():
        request.node.ihook.pytest_chatconform_exchange(item=request.node, exchange=ex, row=row)
    failed = [
        f
        for row in judgement.rows.values()
        if row.verdict == FAIL
        for f in row.findings
        if f.severity == "violation"
    ]
    if failed:
        saved = save_regression(ex, regressions_folder(request.config), failed[0].check)
        pytest.fail(
            f"{len(failed)} violation(s) from {_describe(target, run.data)}; saved {saved}:\n"
            + "\n".join(f"  {f.check} {f.at}: {f.message}" for f in failed),
            pytrace=False,
        )
    known = judgement.known()
    if known:  # only declared deviations failed: strict, so one that goes away fails the run
        request.applymarker(pytest.mark.xfail(strict=True, reason="; ".join(r.reason for r in known)))
        pytest.fail("known deviation(s): " + ", ".join(r.check for r in known), pytrace=False)
    gaps = [row for row in judgement.rows.values() if row.verdict == GAP and row.acknowledged is None]
    if gaps:  # an answer that could not be judged is never a passed test
        unjudged(request, GAP, None)
        pytest.skip(f"cannot be judged ({_describe(target, run.data)}): {gaps[0].check}: {gaps[0].reason}")


def _acknowledged(data, target, check: str):
    return data.acknowledgement_for(target.provider, check, target.model, target.origin)


def _annotate_unjudged(target, scenario, verdict, reason, key_envs):
    """A live test that got no answer, placed in Allure's tree and explained all the same."""
    from chatconform.reporting.allure_attach import annotate_unjudged

    annotate_unjudged(target.provider, target.model, "live." + scenario.id, verdict, reason, key_envs)


def _describe(target, data) -> str:
    from chatconform.live.targets import describe

    return describe(target, data)


def docs_conflict(results_log, request):
    """A disagreement between a provider's own documents: reported to reviewers, never silently resolved."""
    from chatconform.model.finding import Finding
    from chatconform.reporting.allure_attach import annotate_conflict

    conflict = request.node.payload
    annotate_conflict(conflict, results_log.key_envs)
    sides = " vs ".join(f'{s.source} says "{s.says}"' for s in conflict.sides)
    finding = Finding(
        f"docs-conflict.{conflict.id}",
        "warning",
        "docs-conflict",
        message=f"{conflict.subject}: {sides}; {conflict.consequence}",
        source=conflict.sides[0].source,
        says=conflict.sides[0].says,
        extra=conflict.to_dict(),
    )
    results_log.add(
        provider=conflict.provider,
        model=None,
        check=f"docs-conflict.{conflict.id}",
        verdict="conflict",
        origin="docs",
        label=conflict.subject,
        findings=[finding],
        test_id=request.node.nodeid,
    )
    _told(request.node, "conflict")
    if len(conflict.sides) < 2 or not all(side.says for side in conflict.sides):
        pytest.fail(f"docs conflict {conflict.id} needs two sides, each quoting its document", pytrace=False)
    # the documents disagree, not any caller's code: the warning names this line, as it always has
    warnings.warn(DocsConflict(finding.message), stacklevel=1)
