"""The requests the self-test sends in the dialects beyond chat, and how one is sent to the reference server.

Chat's scenarios are the live catalog's (chatconform.live.scenarios); these are Anthropic Messages and OpenAI
Responses requests, sent to the generic contract (whose paths imply their contract) with each dialect's own
path and auth, so every fault of every dialect has a request that shows it and a clean answer to compare.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from chatconform.dialects import dialect_named
from chatconform.live.client import CallResult, RetryPolicy, call
from chatconform.providers import GENERIC

HELLO = [{"role": "user", "content": "Say hello in five words."}]
WEATHER = "What is the weather in Paris? Use the tool."
CITY = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
MESSAGES, RESPONSES = "anthropic-messages", "openai-responses"


@dataclass(frozen=True)
class DialectScenario:
    """One request of one dialect: its body (the model is added), the path if not the dialect's first."""

    id: str
    dialect: str
    model: str
    body: dict = field(default_factory=dict)
    path: str | None = None
    negative: bool = False

    def url(self, base: str) -> str:
        return base.rstrip("/") + (self.path or dialect_named(self.dialect).facts.paths[0])


def _messages(id: str, path: str | None = None, negative: bool = False, **body) -> DialectScenario:
    return DialectScenario(id, MESSAGES, "claude-reference", {"messages": HELLO, **body}, path, negative)


def _responses(id: str, negative: bool = False, **body) -> DialectScenario:
    return DialectScenario(
        id, RESPONSES, "reference-responses", {"input": HELLO[0]["content"], **body}, negative=negative
    )


DIALECT_SCENARIOS = [
    _messages("messages-basic", max_tokens=64),
    _messages("messages-capped", max_tokens=8, temperature=0.2),
    _messages("messages-stop", max_tokens=64, stop_sequences=["END"]),
    _messages("messages-stream", max_tokens=64, stream=True),
    _messages("messages-stream-stop", max_tokens=64, stop_sequences=["END"], stream=True),
    _messages(
        "messages-tools",
        max_tokens=64,
        messages=[{"role": "user", "content": WEATHER}],
        tools=[{"name": "get_weather", "description": "Weather in a city", "input_schema": CITY}],
        tool_choice={"type": "any"},
    ),
    _messages(
        "messages-tools-stream",
        max_tokens=64,
        messages=[{"role": "user", "content": WEATHER}],
        tools=[{"name": "get_weather", "description": "Weather in a city", "input_schema": CITY}],
        tool_choice={"type": "any"},
        stream=True,
    ),
    _messages("messages-invalid", negative=True, max_tokens=8, temperature=1.5),
    _messages("messages-count-tokens", path="/v1/messages/count_tokens"),
    _responses("responses-basic", max_output_tokens=64),
    _responses("responses-capped", max_output_tokens=16),
    _responses("responses-stream", max_output_tokens=64, stream=True),
    _responses("responses-stream-capped", max_output_tokens=16, stream=True),
    _responses(
        "responses-tools",
        input=WEATHER,
        tool_choice="required",
        tools=[
            {
                "type": "function",
                "name": "get_weather",
                "description": "Weather in a city",
                "parameters": CITY,
                "strict": False,
            }
        ],
    ),
    _responses("responses-invalid", negative=True, temperature=3),
]
BY_ID = {s.id: s for s in DIALECT_SCENARIOS}


def send(server, scenario: DialectScenario, policy: RetryPolicy, headers: dict | None = None) -> CallResult:
    """One scenario sent to the reference provider's generic contract, with the dialect's auth."""
    dialect = dialect_named(scenario.dialect)
    url = scenario.url(server.base_url(GENERIC, scenario.dialect))
    sent = {"content-type": "application/json", **dialect.auth_headers(server.key), **(headers or {})}
    body = json.dumps({"model": scenario.model, **scenario.body}).encode()
    return call(
        "POST",
        url,
        sent,
        body,
        policy=policy,
        origin="reference",
        provider=GENERIC,
        model=scenario.model,
        label=f"{GENERIC}-{scenario.model}/{scenario.id}",
    )
