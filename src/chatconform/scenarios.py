"""The live catalog: few requests, each serving every claim it can (the default probe runs once per model)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

HELLO = [{"role": "user", "content": "Say hello in five words."}]
JSON_ASK = [{"role": "system", "content": "Respond in JSON."}, {"role": "user", "content": "Name a colour."}]
TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
                                          "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                                         "required": ["city"]}}}


@dataclass(frozen=True)
class Scenario:
    """One request shape: what it sends and which providers and endpoints it is for."""

    id: str
    extra: dict = field(default_factory=dict)
    endpoint: str = "chat"  # chat | messages | count_tokens | models
    providers: tuple[str, ...] = ("*",)
    negative: bool = False
    messages: list = field(default_factory=lambda: HELLO)
    note: str = ""

    def body(self, model: str) -> dict | None:
        """The request body for a model (None for a GET)."""
        if self.endpoint == "models":
            return None
        return {"model": model, "messages": self.messages, **self.extra}

    def for_provider(self, provider: str) -> bool:
        return "*" in self.providers or provider in self.providers


SCENARIOS = [
    Scenario("basic", note="only model and messages: the minimal request and the default-limit probe"),
    Scenario("capped", {"max_tokens": 16, "temperature": 0.2}),
    Scenario("completion-capped", {"max_completion_tokens": 16}, providers=("aimlapi", "openai-compatible")),
    Scenario("tiny", {"max_tokens": 4}, note="a limit a reasoning model spends on thought"),
    Scenario("stop", {"max_tokens": 64, "stop": ["END", "\n\n\n"]}),
    Scenario("n2", {"n": 2, "max_tokens": 16}),
    Scenario("json", {"response_format": {"type": "json_object"}, "max_tokens": 64}, messages=JSON_ASK),
    Scenario("tools", {"tools": [TOOL], "tool_choice": "required", "max_tokens": 64},
             messages=[{"role": "user", "content": "What is the weather in Paris? Use the tool."}]),
    Scenario("stream", {"stream": True, "stream_options": {"include_usage": True}, "max_tokens": 32}),
    Scenario("invalid-temperature", {"temperature": 3, "max_tokens": 8}, negative=True),
    Scenario("invalid-stop", {"stop": ["a", "b", "c", "d", "e"], "max_tokens": 8}, negative=True),
    Scenario("invalid-max-tokens", {"max_tokens": 0}, negative=True),
    Scenario("messages", {"max_tokens": 32}, endpoint="messages", providers=("modelslab",)),
    Scenario("count-tokens", endpoint="count_tokens", providers=("modelslab",)),
    Scenario("models", endpoint="models", providers=("modelslab",)),
]
# Only for the self-test and fuzzing (it exists to show a planted bug that needs n >= 3).
N3 = Scenario("n3", {"n": 3, "max_tokens": 8})
BY_ID = {s.id: s for s in [*SCENARIOS, N3]}
