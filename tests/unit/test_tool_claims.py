"""The tool-call claims, in every dialect: each stays quiet on a conforming exchange and catches its breach.

Every case is one hand-built exchange per dialect (tests/tool_builders.py), so a rule that holds in one
dialect and not in another shows here.
"""

import json

import pytest

from chatconform.judging.judge import judge
from chatconform.judging.toolcalls import SCENARIO_KEY, VERSION_KEY, checked_calls, tool_scenarios
from tests.builders import default_data, run_of
from tests.tool_builders import DIALECTS, STREAMS, answer, chat_chunk, exchange, request

PARIS = ("get_weather", '{"city": "Paris"}')
TOKYO = ("get_time", '{"timezone": "Asia/Tokyo"}')


def found(ex, store, claim: str) -> list[tuple[str, str]]:
    """(check, severity) of each finding the claim reports."""
    row = judge(ex, run_of(store), only=claim).rows.get(claim)
    assert row is not None, f"{claim} does not apply to this exchange"
    return [(f.check, f.severity) for f in row.findings]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_call_of_a_tool_never_offered_is_a_violation(dialect, store):
    assert (
        found(exchange(dialect, request(dialect), answer(dialect, [PARIS])), store, "tools.called_offered")
        == []
    )
    wrong = exchange(dialect, request(dialect), answer(dialect, [("get_wether", '{"city": "Paris"}')]))
    assert found(wrong, store, "tools.called_offered") == [("tools.called_offered", "violation")]


# The dialect's own words decide the severity: OpenAI says a model "may hallucinate parameters" unless
# `strict` asks for adherence; Anthropic's input_schema is the shape "that the model will produce".
SCHEMA_SEVERITY = [
    ("chat", False, "warning"),
    ("chat", True, "violation"),
    ("messages", False, "violation"),
    ("responses", False, "warning"),
    ("responses", True, "violation"),
]


@pytest.mark.parametrize(("dialect", "strict", "severity"), SCHEMA_SEVERITY)
def test_arguments_off_the_offered_schema_are_reported_with_the_dialects_severity(
    dialect, strict, severity, store
):
    body = request(dialect, strict=strict)
    good = exchange(dialect, body, answer(dialect, [("get_weather", '{"city": "Paris", "unit": "celsius"}')]))
    assert found(good, store, "tools.arguments_match_schema") == []
    bad = exchange(dialect, body, answer(dialect, [("get_weather", '{"town": "Paris", "unit": "kelvin"}')]))
    findings = judge(bad, run_of(store), only="tools.arguments_match_schema").findings
    assert {(f.check, f.severity) for f in findings} == {("tools.arguments_match_schema", severity)}
    assert {f.at.rsplit(".", 1)[-1] for f in findings} == {
        "input",
        "unit",
    }  # city missing; kelvin not an enum
    assert all(f.says and f.source.startswith("specs/") for f in findings)


def test_arguments_that_are_not_json_are_left_to_the_dialects_json_claim(store):
    ex = exchange("chat", request("chat"), answer("chat", [("get_weather", "{city: Paris")]))
    assert found(ex, store, "tools.arguments_match_schema") == []
    assert found(ex, store, "tools.arguments_are_json") == [("tools.arguments_are_json", "warning")]
    assert checked_calls(ex)[0].offered and not checked_calls(ex)[0].parses


CHOICES = [  # (dialect, choice, single, calls, the check that must catch it)
    ("chat", "none", False, [PARIS], "tools.choice_honoured.none"),
    ("responses", "none", False, [PARIS], "tools.choice_honoured.none"),
    ("chat", "required", False, [], "tools.choice_honoured.required"),
    ("messages", "required", False, [], "tools.choice_honoured.required"),
    ("responses", "required", False, [], "tools.choice_honoured.required"),
    ("chat", "get_time", False, [PARIS], "tools.choice_honoured.named"),
    ("messages", "get_time", False, [PARIS], "tools.choice_honoured.named"),
    ("responses", "get_time", False, [PARIS], "tools.choice_honoured.named"),
    ("chat", "get_time", False, [], "tools.choice_honoured.named"),
    ("chat", None, True, [PARIS, TOKYO], "tools.choice_honoured.single"),
    ("messages", None, True, [PARIS, TOKYO], "tools.choice_honoured.single"),
    ("responses", None, True, [PARIS, TOKYO], "tools.choice_honoured.single"),
]


