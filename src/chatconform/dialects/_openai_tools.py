"""What OpenAI's two dialects (chat completions, Responses) share about tools: tool_choice is a mode word or
an object naming one function, and `parallel_tool_calls: false` turns parallel calls off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chatconform.dialects._base import ToolChoice

MODES = ("auto", "none", "required")


def choice(body: dict[str, Any], named: Callable[[dict[str, Any]], object]) -> ToolChoice | None:
    """The tool_choice in shared terms; `named` reads the function's name from the dialect's object form."""
    single = body.get("parallel_tool_calls") is False
    value = body.get("tool_choice", "auto")
    if isinstance(value, str):
        return ToolChoice(value, single=single) if value in MODES else None
    name = named(value) if isinstance(value, dict) and value.get("type") == "function" else None
    # allowed_tools, custom and hosted tools: not judged here
    return ToolChoice("named", name, single=single) if isinstance(name, str) else None
