"""Tool-call scenarios sent live through the catalog's own path, and the recorded run against llama.cpp's
server: honest provenance, no key, and a suite that reports what the model really did (never how well)."""

import hashlib
import json
import re
from pathlib import Path

import pytest

from chatconform import providers
from chatconform.judging.judge import judge
from chatconform.judging.toolcalls import SCENARIO_KEY, VERSION_KEY, calls_of, named_scenario, tool_scenarios
from chatconform.live.calls import Target, run
from chatconform.live.scenarios import tool_calls
from chatconform.model.errors import ChatconformError
from chatconform.recording.cassettes import find_cassettes, load_cassette
from tests.builders import default_data, run_of

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "cassettes" / "llama-cpp" / "SmolLM2-135M-Instruct"
TEMPLATE = ROOT / "tests" / "interop" / "smollm2-tools.jinja"


def test_every_scenario_is_a_live_catalog_entry_in_each_dialect_that_can_say_it():
    calls = tool_calls()
    shipped = tool_scenarios()
    assert {c.tool.id for c in calls} == set(shipped.scenarios)
    assert {c.endpoint for c in calls} == {"chat", "messages", "responses"}
    streamed = {c.tool.id for c in calls if c.stream}
    assert streamed == {s.id for s in shipped if s.stream}
    assert all(
        c.provenance[SCENARIO_KEY] == c.tool.id and c.provenance[VERSION_KEY] == shipped.version
        for c in calls
    )
    assert [c.id for c in tool_calls("weather-city")] == [
        "tools-weather-city-chat",
        "tools-weather-city-chat-stream",
        "tools-weather-city-messages",
        "tools-weather-city-messages-stream",
        "tools-weather-city-responses",
        "tools-weather-city-responses-stream",
    ]
    with pytest.raises(ChatconformError, match="Unknown tool scenario 'wether-city'"):
        tool_calls("wether-city")


def test_a_tool_scenario_goes_out_through_the_live_path_and_judged_by_its_scenario(reference_server, store):
    [call] = [c for c in tool_calls("choice-required-weather") if c.endpoint == "chat"]
    target = Target(
        "openai-compatible",
        "ref",
        base_url=reference_server.base_url("openai"),
        key_env="CHATCONFORM_REFERENCE_KEY",
        origin="reference",
    )
    outcome = run(target, call, None, data=default_data())
    ex = outcome.result.exchange
    assert ex.request.path.endswith("/chat/completions") and ex.request_json["tool_choice"] == "required"
    assert ex.provenance[SCENARIO_KEY] == "choice-required-weather"
    rows = judge(ex, run_of(store)).rows
    assert rows["tools.choice_honoured"].findings == []  # the reference calls the tool as required
    # the reference's example arguments are not London: the scenario's expectation says so, as a warning
    assert [f.severity for f in rows["tools.scenario_expected"].findings] == ["warning"]


DECLARED = (
    '[[providers.openai-compatible.deviations]]\ncheck = "tools.called_offered"\n{more}\n'
    'reason = "test"\nlink = "https://example.invalid"\n'
)


def declare(tmp_path, more: str) -> providers.ProviderData:
    """The provider data of a run whose project file declares this deviation."""
    project = tmp_path / "chatconform.toml"
    project.write_text(DECLARED.format(more=more))
    return providers.ProviderData.load(project)


def test_a_deviation_declared_for_one_endpoint_does_not_cover_another(tmp_path, store):
    from tests.tool_builders import answer, exchange, request

    data = declare(tmp_path, 'paths = ["/v1/responses"]')
    for dialect, verdict in (("responses", "xfail"), ("chat", "fail")):
        ex = exchange(dialect, request(dialect), answer(dialect, [("nope", "{}")]))
        assert judge(ex, run_of(store, data), only="tools.called_offered").verdict == verdict, dialect


@pytest.mark.parametrize(("more", "stale"), [("", True), ("sometimes = true", False)])
def test_a_deviation_that_shows_only_sometimes_is_not_stale_where_it_does_not_show(
    tmp_path, store, more, stale
):
    from tests.tool_builders import answer, exchange, request

    data = declare(tmp_path, more + "\neverywhere = true")  # every model and origin, on purpose
    ex = exchange("chat", request("chat"), answer("chat", [("get_weather", "{}")]))
    row = judge(ex, run_of(store, data), only="tools.called_offered").rows["tools.called_offered"]
    assert (row.verdict, row.stale is not None) == ("pass", stale)


# ---- the recorded run against llama.cpp's server ----


def recorded():
    paths = find_cassettes([RECORDED]) if RECORDED.is_dir() else []
    return [(p, load_cassette(p, default_data())) for p in paths]


RECORDINGS = recorded()


def test_the_recorded_run_covers_every_scenario_in_every_dialect_with_honest_provenance():
    assert len(RECORDINGS) == len(tool_calls())
    template = hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()
    for path, cassette in RECORDINGS:
        prov = cassette.provenance
        assert prov["origin"] == "live" and prov["provider"] == "llama-cpp" and prov["recorded_at"], path
        assert prov["server"] == "llama.cpp llama-server" and prov["server_build"], path
        assert prov["chat_template_sha256"] == template, f"{path}: recorded with another template"
        assert "--api-key <redacted>" in prov["server_args"] and "--jinja" in prov["server_args"]
        assert prov["scenario"] == path.stem and named_scenario(cassette.exchanges[0])[0] is not None, path
        sent = cassette.exchanges[0].request.headers
        assert sent.get("authorization", "<redacted>").endswith("<redacted>"), path
        assert sent.get("x-api-key", "<redacted>") == "<redacted>", path
        assert re.search(rb"llama-[0-9a-f]{24}", path.read_bytes()) is None, path  # the recorder's key shape


def _raw_calls(ex) -> int:
    """Tool calls counted from the raw answer without the dialects' reading (whole answers only)."""
    body = ex.json
    if "choices" in body:
        return sum(len(c["message"].get("tool_calls") or []) for c in body["choices"])
    kinds = [b.get("type") for b in body.get("content") or body.get("output") or []]
    return kinds.count("tool_use") + kinds.count("function_call")


def test_the_suite_reports_what_the_model_really_did(store):
    whole = [(p, c.exchanges[0]) for p, c in RECORDINGS if c.exchanges[0].stream is None]
    assert whole
    for path, ex in whole:
        assert len(calls_of(ex)) == _raw_calls(ex), path
    for path, cassette in RECORDINGS:
        ex = cassette.exchanges[0]
        scenario = tool_scenarios().get(cassette.provenance["tool_scenario"])
        misses = judge(ex, run_of(store), only="tools.scenario_expected").findings
        if scenario.expect.call == "must" and not calls_of(ex):
            assert any(f.received == "no tool call" for f in misses), path
        if scenario.expect.call == "must_not" and calls_of(ex):
            assert any(f.expected == "no tool call" for f in misses), path
        assert all(f.severity == "warning" for f in misses), path


def test_the_recorded_run_fails_nothing_undeclared(store):
    for path, cassette in RECORDINGS:
        judgement = judge(cassette.exchanges[0], run_of(store))
        failing = {c: r.findings[0].message for c, r in judgement.rows.items() if r.verdict == "fail"}
        assert failing == {}, f"{path.name}: {json.dumps(failing)[:300]}"
        stale = [c for c, r in judgement.rows.items() if r.stale is not None]
        assert stale == [], f"{path.name}: declared but not shown: {stale}"
