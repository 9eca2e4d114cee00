"""Tool calls in every dialect (chat `tool_calls`, Anthropic `tool_use`, Responses `function_call`): the tool
called was offered, its arguments fit the offered schema, tool_choice was honoured, streamed pieces assemble
into distinct calls, and a shipped scenario's expectations held.

The measures are chatconform.judging.toolcalls' (plain data, reused by the behavioural probes); each claim
quotes the exchange's own dialect (dialect.toml [quotes]), and where a dialect words a rule two ways (OpenAI's
`strict`), the variant's words and severity.
"""

from __future__ import annotations

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._predicates import ANSWERED, event_stream, needs, within
from chatconform.judging.claims._registry import claim
from chatconform.judging.toolcalls import DATA as SCENARIOS_FILE
from chatconform.judging.toolcalls import (
    SCENARIO_KEY,
    Breach,
    checked_calls,
    choice_breaches,
    named_scenario,
    outcome,
    stream_breaches,
)
from chatconform.model.errors import ChatconformError
from chatconform.model.finding import GAP_KIND, Finding
from chatconform.model.pointer import property_names

QUOTED = "quoted by each dialect (dialect.toml)"
SCENARIO_SOURCE = f"src/chatconform/data/{SCENARIOS_FILE.name}"


def words(ctx: Context, claim_id: str, variant: str | None = None) -> dict:
    """The dialect's words for a claim (says, source, severity), a variant's where it has its own."""
    assert ctx.dialect is not None  # asked by tool claims, which apply in a known dialect only
    quotes = ctx.dialect.facts.data.get("quotes", {}).get(claim_id, {})
    own = quotes.get(variant) if variant else None
    return own if isinstance(own, dict) else quotes


def _finding(breach: Breach, check: str, said: dict, severity: str | None = None) -> Finding:
    return Finding.at_path(
        breach.at,
        breach.message,
        check=check,
        received=breach.received,
        expected=breach.expected,
        says=said.get("says"),
        source=said.get("source"),
        severity=severity or said.get("severity"),
    )


@needs(ANSWERED)  # Context.answer: None unless a 2xx
def _calls_a_tool(ctx: Context) -> bool:
    return ctx.answer is not None and any(o.tool_calls for o in ctx.answer.outputs)


@claim(
    id="tools.called_offered",
    says="(each dialect's words for the tools offered)",
    source=QUOTED,
    applies_to=_calls_a_tool,
    quoted_by_dialect=True,
)
def the_tool_called_is_one_that_was_offered(ctx: Context):
    """Each tool call names a tool the request offered."""
    assert ctx.dialect is not None  # applies_to: a tool call in a known dialect
    offered = sorted(ctx.dialect.offered_tools(ctx.sent))
    for check in checked_calls(ctx.ex):
        if not check.offered:
            yield Finding.at_path(
                f"{check.call.at}.name",
                f"the tool {check.call.name!r} was never offered",
                received=repr(check.call.name),
                expected=f"one of {offered}",
            )


@claim(
    id="tools.arguments_match_schema",
    says="(each dialect's words for the tool's schema)",
    source=QUOTED,
    applies_to=_calls_a_tool,
    quoted_by_dialect=True,
)
def arguments_fit_the_offered_tools_schema(ctx: Context):
    """The input of each call of an offered tool is valid against that tool's JSON Schema (arguments that are
    not JSON at all are each dialect's own JSON claim's); severity as the dialect words it, strict or not. The
    last call of an answer cut at its token limit may be incomplete: info."""
    for check in checked_calls(ctx.ex):
        said = words(ctx, "tools.arguments_match_schema", "strict" if check.strict else None)
        for breach in check.breaches:
            if check.cut:  # the limit stopped the model in the middle of this call
                yield _finding(
                    Breach(
                        breach.at,
                        breach.message + " (the answer stopped at its token limit in this "
                        "call: its input may be incomplete, not judged)",
                        breach.received,
                    ),
                    "",
                    said,
                    "info",
                )
            else:
                yield _finding(breach, "", said)


