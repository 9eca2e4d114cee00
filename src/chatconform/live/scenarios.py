"""The live catalog: few requests, each serving every claim it can (the default probe runs once per model).

Which providers a scenario is for comes from the data: an endpoint scenario goes to the providers that
declare that endpoint, a scenario sending an optional field to those whose published request schema lists it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chatconform.judging.run import RunContext
from chatconform.model.errors import ChatconformError
from chatconform.model.pointer import property_names
from chatconform.providers import GENERIC

if TYPE_CHECKING:
    from chatconform.judging.toolcalls.scenarios import ToolScenario

HELLO = [{"role": "user", "content": "Say hello in five words."}]
JSON_ASK = [{"role": "system", "content": "Respond in JSON."}, {"role": "user", "content": "Name a colour."}]
WEATHER = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Weather in a city", "parameters": WEATHER},
}
MESSAGES_TOOL = {"name": "get_weather", "description": "Weather in a city", "input_schema": WEATHER}
RESPONSES_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather in a city",
    "parameters": WEATHER,
    "strict": False,
}  # FunctionTool requires `strict` (and the reference echoes the tool back)


@dataclass(frozen=True)
class Scenario:
    """One request shape: what it sends, to which endpoint, and the request fields a provider must
    document."""

    id: str
    extra: dict = field(default_factory=dict)
    endpoint: str = (
        "chat"  # chat, or the name of an endpoint the provider data declares (messages, models...)
    )
    needs: tuple[str, ...] = ()  # request fields the provider's spec must list for the scenario to be sent
    negative: bool = False
    messages: list = field(default_factory=lambda: HELLO)
    note: str = ""
    provenance: dict = field(default_factory=dict)  # what the exchange records about where it came from

    def body(self, model: str) -> dict | None:
        """The request body for a model (None for a GET); a Responses call sends `input`, not `messages`."""
        if self.endpoint == "models":
            return None
        if self.endpoint == "responses":
            return {"model": model, "input": self.messages, **self.extra}
        return {"model": model, "messages": self.messages, **self.extra}

    def for_provider(self, provider: str, run: RunContext) -> bool:
        """True when the provider's data (the run's) declares the endpoint and its spec lists every field
        needed."""
        profile = run.data.get(provider)
        if self.endpoint != "chat" and (profile is None or self.endpoint not in profile.extra_endpoints):
            return False
        listed = run.once(("documented fields", provider), lambda: documented_fields(provider, run))
        return not self.needs or listed is None or set(self.needs) <= listed


def documented_fields(provider: str, run: RunContext) -> frozenset[str] | None:
    """Top-level chat request fields the provider's specs list (with none of its own: the generic contract's).

    None when no spec can be read: nothing narrows the catalog then.
    """
    try:
        store = run.store
        for name in dict.fromkeys((provider, GENERIC)):
            profile = run.data.get(name)
            found = [store.catalog.spec_for(name, m) for m in (*(profile.models if profile else ()), None)]
            sources = list(dict.fromkeys(s for s in found if s is not None))  # the listed models' specs
            if sources and profile:
                return frozenset().union(
                    *(_request_fields(store.load(s), profile.chat_path) for s in sources)
                )
    except (ChatconformError, KeyError):  # a spec that cannot be read is reported where it is judged
        pass
    return None


def _request_fields(spec, chat_path: str) -> frozenset[str]:
    """The property names of a spec's chat request schema, through $refs and allOf (OpenAI's composes it)."""
    op = spec.find_operation("post", chat_path)
    return property_names(spec.doc, op.request_schema) if op and op.request_schema else frozenset()


SCENARIOS = [
    Scenario("basic", note="only model and messages: the minimal request and the default-limit probe"),
    Scenario("capped", {"max_tokens": 16, "temperature": 0.2}),
    Scenario("completion-capped", {"max_completion_tokens": 16}, needs=("max_completion_tokens",)),
    Scenario("tiny", {"max_tokens": 4}, note="a limit a reasoning model spends on thought"),
    Scenario("stop", {"max_tokens": 64, "stop": ["END", "\n\n\n"]}),
    Scenario("n2", {"n": 2, "max_tokens": 16}),
    Scenario("json", {"response_format": {"type": "json_object"}, "max_tokens": 64}, messages=JSON_ASK),
    Scenario(
        "tools",
        {"tools": [TOOL], "tool_choice": "required", "max_tokens": 64},
        messages=[{"role": "user", "content": "What is the weather in Paris? Use the tool."}],
    ),
    Scenario("stream", {"stream": True, "stream_options": {"include_usage": True}, "max_tokens": 32}),
    Scenario("invalid-temperature", {"temperature": 3, "max_tokens": 8}, negative=True),
    Scenario("invalid-stop", {"stop": ["a", "b", "c", "d", "e"], "max_tokens": 8}, negative=True),
    Scenario("invalid-max-tokens", {"max_tokens": 0}, negative=True),
    Scenario("messages", {"max_tokens": 32}, endpoint="messages"),
    Scenario("messages-stream", {"max_tokens": 32, "stream": True}, endpoint="messages"),
    Scenario(
        "messages-stop",
        {"max_tokens": 64, "stop_sequences": ["END"]},
        endpoint="messages",
        messages=[{"role": "user", "content": "Count from one to ten in words, then write END."}],
    ),
    Scenario(
        "messages-tools",
        {"max_tokens": 128, "tools": [MESSAGES_TOOL], "tool_choice": {"type": "any"}},
        endpoint="messages",
        messages=[{"role": "user", "content": "What is the weather in Paris?"}],
    ),
    Scenario(
        "messages-invalid-temperature",
        {"max_tokens": 8, "temperature": 1.5},
        endpoint="messages",
        negative=True,
        note="Anthropic's temperature ranges from 0.0 to 1.0",
    ),
    Scenario("messages-no-max-tokens", endpoint="messages", negative=True, note="max_tokens is required"),
    Scenario("responses", {"max_output_tokens": 32}, endpoint="responses"),
    Scenario("responses-stream", {"max_output_tokens": 32, "stream": True}, endpoint="responses"),
    Scenario(
        "responses-tools",
        {"max_output_tokens": 128, "tools": [RESPONSES_TOOL], "tool_choice": "required"},
        endpoint="responses",
        messages=[{"role": "user", "content": "What is the weather in Paris?"}],
    ),
    Scenario("count-tokens", endpoint="count_tokens"),
    Scenario("models", endpoint="models"),
]
# Only for the self-test and fuzzing (it exists to show a planted bug that needs n >= 3).
N3 = Scenario("n3", {"n": 3, "max_tokens": 8})
# Only for the self-test: a streamed tool call, for the faults that break how its pieces assemble.
TOOLS_STREAM = Scenario(
    "tools-stream",
    {
        "tools": [TOOL],
        "tool_choice": "required",
        "max_tokens": 64,
        "stream": True,
        "stream_options": {"include_usage": True},
    },
    messages=[{"role": "user", "content": "What is the weather in Paris? Use the tool."}],
)


@dataclass(frozen=True)
class ToolCallScenario(Scenario):
    """A shipped tool-call scenario as one dialect's request (streamed or not), to the endpoint serving it."""

    tool: ToolScenario | None = None  # (None only as the dataclass's default: tool_calls() gives one)
    dialect: str = "openai-chat"
    stream: bool = False

    def body(self, model: str) -> dict | None:
        from chatconform.dialects import dialect_named

        assert self.tool is not None  # every ToolCallScenario is made by tool_calls(), with its scenario
        return dialect_named(self.dialect).tool_request(self.tool, model, self.stream)