@pytest.mark.parametrize(
    ("dialect", "choice", "single", "calls", "check"),
    CHOICES,
    ids=[f"{c[0]}-{c[4].rsplit('.', 1)[1]}-{len(c[3])}-calls" for c in CHOICES],
)
def test_tool_choice_breaches_are_violations_named_by_their_rule(
    dialect, choice, single, calls, check, store
):
    body = request(dialect, choice, single)
    assert found(
        exchange(dialect, body, answer(dialect, calls, text="Sunny.")), store, "tools.choice_honoured"
    ) == [(check, "violation")]


HONOURED = [
    ("chat", "none", False, []),
    ("responses", "none", False, []),
    ("chat", "required", False, [PARIS]),
    ("messages", "required", False, [TOKYO]),
    ("responses", "required", False, [PARIS, TOKYO]),
    ("chat", "get_time", False, [TOKYO]),
    ("messages", "get_time", False, [TOKYO]),
    ("responses", "get_time", False, [TOKYO]),
    ("chat", None, True, [PARIS]),
    ("messages", None, True, []),
]


@pytest.mark.parametrize(("dialect", "choice", "single", "calls"), HONOURED)
def test_an_honoured_tool_choice_gives_no_finding(dialect, choice, single, calls, store):
    ex = exchange(
        dialect, request(dialect, choice, single), answer(dialect, calls, text=None if calls else "Hi.")
    )
    assert found(ex, store, "tools.choice_honoured") == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_required_call_missing_from_an_answer_cut_at_its_limit_is_info_not_a_breach(dialect, store):
    body = request(dialect, "required", limit=10)
    cut = exchange(dialect, body, answer(dialect, [], text="Let me think", stopped="length", used=10))
    assert found(cut, store, "tools.choice_honoured") == [("tools.choice_honoured.required", "info")]
    # the limit reached without the stop reason saying so (a server that answers `completed` at the limit)
    quiet = exchange(dialect, body, answer(dialect, [], text="Let me think", used=10))
    assert found(quiet, store, "tools.choice_honoured") == [("tools.choice_honoured.required", "info")]


def test_auto_with_parallel_calls_allowed_is_not_judged_by_the_choice_claim(store):
    ex = exchange("chat", request("chat", "auto"), answer("chat", [PARIS, TOKYO]))
    assert "tools.choice_honoured" not in judge(ex, run_of(store)).rows


# ---- streamed calls ----


@pytest.mark.parametrize("dialect", DIALECTS)
def test_conventional_streams_of_two_calls_assemble(dialect, store):
    ex = exchange(dialect, request(dialect, stream=True), STREAMS[dialect]([PARIS, TOKYO]))
    assert found(ex, store, "tools.streamed_calls_assemble") == []
    assert [c.call.name for c in checked_calls(ex)] == ["get_weather", "get_time"]


def _chat_edit(edit):
    events = STREAMS["chat"]([PARIS, TOKYO])
    edit(events)
    return exchange("chat", request("chat", stream=True), events)


def _set_call(events, position, **fields):
    events[position]["choices"][0]["delta"]["tool_calls"][0].update(fields)


CHAT_BREAKS = {
    "second-call-merged-into-index-0": lambda ev: [_set_call(ev, i, index=0) for i in (3, 4, 5)],
    "call-opens-without-id": lambda ev: _set_call(ev, 0, id=None),
    "index-skips-one": lambda ev: [_set_call(ev, i, index=2) for i in (3, 4, 5)],
    "name-sent-again": lambda ev: ev[1]["choices"][0]["delta"]["tool_calls"][0].update(
        function={
            "name": "get_weather",
            "arguments": ev[1]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"],
        }
    ),
    "two-calls-share-an-id": lambda ev: _set_call(ev, 3, id="call_0"),
}


