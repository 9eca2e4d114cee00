"""Tool-call scenarios as data: tools, a conversation, a tool_choice and what must hold of the answer.

The shipped set is chatconform/data/tool_scenarios.toml (versioned); its shape is tool_scenarios.schema.json.
A scenario names no dialect: each dialect renders it into its own request (Dialect.tool_request). A problem
in the file is one line naming the file, the scenario and the key, never a traceback.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator

from chatconform.model.inputs import InputError, read_text

DATA = Path(str(resources.files("chatconform").joinpath("data", "tool_scenarios.toml")))
SCHEMA = DATA.with_name("tool_scenarios.schema.json")
MODES = ("auto", "none", "required", "named")


@dataclass(frozen=True)
class Tool:
    """A function tool: its name, what it does, the JSON Schema of its input, and strict adherence asked."""

    name: str
    description: str
    parameters: dict
    strict: bool = False


@dataclass(frozen=True)
class Call:
    """A call the assistant made earlier in the conversation (its arguments as an object)."""

    id: str
    name: str
    arguments: dict


@dataclass(frozen=True)
class Message:
    """One turn: system, user, assistant (text or calls) or tool (the result of the call `call_id`)."""

    role: str
    content: str = ""
    calls: tuple[Call, ...] = ()
    call_id: str = ""


@dataclass(frozen=True)
class Expect:
    """What must hold of the answer: a call or none, which tools, which argument values, how many calls."""

    call: str = "may"  # must, must_not, may
    tools: tuple[str, ...] = ()  # every call names one of these (when there are calls)
    not_tools: tuple[str, ...] = ()  # no call names one of these
    arguments: dict = field(default_factory=dict)  # values some call of `tools` must carry (see matches())
    min_calls: int = 0
    max_calls: int | None = None


@dataclass(frozen=True)
class ToolScenario:
    """One scenario of the shipped set, dialect-neutral."""

    id: str
    about: str
    tools: tuple[Tool, ...]
    messages: tuple[Message, ...]
    expect: Expect
    choice: str = "auto"  # one of MODES
    choice_name: str | None = None  # the tool a named choice forces
    single: bool = False  # parallel calls turned off
    max_tokens: int = 100
    stream: bool = False  # recorded streamed too
    version: int = 0

    @property
    def system(self) -> str | None:
        """The system prompt (the first message when it is a system message)."""
        first = self.messages[0] if self.messages else None
        return first.content if first and first.role == "system" else None

    @property
    def turns(self) -> tuple[Message, ...]:
        """The conversation without its system prompt."""
        return self.messages[1:] if self.system is not None else self.messages


@dataclass(frozen=True)
class ScenarioSet:
    """The scenarios of one file, by id, with the file's version."""

    version: int
    scenarios: dict

    def __iter__(self):
        return iter(self.scenarios.values())

    def __len__(self) -> int:
        return len(self.scenarios)

    def get(self, scenario_id: str) -> ToolScenario | None:
        return self.scenarios.get(scenario_id)


@lru_cache(maxsize=1)
def tool_scenarios() -> ScenarioSet:
    """The shipped scenario set (read and checked once)."""
    return parse(DATA.read_text("utf-8"), f"chatconform/data/{DATA.name}")


def load_scenarios(path: Path) -> ScenarioSet:
    """A scenario set from a file of the shipped set's shape (one line for any problem)."""
    return parse(read_text(path, "tool scenarios"), str(path))


