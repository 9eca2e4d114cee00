"""What a scenario expects of an answer, measured: a call or none, which tools, which argument values, how
many.

An exchange names its scenario in its provenance (`tool_scenario`, `tool_scenarios_version`): a cassette
recorded from the shipped set, or a live call the catalog sent. The outcome is data (the calls, each miss), so
a probe can count trigger agreement and argument accuracy over many exchanges.
"""

from __future__ import annotations

from dataclasses import dataclass

from chatconform.judging.toolcalls.measure import Breach, CallCheck, answer_of, checked_calls, cut_at_limit
from chatconform.judging.toolcalls.scenarios import ToolScenario, matches, tool_scenarios
from chatconform.model.exchange import Exchange
from chatconform.model.finding import excerpt

SCENARIO_KEY, VERSION_KEY = "tool_scenario", "tool_scenarios_version"


@dataclass(frozen=True)
class Outcome:
    """What one answer did with one scenario."""

    scenario: ToolScenario
    calls: tuple[CallCheck, ...]
    misses: tuple[Breach, ...]


def named_scenario(ex: Exchange) -> tuple[ToolScenario | None, str]:
    """(the scenario an exchange was sent for, "" or why it cannot be judged by the shipped set)."""
    wanted = ex.provenance.get(SCENARIO_KEY)
    if not isinstance(wanted, str):
        return None, ""
    shipped = tool_scenarios()
    scenario = shipped.get(wanted)
    if scenario is None:
        return None, f"the shipped tool scenarios (version {shipped.version}) have no scenario {wanted!r}"
    version = ex.provenance.get(VERSION_KEY)
    if version != shipped.version:
        return None, (
            f"recorded with version {version} of the tool scenarios, which are at version "
            f"{shipped.version} now: record it again"
        )
    return scenario, ""


def outcome(ex: Exchange, scenario: ToolScenario) -> Outcome | None:
    """How the answer fared against the scenario's expectations (None when there is no answer)."""
    answer = answer_of(ex)
    if answer is None:
        return None
    checks = tuple(checked_calls(ex))
    misses: list[Breach] = []
    for output in answer.outputs:
        mine = tuple(c for c in checks if c.call in output.tool_calls)
        misses += _misses(scenario, mine, output.stop_at, cut_at_limit(ex, output))
    return Outcome(scenario, checks, tuple(misses))


def _misses(scenario: ToolScenario, calls: tuple[CallCheck, ...], at: str, cut: bool) -> list[Breach]:
    expect, names = scenario.expect, [c.call.name for c in calls]
    out = []
    if expect.call == "must" and not calls:
        why = " (the answer was cut at its token limit)" if cut else ""
        out.append(
            Breach(
                at,
                f"no tool call, where the scenario expects one{why}",
                received="no tool call",
                expected=f"a call of {' or '.join(expect.tools) or 'a tool'}",
                rule="call",
            )
        )
    if expect.call == "must_not" and calls:
        out.append(
            Breach(
                calls[0].call.at,
                "a tool call, where the scenario expects an answer without one",
                received=excerpt(names),
                expected="no tool call",
                rule="call",
            )
        )
    for check in calls:
        name = check.call.name
        if (expect.tools and name not in expect.tools) or name in expect.not_tools:
            out.append(
                Breach(
                    f"{check.call.at}.name",
                    f"{name!r} was called, where the scenario expects "
                    f"{' or '.join(expect.tools) or 'no call of it'}",
                    received=excerpt(name),
                    expected=excerpt(list(expect.tools)),
                    rule="tool",
                )
            )
    if len(calls) < expect.min_calls or (expect.max_calls is not None and len(calls) > expect.max_calls):
        bound = f">= {expect.min_calls}" if len(calls) < expect.min_calls else f"<= {expect.max_calls}"
        out.append(
            Breach(
                at,
                f"{len(calls)} tool call(s), where the scenario expects {bound}",
                received=str(len(calls)),
                expected=bound,
                rule="count",
            )
        )
    return out + _argument_misses(expect, calls)


def _argument_misses(expect, calls: tuple[CallCheck, ...]) -> list[Breach]:
    """The expected argument values no call of the expected tools carries (one miss per value)."""
    wanted = expect.arguments
    candidates = [c for c in calls if c.parses and (not expect.tools or c.call.name in expect.tools)]
    if not wanted or not candidates:
        return []  # no call at all is a miss of its own, said once above
    best = max(candidates, key=lambda c: sum(_carries(c, k, v) for k, v in wanted.items()))
    return [
        Breach(
            f"{best.call.at}.input.{key}",
            f"the call's {key!r} is not what the scenario expects",
            received=excerpt(best.parsed.get(key) if isinstance(best.parsed, dict) else None),
            expected=excerpt(value),
            rule="argument",
        )
        for key, value in wanted.items()
        if not _carries(best, key, value)
    ]


def _carries(check: CallCheck, key: str, value) -> bool:
    parsed = check.parsed
    return isinstance(parsed, dict) and key in parsed and matches(parsed[key], value)