@pytest.mark.parametrize("edit", list(CHAT_BREAKS), ids=list(CHAT_BREAKS))
def test_chat_stream_pieces_that_do_not_assemble_into_distinct_calls_are_caught(edit, store):
    assert found(_chat_edit(CHAT_BREAKS[edit]), store, "tools.streamed_calls_assemble") == [
        ("tools.streamed_calls_assemble", "violation")
    ]


def test_anthropic_tool_use_blocks_need_an_id_each_and_distinct_ids(store):
    events = STREAMS["messages"]([PARIS, TOKYO])
    events[1]["content_block"]["id"] = ""
    ex = exchange("messages", request("messages", stream=True), events)
    assert found(ex, store, "tools.streamed_calls_assemble") == [
        ("tools.streamed_calls_assemble", "violation")
    ]
    events = STREAMS["messages"]([PARIS, TOKYO])
    events[5]["content_block"]["id"] = "toolu_0"
    ex = exchange("messages", request("messages", stream=True), events)
    assert found(ex, store, "tools.streamed_calls_assemble") == [
        ("tools.streamed_calls_assemble", "violation")
    ]


def _responses_edit(edit):
    events = STREAMS["responses"]([PARIS, TOKYO])
    edit(events)
    return exchange("responses", request("responses", stream=True), events)


def test_each_stream_rule_is_named_on_its_own():
    """The walk itself (the claim above also compares the stream with the answer, which catches some
    twice)."""
    from chatconform.dialects import ToolDelta
    from chatconform.judging.toolcalls._assembly import Assembly

    walk = Assembly()
    walk.step(ToolDelta((0, 1), "open", "$events[0]", id="call_b", name="get_time"))
    walk.step(ToolDelta((0, 0), "open", "$events[1]", id="call_a", name="get_weather"))
    walk.step(ToolDelta((0, 0), "piece", "$events[2]", name="get_weather", arguments="{}"))
    walk.step(ToolDelta(7, "piece", "$events[3]", arguments="{}"))
    walk.step(ToolDelta(3, "open", "$events[4]", id="call_c", name="f", item="fc_c"))
    walk.step(ToolDelta(3, "close", "$events[5]", id="call_c", name="f", arguments="{}", item="fc_c"))
    assert [b.rule for b in walk.end(None)] == ["index", "index", "name", "orphan"]
    walk = Assembly()
    walk.step(ToolDelta(3, "open", "$events[0]", id="call_c", name="f", item="fc_c"))
    walk.step(ToolDelta(3, "piece", "$events[1]", arguments='{"a": 1}', item="fc_c"))
    walk.step(ToolDelta(3, "close", "$events[2]", id="call_c", name="f", arguments="{}", item="fc_c"))
    assert [b.rule for b in walk.end(None)] == ["pieces"]


RESPONSES_BREAKS = {
    "delta-of-another-item": lambda ev: ev[2].update(item_id="fc_1"),
    "call-id-changes-at-done": lambda ev: ev[5]["item"].update(call_id="call_9"),
    "final-response-lost-the-arguments": lambda ev: ev[-1]["response"]["output"][1].update(arguments="{}"),
    "final-response-lost-a-call": lambda ev: ev[-1]["response"]["output"].pop(),
}


@pytest.mark.parametrize("edit", list(RESPONSES_BREAKS), ids=list(RESPONSES_BREAKS))
def test_responses_stream_pieces_that_do_not_assemble_are_caught(edit, store):
    assert found(_responses_edit(RESPONSES_BREAKS[edit]), store, "tools.streamed_calls_assemble") == [
        ("tools.streamed_calls_assemble", "violation")
    ]


def test_a_stream_without_tool_calls_is_not_judged_for_them(store):
    body = request("chat", stream=True)
    ex = exchange("chat", body, [chat_chunk(), chat_chunk(finish="stop")])
    assert "tools.streamed_calls_assemble" not in judge(ex, run_of(store)).rows