def parse(text: str, where: str) -> ScenarioSet:
    """A scenario set from TOML text; `where` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{where}: not TOML ({err})") from None
    error = next(iter(sorted(_validator().iter_errors(data), key=lambda e: len(e.absolute_path))), None)
    if error is not None:
        raise InputError(f"{where}: {_place(data, list(error.absolute_path))}: {error.message[:160]}")
    tools = {
        name: Tool(name, t["description"], t.get("parameters") or {"type": "object", "properties": {}})
        for name, t in data["tools"].items()
    }
    found: dict[str, ToolScenario] = {}
    for raw in data["scenario"]:
        if raw["id"] in found:
            raise InputError(f"{where}: scenario {raw['id']!r} is declared twice")
        found[raw["id"]] = _scenario(raw, tools, data["version"], f"{where}: scenario {raw['id']!r}")
    return ScenarioSet(data["version"], found)


def _scenario(raw: dict, tools: dict, version: int, where: str) -> ToolScenario:
    unknown = [n for n in raw["tools"] if n not in tools]
    if unknown:
        raise InputError(
            f"{where}: tool {unknown[0]!r} is not in [tools] (known: {', '.join(sorted(tools))})"
        )
    strict = raw.get("strict", False)
    offered = tuple(
        Tool(t.name, t.description, t.parameters, strict) for t in (tools[n] for n in raw["tools"])
    )
    choice = raw.get("tool_choice", "auto")
    mode, name = (choice, None) if isinstance(choice, str) else ("named", choice["name"])
    expect = raw.get("expect", {})
    named = [*expect.get("tools", []), *expect.get("not_tools", []), *([name] if name else [])]
    stray = [n for n in named if n not in raw["tools"]]
    if stray:
        raise InputError(f"{where}: {stray[0]!r} is not one of the scenario's tools")
    messages = tuple(_message(m) for m in raw["messages"])
    _check_conversation(messages, where)
    return ToolScenario(
        id=raw["id"],
        about=raw["about"],
        tools=offered,
        messages=messages,
        choice=mode,
        choice_name=name,
        single=raw.get("single", False),
        max_tokens=raw.get("max_tokens", 100),
        stream=raw.get("stream", False),
        version=version,
        expect=Expect(
            call=expect.get("call", "may"),
            tools=tuple(expect.get("tools", ())),
            not_tools=tuple(expect.get("not_tools", ())),
            arguments=dict(expect.get("arguments", {})),
            min_calls=expect.get("min_calls", 0),
            max_calls=expect.get("max_calls"),
        ),
    )


def _message(raw: dict) -> Message:
    calls = tuple(Call(c["id"], c["name"], dict(c.get("arguments", {}))) for c in raw.get("calls", []))
    return Message(raw["role"], raw.get("content", ""), calls, raw.get("call_id", ""))


def _check_conversation(messages: tuple[Message, ...], where: str) -> None:
    """A tool result answers a call made before it; the conversation ends with the user's turn or a result."""
    made: set[str] = set()
    for n, message in enumerate(messages):
        made |= {c.id for c in message.calls}
        if message.role == "tool" and message.call_id not in made:
            raise InputError(
                f"{where}: messages[{n}] answers call {message.call_id!r}, which no earlier turn made"
            )
        if message.role == "system" and n:
            raise InputError(f"{where}: messages[{n}]: a system message may only come first")
    if messages[-1].role not in ("user", "tool"):
        raise InputError(
            f"{where}: the last message must be the user's (or a tool result) for the model to answer"
        )


def _place(data, path: list) -> str:
    """The key path of an error, naming a scenario by its id rather than its position."""
    out, node = "", data
    for part in path:
        label = f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
        if (
            isinstance(part, int)
            and isinstance(node, list)
            and isinstance(node[part], dict)
            and "id" in node[part]
        ):
            label = f"[{json.dumps(node[part]['id'])}]"
        out += label
        node = node[part] if isinstance(node, (dict, list)) else None
    return out or "(top level)"


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text("utf-8")))


def matches(value, wanted) -> bool:
    """True when an argument value carries what a scenario expects.

    A string is found case-insensitively inside the value ("Paris" in "Paris, France"); a number or a boolean
    must be equal; a list's every item must match some item of the value; an object's every key must match.
    """
    if isinstance(wanted, bool) or isinstance(value, bool):
        return value is wanted
    if isinstance(wanted, str):
        return isinstance(value, str) and wanted.casefold() in value.casefold()
    if isinstance(wanted, (int, float)):
        return isinstance(value, (int, float)) and value == wanted
    if isinstance(wanted, list):
        return isinstance(value, list) and all(any(matches(v, w) for v in value) for w in wanted)
    if isinstance(wanted, dict):
        return isinstance(value, dict) and all(k in value and matches(value[k], w) for k, w in wanted.items())
    return value == wanted
