"""`chatconform verify`: verdicts, --json shape, exit codes, bad input."""

import json
from pathlib import Path

import pytest

from chatconform.cli import main
from tests.builders import completion, interaction

ROOT = Path(__file__).resolve().parents[2]
REQUEST = {"model": "google/gemini-2.5-flash", "messages": [{"role": "user", "content": "Hi"}]}


def run_json(capsys, *paths):
    code = main(["verify", "--json", *map(str, paths)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return code, lines


def findings_of(line, severity=None):
    return {f["check"] for f in line["findings"] if severity in (None, f["severity"])}


def test_docs_examples_as_the_pages_print_them(capsys):
    code, lines = run_json(capsys, ROOT / "cassettes" / "aimlapi")
    by_model = {Path(x["cassette"]).parent.name: x for x in lines}
    assert code == 0  # the one violation is a declared known deviation: reported, not failed
    assert by_model["gemini-2.5-flash"]["verdict"] == "pass"
    lite = by_model["gemini-2.5-flash-lite-preview"]
    assert lite["verdict"] == "pass"
    assert findings_of(lite, "warning") == {"usage.prompt_counted"}
    assert findings_of(lite, "info") == {"model.answered_as_requested"}
    pro = by_model["gemini-2.5-pro"]
    assert pro["verdict"] == "xfail" and findings_of(pro, "violation") == {
        "limits.completion_within_max_tokens"
    }
    assert "44730" in pro["findings"][0]["message"] and "known_deviation" in pro["findings"][0]
    old = by_model["gemini-1.5-flash"]
    gap = [f for f in old["findings"] if f["check"].startswith("spec-gap")]
    assert gap and "only 201" in gap[0]["message"] and "no body schema" in gap[0]["message"]
    assert findings_of(old, "warning") >= {"usage.prompt_counted"}
    assert set(lines[0]) >= {"cassette", "index", "provider", "model", "verdict", "findings"}
    # the seed example AIML documents with no response schema: a gap the built-in data acknowledges, so exit 0
    assert set(gap[0]) == {"check", "severity", "at", "message", "acknowledged"} and old["verdict"] == "gap"
    assert "only a 201 answer, with no body schema" in gap[0]["acknowledged"]


def test_a_conforming_cassette_passes_and_exits_0(capsys, write_cassette):
    path = write_cassette("ok", interaction(REQUEST, completion()))
    code, [line] = run_json(capsys, path)
    assert (code, line["verdict"], line["provider"], line["model"]) == (
        0,
        "pass",
        "aimlapi",
        "google/gemini-2.5-flash",
    )


def test_a_broken_response_fails_and_exits_1(capsys, write_cassette):
    body = completion()
    del body["usage"]
    path = write_cassette("bad", interaction(REQUEST, body))
    code, [line] = run_json(capsys, path)
    assert code == 1 and line["verdict"] == "fail"
    assert {
        "check": "response.schema",
        "severity": "violation",
        "at": "$",
        "message": '"usage" is a required property',
    } in line["findings"]


def test_an_html_error_page_with_200_is_a_finding_not_a_crash(capsys, write_cassette):
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    path = write_cassette("html", interaction(REQUEST, html, content_type="text/html"))
    code, [line] = run_json(capsys, path)
    assert code == 1 and [f["check"] for f in line["findings"]] == ["response.content-type"]
    path = write_cassette("html-as-json", interaction(REQUEST, html))
    code, [line] = run_json(capsys, path)
    assert [f["check"] for f in line["findings"]] == ["response.json"]


def test_unknown_hosts_are_judged_as_openai_compatible(capsys, write_cassette):
    body = completion(model="local-model")
    body["choices"][0]["message"]["refusal"] = None
    path = write_cassette(
        "local",
        interaction(
            {"model": "local-model", "messages": [{"role": "user", "content": "Hi"}]},
            body,
            url="http://127.0.0.1:8080/v1/chat/completions",
        ),
    )
    code, [line] = run_json(capsys, path)
    assert (line["provider"], line["verdict"]) == ("openai-compatible", "pass"), line


def test_an_undocumented_status_is_a_gap(capsys, write_cassette):
    path = write_cassette("401", interaction(REQUEST, {"error": {"message": "who are you"}}, status=401))
    code, [line] = run_json(capsys, path)
    assert line["verdict"] == "gap" and "does not document status 401" in line["findings"][0]["message"]


def test_an_outage_is_never_a_pass_and_a_500_is_a_failure(capsys, write_cassette):
    path = write_cassette("429", interaction(REQUEST, {"error": {"message": "slow down"}}, status=429))
    code, [line] = run_json(capsys, path)
    assert line["verdict"] == "gap" and line["findings"][0]["check"] == "provider-unavailable"
    path = write_cassette("500", interaction(REQUEST, {"error": {"message": "boom"}}, status=500))
    code, [line] = run_json(capsys, path)
    assert code == 1 and "response.server-error" in {f["check"] for f in line["findings"]}


@pytest.mark.parametrize("content", ["interactions: [", "just: a mapping\n", "- a\n- list\n"])
def test_files_that_are_not_cassettes_exit_2_with_one_line(tmp_path, capsys, content):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    assert main(["verify", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chatconform: ") and str(bad) in err and "\n" not in err
    assert "not a cassette" in err or "not valid YAML" in err


def test_a_missing_path_exits_2(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_human_output_names_check_path_and_replay_command(capsys, write_cassette):
    path = write_cassette("human", interaction(REQUEST, completion(finish="exploded")))
    assert main(["verify", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL response.schema" in out and "$.choices[0].finish_reason" in out
    assert f"replay:    chatconform verify {path}" in out


def test_an_internal_error_is_exit_3_in_one_line_and_debug_shows_the_traceback(capsys, monkeypatch, tmp_path):
    import chatconform.cli.verify

    def broken(*args, **kwargs):
        raise RuntimeError("planted\nsecond line")

    monkeypatch.setattr(chatconform.cli.verify, "run", broken)
    assert main(["verify", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err == (
        "chatconform: internal error: RuntimeError: planted second line "
        "(run with --debug for the traceback)\n"
    )
    for argv in (["--debug", "verify", str(tmp_path)], ["verify", str(tmp_path), "--debug"]):
        assert main(argv) == 3
        err = capsys.readouterr().err
        assert "Traceback" in err and err.rstrip().endswith(
            "chatconform: internal error: RuntimeError: planted second line"
        )


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "exit 0" in text and "1 when" in text and "2 when" in text and "3 on an internal error" in text
    assert "nothing was judged" in text and "cassette with no interactions" in text


def test_an_unknown_option_is_still_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["verify", "x.yaml", "--nope"])
    assert stop.value.code == 2 and "unrecognized arguments: --nope" in capsys.readouterr().err


def test_a_run_spaces_the_collectors_passes_and_gives_its_thresholds_back(
    capsys, write_cassette, monkeypatch
):
    """verify raises the youngest generation's threshold while it judges; after it, even when a file is
    bad or a run raises, the process has the thresholds it had (the pytest plugin and callers share them)."""
    import gc

    from chatconform.cli import verify

    path = write_cassette("ok", interaction(REQUEST, completion()))
    before, seen = gc.get_threshold(), []
    judge = verify.judging.judge
    monkeypatch.setattr(verify.judging, "judge", lambda *a: seen.append(gc.get_threshold()) or judge(*a))
    assert run_json(capsys, path, path.parent / "missing.yaml")[0] == 2
    assert seen and seen[0][0] == max(before[0], verify._YOUNG_THRESHOLD) and seen[0][1:] == before[1:]
    assert gc.get_threshold() == before
    monkeypatch.setattr(verify, "_verify_file", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        verify.run([path])
    assert gc.get_threshold() == before