DIALECT_ENDPOINTS = {"openai-chat": "chat", "anthropic-messages": "messages", "openai-responses": "responses"}


def tool_calls(wanted: str = "all") -> list[ToolCallScenario]:
    """The shipped tool-call scenarios (`all`, or ids separated by commas) in each dialect that can say them,
    whole and (where a scenario asks) streamed; each goes to the endpoint a provider declares for it."""
    from chatconform.dialects import load_dialects
    from chatconform.judging.toolcalls import SCENARIO_KEY, VERSION_KEY, tool_scenarios

    shipped = tool_scenarios()
    ids = list(shipped.scenarios) if wanted == "all" else [i.strip() for i in wanted.split(",") if i.strip()]
    unknown = [i for i in ids if shipped.get(i) is None]
    if unknown:
        raise ChatconformError(
            f"Unknown tool scenario {unknown[0]!r}. Known: {', '.join(shipped.scenarios)}."
        )
    out = []
    for scenario in (shipped.scenarios[i] for i in ids):  # every id is known (checked above)
        for name, dialect in load_dialects().items():
            for stream in (False, True) if scenario.stream else (False,):
                if dialect.tool_request(scenario, "m", stream) is None:
                    continue  # the dialect's contract cannot say it (Anthropic: tool_choice none)
                short = DIALECT_ENDPOINTS[name]
                out.append(
                    ToolCallScenario(
                        f"tools-{scenario.id}-{short}{'-stream' if stream else ''}",
                        endpoint=short,
                        tool=scenario,
                        dialect=name,
                        stream=stream,
                        note=scenario.about,
                        provenance={SCENARIO_KEY: scenario.id, VERSION_KEY: shipped.version, "dialect": name},
                    )
                )
    return out


BY_ID = {s.id: s for s in [*SCENARIOS, N3, TOOLS_STREAM]}
