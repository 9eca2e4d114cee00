"""The upgrade gate: identical results pass; one injected regression fails and is named."""

import copy
import json

from chatconform.cli import main


def entry(test_id, verdict, check="usage.total_is_sum", finish=("stop",), completion=100, no_limit=True):
    return {"provider": "aimlapi", "model": "google/gemini-2.5-flash", "check": check, "verdict": verdict,
            "origin": "live", "exchange": test_id, "test_id": test_id, "reason": None,
            "findings": [{"check": check, "severity": "violation", "message": "total_tokens 13 is not 12"}]
            if verdict == "fail" else [],
            "observations": {"finish_reasons": list(finish), "completion_tokens": completion,
                             "no_limit_sent": no_limit}}


BASE = {"results": [entry("t1", "pass"), entry("t2", "xfail", check="limits.x"), entry("t3", "fail")],
        "spend": {"spent_usd": 0.01}, "specs": {"aimlapi/gemini-2.5-flash": {"sha256": "a" * 64}}}


def run(tmp_path, baseline, candidate, capsys, *extra):
    for name, data in (("old.json", baseline), ("new.json", candidate)):
        (tmp_path / name).write_text(json.dumps(data))
    code = main(["gate", "--baseline", str(tmp_path / "old.json"), "--candidate", str(tmp_path / "new.json"), *extra])
    return code, capsys.readouterr().out


def test_identical_results_pass(tmp_path, capsys):
    code, out = run(tmp_path, BASE, BASE, capsys)
    assert code == 0 and "no regression" in out and "### New failures (0)" in out


def test_one_injected_regression_fails_and_is_named(tmp_path, capsys):
    candidate = copy.deepcopy(BASE)
    candidate["results"][0] = entry("t1", "fail")
    code, out = run(tmp_path, BASE, candidate, capsys)
    assert code == 1 and "### New failures (1)" in out
    assert "**usage.total_is_sum** (t1): total_tokens 13 is not 12" in out
    assert "### Still failing (not new) (1)" in out


def test_fixed_outages_observations_and_spend(tmp_path, capsys):
    candidate = copy.deepcopy(BASE)
    candidate["results"][2] = entry("t3", "pass", finish=("length",), completion=512)
    candidate["results"].append(entry("t4", "unavailable"))
    candidate["spend"]["spent_usd"] = 0.02
    candidate["specs"]["aimlapi/gemini-2.5-flash"]["sha256"] = "b" * 64
    code, out = run(tmp_path, BASE, candidate, capsys)
    assert code == 0 and "### Fixed (1)" in out and "Not judged (provider unavailable or budget) (1)" in out
    assert "finish_reason mix" in out and "largest completion with no limit sent 100 -> 512" in out
    assert "$0.0100 -> $0.0200" in out and "aaaaaaaaaaaa -> bbbbbbbbbbbb" in out


def test_a_breaking_upstream_change_fails_the_gate(tmp_path, capsys):
    drift = tmp_path / "drift.json"
    drift.write_text(json.dumps({"changes": [{"path": "POST /v1/chat/completions request.temperature.maximum",
                                              "kind": "bound-tightened", "breaking": True, "detail": "2 -> 1"}],
                                 "breaking": True}))
    code, out = run(tmp_path, BASE, BASE, capsys, "--drift", str(drift))
    assert code == 1 and "bound-tightened" in out


def test_bad_input_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "old.json").write_text("{}")
    assert main(["gate", "--baseline", str(tmp_path / "old.json"), "--candidate", str(tmp_path / "old.json")]) == 2
    assert "not a chatconform results.json" in capsys.readouterr().err
