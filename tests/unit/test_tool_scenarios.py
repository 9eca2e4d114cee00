"""The shipped tool-call scenarios: versioned data, rendered by each dialect into a request its pinned
contract accepts, read with one-line errors, and measured by functions a probe can reuse."""

import json

import pytest

from chatconform.dialects import load_dialects
from chatconform.judging.judge import judge
from chatconform.judging.toolcalls import load_scenarios, matches, outcome, tool_scenarios
from chatconform.judging.toolcalls.scenarios import DATA
from chatconform.model.exchange import Exchange, Request
from chatconform.model.inputs import InputError
from tests.builders import run_of
from tests.tool_builders import answer, exchange

SHIPPED = tool_scenarios()
URLS = {
    "openai-chat": "https://api.openai.com/v1/chat/completions",
    "anthropic-messages": "https://api.anthropic.com/v1/messages",
    "openai-responses": "https://api.openai.com/v1/responses",
}
RENDERED = [
    (d, s, stream)
    for d in load_dialects().values()
    for s in SHIPPED
    for stream in (False, True)
    if d.tool_request(s, "m") is not None and (s.stream or not stream)
]


def request_findings(dialect_name: str, body: dict, store) -> list:
    """What the dialect's pinned request schema says about a body (sent to the dialect's own host)."""
    model = "claude-3-5-sonnet-latest" if dialect_name == "anthropic-messages" else "gpt-4o"
    ex = Exchange(
        Request(
            "POST",
            URLS[dialect_name],
            {"content-type": "application/json"},
            json.dumps({**body, "model": model}).encode(),
        ),
        None,
        model=model,
    )
    return [f for f in judge(ex, run_of(store), only="schema").findings if f.check.startswith("request")]


def test_the_shipped_set_is_versioned_and_holds_about_fifty_scenarios_of_every_kind():
    assert SHIPPED.version >= 1 and len(SHIPPED) >= 50
    assert {s.choice for s in SHIPPED} == {"auto", "none", "required", "named"}
    assert any(s.single for s in SHIPPED) and any(s.expect.min_calls >= 2 for s in SHIPPED)
    assert any(t.strict for s in SHIPPED for t in s.tools)
    assert any(
        not t.parameters.get("properties") for s in SHIPPED for t in s.tools
    )  # a tool without arguments
    assert any(m.role == "tool" for s in SHIPPED for m in s.messages)  # a conversation with earlier results
    assert len({s.id for s in SHIPPED}) == len(SHIPPED)


@pytest.mark.parametrize(
    ("dialect", "scenario", "stream"),
    RENDERED,
    ids=[f"{d.name}-{s.id}{'-stream' if st else ''}" for d, s, st in RENDERED],
)
def test_every_scenario_renders_to_a_request_its_dialects_pinned_contract_accepts(
    dialect, scenario, stream, store
):
    body = dialect.tool_request(scenario, "m", stream)
    assert request_findings(dialect.name, body, store) == []
    assert set(dialect.offered_tools(body)) == {t.name for t in scenario.tools}
    choice = dialect.tool_choice(body)
    assert (choice.mode, choice.name, choice.single) == (
        scenario.choice,
        scenario.choice_name,
        scenario.single,
    )
    assert dialect.strict_tools(body) == (
        {t.name for t in scenario.tools}
        if scenario.tools[0].strict and dialect.name != "anthropic-messages"
        else set()
    )


def test_the_request_check_would_catch_a_rendering_that_broke_the_contract(store):
    chat = load_dialects()["openai-chat"]
    body = chat.tool_request(SHIPPED.get("weather-city"), "m")
    body["tool_choice"] = "whenever"
    assert request_findings("openai-chat", body, store)
    messages = load_dialects()["anthropic-messages"]
    body = messages.tool_request(SHIPPED.get("weather-city"), "m")
    body["tools"][0]["parameters"] = body["tools"][0].pop(
        "input_schema"
    )  # chat's word in Anthropic's request
    assert request_findings("anthropic-messages", body, store)


