"""Tool-call measures over an exchange, in every dialect: plain data the claims turn into findings and the
behavioural probes count (how many calls named an offered tool, fitted its schema, honoured tool_choice...).

Each reads the exchange through its dialect's shared reading (Dialect.answer, offered_tools, tool_choice,
tool_deltas), so one measure serves chat `tool_calls`, Anthropic `tool_use` and Responses `function_call`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import jsonschema_rs

from chatconform.dialects import ToolCall
from chatconform.judging.toolcalls._breach import Breach
from chatconform.model.exchange import Exchange, view
from chatconform.model.finding import excerpt, json_path, shorten

NOT_PARSED = object()
_COMPILED: dict[
    str, object
] = {}  # a tool schema's JSON -> its validator (None: not a valid schema), per process
MAX_COMPILED = 512
MAX_ERRORS = 5


@dataclass(frozen=True)
class CallCheck:
    """One tool call of an answer against what the request offered."""

    call: ToolCall
    offered: bool
    strict: bool
    parsed: object = NOT_PARSED
    breaches: tuple[Breach, ...] = ()  # the input against the offered tool's schema
    cut: bool = False  # the last call of an output cut at its token limit: its input may be incomplete

    @property
    def parses(self) -> bool:
        return self.parsed is not NOT_PARSED

    @property
    def fits(self) -> bool:
        """Offered, JSON, and valid against the offered schema."""
        return self.offered and self.parses and not self.breaches


def dialect_of(ex: Exchange):
    """The exchange's dialect (judging decides it: the provider's data, else the path)."""
    from chatconform.judging.route import dialect_of as decide

    return decide(ex)


def answer_of(ex: Exchange):
    """The successful answer in shared terms, or None."""
    dialect = dialect_of(ex)
    return dialect.answer(ex) if dialect is not None else None


def calls_of(ex: Exchange) -> list[ToolCall]:
    """Every tool call of every output of the answer ([] when there is no answer)."""
    answer = answer_of(ex)
    return [call for output in answer.outputs for call in output.tool_calls] if answer else []


@view
def checked_calls(ex: Exchange) -> list[CallCheck]:
    """Each tool call of the answer: was its tool offered, do its arguments parse and fit the offered
    schema."""
    dialect, answer = dialect_of(ex), answer_of(ex)
    if dialect is None or answer is None:
        return []
    offered, strict = dialect.offered_tools(ex.request_json), dialect.strict_tools(ex.request_json)
    last = {o.tool_calls[-1].at for o in answer.outputs if o.tool_calls and cut_at_limit(ex, o)}
    return [_check(call, offered, strict, call.at in last) for call in calls_of(ex)]


def _check(call: ToolCall, offered: dict, strict: frozenset, cut: bool) -> CallCheck:
    if call.name not in offered:
        return CallCheck(call, offered=False, strict=False, cut=cut)
    try:
        parsed = json.loads(call.arguments or "{}")
    except ValueError:
        return CallCheck(call, offered=True, strict=call.name in strict, cut=cut)
    return CallCheck(
        call, True, call.name in strict, parsed, tuple(schema_breaches(call, offered[call.name], parsed)), cut
    )


def schema_breaches(call: ToolCall, schema: dict, value) -> list[Breach]:
    """Where an input breaks a tool's JSON Schema (a schema that is not valid JSON Schema judges nothing)."""
    validator = _validator(schema)
    if validator is None:
        return []  # the request's problem, judged by its spec
    return [
        Breach(
            f"{call.at}.input{json_path(error.instance_path)[1:]}",
            f"the input breaks the offered schema: {shorten(error.message, error.instance)}",
            received=excerpt(error.instance),
        )
        for error in list(validator.iter_errors(value))[:MAX_ERRORS]
    ]


def _validator(schema: dict):
    key = json.dumps(schema, sort_keys=True, default=str)
    if key in _COMPILED:
        return _COMPILED[key]
    try:
        compiled = jsonschema_rs.Draft202012Validator(schema, validate_formats=False, offline=True)
    except (ValueError, jsonschema_rs.ValidationError, TypeError):
        compiled = None
    if len(_COMPILED) < MAX_COMPILED:
        _COMPILED[key] = compiled
    return compiled


def cut_at_limit(ex: Exchange, output) -> bool:
    """True when an output stopped at its token limit (its stop reason, or usage that reached the limit
    sent)."""
    if output.stop == "length":
        return True
    dialect, answer = dialect_of(ex), answer_of(ex)
    sent = dialect.limit_sent(ex.request_json) if dialect else None
    used = answer.usage.output if answer and answer.usage else None
    return sent is not None and used is not None and used >= sent[1]


def choice_breaches(ex: Exchange) -> list[Breach]:
    """How the answer departs from the tool_choice (and parallel setting) the request sent.

    none: no call; required: at least one; named: calls of that tool only, at least one; single: at most one.
    A missing call in an answer cut at its token limit is excused (it might have come after the limit).
    """
    dialect, answer = dialect_of(ex), answer_of(ex)
    choice = dialect.tool_choice(ex.request_json) if dialect and answer else None
    if choice is None:
        return []
    out = []
    for output in answer.outputs:
        calls, at = output.tool_calls, output.stop_at
        names = [c.name for c in calls]
        if choice.mode == "none" and calls:
            out.append(
                Breach(
                    calls[0].at,
                    f"tool_choice none, yet {len(calls)} tool call(s)",
                    received=excerpt(names),
                    expected="no tool call",
                    rule="none",
                )
            )
        elif choice.mode in ("required", "named") and not calls:
            wanted = f"a call of {choice.name!r}" if choice.name else "at least one tool call"
            out.append(
                Breach(
                    at,
                    f"tool_choice {_said(choice)}, yet no tool call",
                    received="no tool call",
                    expected=wanted,
                    rule=choice.mode,
                    excused=cut_at_limit(ex, output),
                )
            )
        elif choice.mode == "named" and any(n != choice.name for n in names):
            other = next(c for c in calls if c.name != choice.name)
            out.append(
                Breach(
                    f"{other.at}.name",
                    f"tool_choice names {choice.name!r}, yet {other.name!r} was called",
                    received=excerpt(other.name),
                    expected=excerpt(choice.name),
                    rule="named",
                )
            )
        if choice.single and len(calls) > 1:
            out.append(
                Breach(
                    calls[1].at,
                    f"parallel calls turned off, yet {len(calls)} calls",
                    received=str(len(calls)),
                    expected="at most 1",
                    rule="single",
                )
            )
    return out


def _said(choice) -> str:
    return f"names {choice.name!r}" if choice.mode == "named" else choice.mode


def stream_breaches(ex: Exchange) -> list[Breach]:
    """How the streamed pieces of tool calls fail to assemble into distinct calls, each with one id.

    A call opens with its id and name; later pieces add arguments only (another id or a name there is a second
    call merged into the first); pieces go to calls that opened; calls of one output open at indexes 0, 1,
    2...; no two calls share an id; a closing summary (Responses' output_item.done) agrees with its pieces;
    and the calls the stream assembles to are those the answer holds.
    """
    dialect = dialect_of(ex)
    pieces = dialect.tool_deltas(ex) if dialect is not None else []
    if not pieces:
        return []
    from chatconform.judging.toolcalls._assembly import Assembly

    walk = Assembly()
    for piece in pieces:
        walk.step(piece)
    answer = answer_of(ex)
    return walk.end([call for output in answer.outputs for call in output.tool_calls] if answer else None)