# ---- a shipped scenario's expectations ----


def scenario_exchange(dialect: str, calls, scenario_id="weather-city", version=None, text=None):
    scenario = tool_scenarios().get(scenario_id)
    from chatconform.dialects import load_dialects

    name = {"chat": "openai-chat", "messages": "anthropic-messages", "responses": "openai-responses"}[dialect]
    body = load_dialects()[name].tool_request(scenario, "m")
    provenance = {
        SCENARIO_KEY: scenario_id,
        VERSION_KEY: tool_scenarios().version if version is None else version,
    }
    return exchange(dialect, body, answer(dialect, calls, text=text), provenance)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_scenario_s_expectations_are_judged_and_a_miss_is_a_warning(dialect, store):
    claim = "tools.scenario_expected"
    assert found(scenario_exchange(dialect, [PARIS]), store, claim) == []
    london = scenario_exchange(dialect, [("get_weather", '{"city": "London"}')])
    assert found(london, store, claim) == [(claim, "warning")]
    prose = scenario_exchange(dialect, [], text="It is sunny in Paris.")
    assert found(prose, store, claim) == [(claim, "warning")]
    [miss] = judge(prose, run_of(store), only=claim).findings
    assert (
        miss.says.startswith("scenario weather-city (version")
        and "tool_scenarios.toml#weather-city" in miss.source
    )


def test_a_scenario_recorded_with_another_version_is_a_gap_not_a_verdict(store):
    ex = scenario_exchange("chat", [PARIS], version=0)
    [finding] = judge(ex, run_of(store), only="tools.scenario_expected").findings
    assert finding.kind == "gap" and "record it again" in finding.message
    assert judge(ex, run_of(store), only="tools.scenario_expected").verdict == "gap"


def test_parallel_and_argument_expectations(store):
    both = scenario_exchange("chat", [PARIS, ("get_weather", '{"city": "London"}')], "parallel-two-cities")
    assert found(both, store, "tools.scenario_expected") == []
    one = scenario_exchange("chat", [PARIS], "parallel-two-cities")
    [miss] = judge(one, run_of(store), only="tools.scenario_expected").findings
    assert miss.expected == ">= 2"
    nested = scenario_exchange(
        "responses",
        [
            (
                "create_event",
                json.dumps(
                    {
                        "title": "Design review",
                        "start": "2025-03-14T15:00",
                        "attendees": [{"name": "Ana"}, {"name": "Bo"}],
                    }
                ),
            )
        ],
        "event-nested-array",
    )
    assert found(nested, store, "tools.scenario_expected") == []


# ---- real traffic: quiet on the providers' own tool calls, and each edited deviation caught ----

CORPUS = __import__("pathlib").Path(__file__).resolve().parents[2].parent / "shared" / "realtraffic"
REAL = [
    ("otel-contrib", "test_chat_completion_multiple_tools_streaming_no_content"),
    ("llm-anthropic", "test_fixed_version_tool_chain_regression"),
    ("llm-openai-responses", "test_tools"),
]


def real(corpus: str, stem: str):
    from chatconform.recording.cassettes import load_cassette

    path = CORPUS / corpus / f"{stem}.yaml"
    if not path.is_file():
        pytest.skip(f"the real-traffic corpus is not at {CORPUS} (CI keeps shared/ beside)")
    return load_cassette(path, default_data()).exchanges[0]


def edited(ex, old: bytes, new: bytes, count: int = -1):
    import dataclasses

    from chatconform.model.exchange import Response

    assert old in ex.response.body
    body = ex.response.body.replace(old, new, count)
    return dataclasses.replace(ex, response=Response(ex.response.status, dict(ex.response.headers), body))