def test_anthropic_does_not_send_what_its_pinned_contract_cannot_say():
    messages = load_dialects()["anthropic-messages"]
    declined = {s.id for s in SHIPPED if messages.tool_request(s, "m") is None}
    assert declined == {s.id for s in SHIPPED if s.choice == "none"} and declined


def test_a_conversation_keeps_its_calls_and_results_in_each_dialect():
    scenario = SHIPPED.get("after-two-results")
    chat, messages, responses = (load_dialects()[n].tool_request(scenario, "m") for n in URLS)
    assert [m["role"] for m in chat["messages"]] == ["user", "assistant", "tool", "tool"]
    assert [m["role"] for m in messages["messages"]] == ["user", "assistant", "user"]
    assert [b["tool_use_id"] for b in messages["messages"][2]["content"]] == ["call_p", "call_l"]
    assert [i.get("type", "message") for i in responses["input"]] == [
        "message",
        "function_call",
        "function_call",
        "function_call_output",
        "function_call_output",
    ]


BAD = {
    "unknown tool": ('tools = ["nope"]', "tool 'nope' is not in [tools]"),
    "an expected tool not offered": (
        'expect = { tools = ["other"] }',
        "'other' is not one of the scenario's tools",
    ),
    "a result of a call never made": (
        'messages = [{ role = "user", content = "x" }, { role = "tool", call_id = "c9", content = "r" }]',
        "answers call 'c9', which no earlier turn made",
    ),
    "a misspelt key": ('tool_chioce = "none"', 'scenario["s1"]: Additional properties'),
    "a bad choice": ('tool_choice = "sometimes"', 'scenario["s1"].tool_choice'),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_scenario_file_is_one_line_naming_the_scenario_and_the_key(case, tmp_path):
    line, said = BAD[case]
    base = {"tools": '["f"]', "messages": '[{ role = "user", content = "x" }]'}
    key = line.split(" =")[0]
    fields = "\n".join(f"{k} = {v}" for k, v in base.items() if k != key)
    path = tmp_path / "s.toml"
    path.write_text(
        f'version = 1\n[tools.f]\ndescription = "f"\n[tools.other]\ndescription = "o"\n'
        f'[[scenario]]\nid = "s1"\nabout = "a"\n{fields}\n{line}\n'
    )
    with pytest.raises(InputError) as err:
        load_scenarios(path)
    assert said in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)


def test_a_scenario_declared_twice_is_refused(tmp_path):
    text = DATA.read_text()
    first = text.index("[[scenario]]")
    path = tmp_path / "twice.toml"
    path.write_text(text + "\n" + text[first : text.index("[[scenario]]", first + 1)])
    with pytest.raises(InputError, match="declared twice"):
        load_scenarios(path)


@pytest.mark.parametrize(
    ("value", "wanted", "ok"),
    [
        ("Paris, France", "paris", True),
        ("Lyon", "Paris", False),
        (21, 21, True),
        (21.0, 21, True),
        (True, 1, False),
        (["a@x", "b@x"], ["b@x"], True),
        ([{"name": "Ana", "email": "a@x"}], [{"name": "ana"}], True),
        ({"date": "2025-05-02"}, {"date": "2025-05-02", "time": "10:00"}, False),
        ("21", 21, False),
    ],
)
def test_argument_values_match_as_the_scenario_file_says(value, wanted, ok):
    assert matches(value, wanted) is ok


def test_the_measures_are_plain_data_a_probe_can_count(store):
    scenario = SHIPPED.get("choose-time-over-weather")
    body = load_dialects()["openai-responses"].tool_request(scenario, "m")
    wrong = outcome(
        exchange("responses", body, answer("responses", [("get_weather", '{"city": "Berlin"}')])), scenario
    )
    assert wrong.calls and wrong.scenario.expect.call == "must"
    assert {m.rule for m in wrong.misses} == {
        "tool"
    }  # the wrong tool; its arguments are not judged as time's
    right = outcome(
        exchange("responses", body, answer("responses", [("get_time", '{"timezone": "Europe/Berlin"}')])),
        scenario,
    )
    assert right.misses == () and right.calls[0].fits
