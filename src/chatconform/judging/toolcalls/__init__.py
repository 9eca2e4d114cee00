"""Tool calls across dialects: the shipped scenarios (data) and the measures the claims and probes share."""

from chatconform.judging.toolcalls.expectations import (
    SCENARIO_KEY,
    VERSION_KEY,
    Outcome,
    named_scenario,
    outcome,
)
from chatconform.judging.toolcalls.measure import (
    Breach,
    CallCheck,
    calls_of,
    checked_calls,
    choice_breaches,
    cut_at_limit,
    stream_breaches,
)
from chatconform.judging.toolcalls.scenarios import (
    DATA,
    Call,
    Expect,
    Message,
    ScenarioSet,
    Tool,
    ToolScenario,
    load_scenarios,
    matches,
    tool_scenarios,
)

__all__ = [
    "DATA",
    "SCENARIO_KEY",
    "VERSION_KEY",
    "Breach",
    "Call",
    "CallCheck",
    "Expect",
    "Message",
    "Outcome",
    "ScenarioSet",
    "Tool",
    "ToolScenario",
    "calls_of",
    "checked_calls",
    "choice_breaches",
    "cut_at_limit",
    "load_scenarios",
    "matches",
    "named_scenario",
    "outcome",
    "stream_breaches",
    "tool_scenarios",
]