@pytest.mark.parametrize(("corpus", "stem"), REAL, ids=[c for c, _ in REAL])
def test_real_tool_calls_streamed_by_the_providers_themselves_raise_nothing(corpus, stem, store):
    ex = real(corpus, stem)
    rows = judge(ex, run_of(store)).rows
    assert {"tools.called_offered", "tools.arguments_match_schema", "tools.streamed_calls_assemble"} <= set(
        rows
    )
    assert [f for check, row in rows.items() if check.startswith("tools.") for f in row.findings] == []


def test_openai_s_two_parallel_streamed_calls_merged_into_one_index_are_caught(store):
    ex = real(*REAL[0])
    assert len(checked_calls(ex)) == 2
    merged = edited(ex, b'"tool_calls":[{"index":1', b'"tool_calls":[{"index":0')
    assert ("tools.streamed_calls_assemble", "violation") in found(
        merged, store, "tools.streamed_calls_assemble"
    )


def test_anthropic_s_streamed_tool_use_renamed_or_off_schema_is_caught(store):
    ex = real(*REAL[1])
    [call] = checked_calls(ex)
    renamed = edited(ex, f'"name":"{call.call.name}"'.encode(), b'"name":"never_offered"')
    assert found(renamed, store, "tools.called_offered") == [("tools.called_offered", "violation")]
    assert call.call.arguments == "{}"  # a tool without parameters: its schema is {"type": "object", ...}
    off = edited(ex, b'"partial_json":""', b'"partial_json":"[1]"', 1)
    assert found(off, store, "tools.arguments_match_schema") == [
        ("tools.arguments_match_schema", "violation")
    ]


def test_openai_s_responses_call_whose_deltas_go_astray_is_caught(store):
    ex = real(*REAL[2])
    item = next(c for c in checked_calls(ex)).call
    assert item.name
    astray = edited(ex, b'"item_id":"fc_', b'"item_id":"fc_other', 1)
    assert found(astray, store, "tools.streamed_calls_assemble") == [
        ("tools.streamed_calls_assemble", "violation")
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_last_call_of_an_answer_cut_at_its_limit_is_not_held_to_the_schema(dialect, store):
    calls = [PARIS, ("get_time", "{}")]  # the limit stopped the model before the second call's timezone
    cut = exchange(dialect, request(dialect, limit=10), answer(dialect, calls, stopped="length", used=10))
    assert found(cut, store, "tools.arguments_match_schema") == [("tools.arguments_match_schema", "info")]
    whole = exchange(dialect, request(dialect, limit=50), answer(dialect, calls, used=10))
    assert found(whole, store, "tools.arguments_match_schema")[0][1] in ("warning", "violation")


def test_a_responses_call_cut_at_the_limit_in_its_arguments_is_info(store):
    calls = [PARIS, ("get_time", '{"timezone": "Euro')]
    cut = exchange("responses", request("responses", limit=10), answer("responses", calls, used=10))
    assert found(cut, store, "responses.function_arguments_json") == [
        ("responses.function_arguments_json", "info")
    ]
    whole = exchange("responses", request("responses", limit=50), answer("responses", calls, used=10))
    assert found(whole, store, "responses.function_arguments_json") == [
        ("responses.function_arguments_json", "violation")
    ]


def test_a_provider_whose_spec_documents_no_tool_choice_is_not_held_to_it(store):
    """ModelsLab's /v1/messages request lists no tools: its answers are not judged for tool_choice."""
    from chatconform.model.exchange import Exchange, Request, Response

    body = request("messages", "required")
    url = "https://modelslab.com/api/v7/llm/v1/messages"
    ex = Exchange(
        Request("POST", url, {"content-type": "application/json"}, json.dumps(body).encode()),
        Response(
            200,
            {"content-type": "application/json"},
            json.dumps(answer("messages", [], text="Sunny.")).encode(),
        ),
        provider="modelslab",
        model="gemini-2.5-flash",
    )
    assert "tools.choice_honoured" not in judge(ex, run_of(store)).rows
    anthropic = exchange("messages", body, answer("messages", [], text="Sunny."))  # Anthropic's own contract
    assert "tools.choice_honoured" in judge(anthropic, run_of(store)).rows
