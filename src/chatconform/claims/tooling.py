"""Tool calls in every dialect: the tool called is one that was offered, and its input fits that tool's schema."""

from __future__ import annotations

import json

import jsonschema_rs

from chatconform.claims._context import Context
from chatconform.findings import Finding, excerpt, json_path, shorten

_COMPILED: dict[str, object] = {}  # a tool schema's JSON -> its validator (or the error it gave), per process
MAX_COMPILED = 512


def tool_input_problems(ctx: Context):
    """Findings for each tool call whose name was not offered or whose input breaks the offered schema."""
    offered = ctx.dialect.offered_tools(ctx.sent)
    for output in ctx.answer.outputs:
        for call in output.tool_calls:
            if call.name not in offered:
                yield Finding.at_path(f"{call.at}.name", f"the tool {call.name!r} was never offered",
                                      received=excerpt(call.name), expected=f"one of {excerpt(sorted(offered))}")
                continue
            yield from _input_findings(call, offered[call.name])


def _input_findings(call, schema: dict):
    try:
        value = json.loads(call.arguments or "{}")
    except ValueError:
        yield Finding.at_path(f"{call.at}.input", "the tool input is not JSON", received=excerpt(call.arguments),
                              expected="a JSON object")
        return
    validator = _validator(schema)
    if validator is None:
        return  # a tool schema that is not valid JSON Schema is the request's problem, judged by its spec
    for error in list(validator.iter_errors(value))[:5]:
        yield Finding.at_path(f"{call.at}.input{json_path(error.instance_path)[1:]}",
                              f"the tool input breaks the offered schema: {shorten(error.message, error.instance)}",
                              received=excerpt(error.instance))


def _validator(schema: dict):
    key = json.dumps(schema, sort_keys=True, default=str)
    if key not in _COMPILED:
        try:
            compiled = jsonschema_rs.Draft202012Validator(schema, validate_formats=False, offline=True)
        except (ValueError, jsonschema_rs.ValidationError, TypeError):
            compiled = None
        if len(_COMPILED) < MAX_COMPILED:
            _COMPILED[key] = compiled
        return compiled
    return _COMPILED[key]