@needs(ANSWERED)  # Context.answer: None unless a 2xx
def _choice_applies(ctx: Context) -> bool:
    if ctx.answer is None or ctx.dialect is None:
        return False
    choice = ctx.dialect.tool_choice(ctx.sent)
    return choice is not None and (choice.mode != "auto" or choice.single) and _documents_tool_choice(ctx)


def _documents_tool_choice(ctx: Context) -> bool:
    """False when the spec judging the exchange documents its request without tool_choice (ModelsLab's
    /v1/messages lists no tools at all): a provider is not held to a parameter it does not document."""
    return ctx.once("documents tool_choice", _lists_tool_choice)


def _lists_tool_choice(ctx: Context) -> bool:
    from chatconform.judging.route import route  # judging sits above the claims it runs

    try:
        way = route(ctx.ex, ctx.run)
        spec = ctx.store.load(way.source) if way.source is not None else None
        op = spec.find_operation(ctx.ex.request.method, ctx.ex.request.path) if spec else None
        return (
            spec is None  # (then op is None too)
            or op is None
            or not op.request_schema
            or "tool_choice" in property_names(spec.doc, op.request_schema)
        )
    except ChatconformError:
        return True  # a spec that cannot be read is reported where it is judged; nothing says otherwise


@claim(
    id="tools.choice_honoured",
    says="(each dialect's words for tool_choice)",
    source=QUOTED,
    applies_to=_choice_applies,
    quoted_by_dialect=True,
)
def tool_choice_is_honoured(ctx: Context):
    """tool_choice none: no call; required (Anthropic `any`): a call; a named tool: calls of it only; parallel
    calls off: at most one. A missing call in an answer cut at its token limit is info, not a breach.

    Findings are named by the rule (tools.choice_honoured.none / .required / .named / .single), so a known
    deviation can be declared for one rule."""
    for breach in choice_breaches(ctx.ex):
        check = f"tools.choice_honoured.{breach.rule}"
        said = words(ctx, "tools.choice_honoured", breach.rule)
        if breach.excused:
            excused = Breach(
                breach.at,
                breach.message + " (the answer stopped at its token limit: not judged)",
                breach.received,
                breach.expected,
            )
            yield _finding(excused, check, said, "info")
        else:
            yield _finding(breach, check, said)


@within(event_stream)
def _streams_tool_calls(ctx: Context) -> bool:
    return event_stream(ctx) and ctx.dialect is not None and bool(ctx.dialect.tool_deltas(ctx.ex))


@claim(
    id="tools.streamed_calls_assemble",
    says="(each dialect's words for streamed tool calls)",
    source=QUOTED,
    applies_to=_streams_tool_calls,
    quoted_by_dialect=True,
)
def streamed_tool_calls_assemble_into_distinct_calls(ctx: Context):
    """Streamed pieces assemble into distinct calls: each opens with its id and name, later pieces add
    arguments only (another id or name there is a second call merged in), indexes in order, ids unique, a
    final summary equal to its pieces, and the answer holding the calls streamed."""
    for breach in stream_breaches(ctx.ex):
        yield _finding(breach, "", {})


@needs(ANSWERED)
def _sent_for_a_scenario(ctx: Context) -> bool:
    return SCENARIO_KEY in ctx.ex.provenance and ctx.ex.ok


@claim(
    id="tools.scenario_expected",
    severity="warning",
    source=SCENARIO_SOURCE,
    says="(each scenario's own expectation: which tool must or must not be called, with which values)",
    applies_to=_sent_for_a_scenario,
)
def the_scenarios_expectations_hold(ctx: Context):
    """The answer does what the shipped scenario it was sent for expects (a call or none, which tools,
    argument values, how many calls). Under tool_choice auto it is the model's judgement: a miss is a
    warning."""
    scenario, why = named_scenario(ctx.ex)
    if scenario is None:
        yield Finding("tools.scenario_expected", "warning", GAP_KIND, message=why)
        return
    found = outcome(ctx.ex, scenario)
    says = f"scenario {scenario.id} (version {scenario.version}): {scenario.about}"
    for miss in found.misses if found else ():
        yield _finding(miss, "", {"says": says, "source": f"{SCENARIO_SOURCE}#{scenario.id}"})
