"""The upgrade gate: identical results pass; one injected regression fails and is named.

Rows are keyed by (provider, model, dialect, check), the worst verdict of each key's rows; `--models old=new`
compares a baseline model with its candidate, in one file or across two.
"""

import copy
import json

from chatconform.cli import main

FLASH, NEXT = "google/gemini-2.5-flash", "google/gemini-3-flash-preview"


def entry(
    test_id,
    verdict,
    check="usage.total_is_sum",
    finish=("stop",),
    completion=100,
    no_limit=True,
    model=FLASH,
    origin="live",
    exchange=None,
):
    return {
        "provider": "aimlapi",
        "model": model,
        "check": check,
        "verdict": verdict,
        "origin": origin,
        "exchange": exchange or test_id,
        "test_id": test_id,
        "reason": None,
        "findings": [{"check": check, "severity": "violation", "message": "total_tokens 13 is not 12"}]
        if verdict == "fail"
        else [],
        "observations": {
            "finish_reasons": list(finish),
            "completion_tokens": completion,
            "no_limit_sent": no_limit,
        },
    }


BASE = {
    "results": [
        entry("t1", "pass"),
        entry("t2", "xfail", check="limits.x"),
        entry("t3", "fail", check="stream.ends_with_done"),
    ],
    "spend": {"spent_usd": 0.01},
    "specs": {"aimlapi/gemini-2.5-flash": {"sha256": "a" * 64}},
}


def run(tmp_path, baseline, candidate, capsys, *extra):
    for name, data in (("old.json", baseline), ("new.json", candidate)):
        (tmp_path / name).write_text(json.dumps(data))
    code = main(
        ["gate", "--baseline", str(tmp_path / "old.json"), "--candidate", str(tmp_path / "new.json"), *extra]
    )
    return code, capsys.readouterr().out


def test_identical_results_pass(tmp_path, capsys):
    code, out = run(tmp_path, BASE, BASE, capsys)
    assert code == 0 and "no regression" in out and "### New failures (0)" in out


def test_one_injected_regression_fails_and_is_named(tmp_path, capsys):
    candidate = copy.deepcopy(BASE)
    candidate["results"][0] = entry("t1", "fail")
    code, out = run(tmp_path, BASE, candidate, capsys)
    assert code == 1 and "### New failures (1)" in out
    assert "**usage.total_is_sum** (live: t1): total_tokens 13 is not 12 — was pass" in out
    assert "**usage.total_is_sum** (live: t1): total_tokens 13 is not 12" in out
    assert "### Still failing (not new) (1)" in out


def spoken(dialect, verdict, test_id):
    """A row of one model's response.schema in a dialect (a gateway serving chat and Messages)."""
    return {**entry(test_id, verdict, check="response.schema"), "dialect": dialect}


def test_a_model_speaking_two_dialects_has_a_cell_per_dialect(tmp_path, capsys):
    # chat breaks while Messages is fixed: keyed without the dialect, both runs' cells are "fail" and the
    # regression would be hidden behind the other dialect's old failure
    baseline = {
        **BASE,
        "results": [spoken("openai-chat", "pass", "c"), spoken("anthropic-messages", "fail", "m")],
    }
    candidate = {
        **BASE,
        "results": [spoken("openai-chat", "fail", "c"), spoken("anthropic-messages", "pass", "m")],
    }
    code, out = run(tmp_path, baseline, candidate, capsys)
    assert code == 1 and "### New failures (1)" in out and "### Fixed (1)" in out
    assert "per provider, model, dialect and check" in out
    assert f"`aimlapi` `{FLASH}` **response.schema** (live: c)" in out  # chat completions: no dialect shown
    assert f"`aimlapi` `{FLASH}` `anthropic-messages` **response.schema** (live: m)" in out


def test_a_baseline_older_than_dialects_is_compared_without_them(tmp_path, capsys):
    old = {**BASE, "results": [spoken("openai-chat", "pass", "c")]}
    old["results"][0].pop("dialect")
    code, out = run(tmp_path, old, {**BASE, "results": [spoken("openai-chat", "pass", "c")]}, capsys)
    assert code == 0 and "### New failures (0)" in out and "no regression" in out


def test_fixed_outages_observations_and_spend(tmp_path, capsys):
    candidate = copy.deepcopy(BASE)
    candidate["results"][2] = entry(
        "t3", "pass", check="stream.ends_with_done", finish=("length",), completion=512
    )
    candidate["results"].append(entry("t4", "unavailable", check="live.basic"))
    candidate["spend"]["spent_usd"] = 0.02
    candidate["specs"]["aimlapi/gemini-2.5-flash"]["sha256"] = "b" * 64
    code, out = run(tmp_path, BASE, candidate, capsys)
    # no regression, but an outage nobody acknowledged: its own exit code, and the comment says so
    assert code == 6 and "### Fixed (1)" in out and "Not judged (provider unavailable or budget) (1)" in out
    assert "could not be judged or reached and are not acknowledged (exit 6)" in out
    assert "finish_reason mix" in out and "largest completion with no limit sent 100 -> 512" in out
    assert "$0.0100 -> $0.0200" in out and "aaaaaaaaaaaa -> bbbbbbbbbbbb" in out


def test_a_breaking_upstream_change_fails_the_gate(tmp_path, capsys):
    drift = tmp_path / "drift.json"
    drift.write_text(
        json.dumps(
            {
                "changes": [
                    {
                        "path": "POST /v1/chat/completions request.temperature.maximum",
                        "kind": "bound-tightened",
                        "breaking": True,
                        "detail": "2 -> 1",
                    }
                ],
                "breaking": True,
            }
        )
    )
    code, out = run(tmp_path, BASE, BASE, capsys, "--drift", str(drift))
    assert code == 1 and "bound-tightened" in out


def test_bad_input_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "old.json").write_text("{}")
    assert (
        main(["gate", "--baseline", str(tmp_path / "old.json"), "--candidate", str(tmp_path / "old.json")])
        == 2
    )
    assert "not a chatconform results.json" in capsys.readouterr().err


def test_a_candidate_that_judged_nothing_never_says_no_regression(tmp_path, capsys):
    code, out = run(tmp_path, BASE, {"results": [entry("t1", "not-run"), entry("t2", "unavailable")]}, capsys)
    assert code == 1 and "gate: no regression" not in out and "judged nothing" in out
    assert "1 unavailable, 1 not-run" in out  # in the tally's order, as every view names them


def test_unknown_verdict_words_are_named_and_fail(tmp_path, capsys):
    candidate = copy.deepcopy(BASE)
    candidate["results"][0]["verdict"] = "passed"
    code, out = run(tmp_path, BASE, candidate, capsys)
    assert code == 2 and "gate: no regression" not in out and "'passed'" in out  # unreadable input, said why


def test_a_null_finish_reason_is_an_observation_not_a_crash(tmp_path, capsys):
    candidate = copy.deepcopy(BASE)
    candidate["results"][0] = entry("t1", "pass", finish=(None, "stop"))
    code, out = run(tmp_path, BASE, candidate, capsys)
    assert code == 0 and "{'stop': 3} -> {'None': 1, 'stop': 3}" in out


def test_a_live_row_and_a_replay_row_of_a_model_and_check_are_one_row(tmp_path, capsys):
    replay = entry("r1", "pass", origin="cassette", exchange="cassettes/aimlapi/flash/basic.yaml#0")
    baseline = {"results": [replay]}
    same = {"results": [replay, entry("l1", "pass", exchange="aimlapi-flash/basic")]}
    code, out = run(tmp_path, baseline, same, capsys)
    assert code == 0 and "### New failures (0)" in out and "### Fixed (0)" in out
    worse = {"results": [replay, entry("l1", "fail", exchange="aimlapi-flash/basic")]}
    code, out = run(tmp_path, baseline, worse, capsys)
    assert code == 1 and "### New failures (1)" in out  # one key, its verdict the worst of its two rows
    assert "**usage.total_is_sum** (live: aimlapi-flash/basic): total_tokens 13 is not 12" in out


def test_a_further_failing_exchange_of_a_failing_check_is_named_not_new(tmp_path, capsys):
    candidate = copy.deepcopy(BASE)
    candidate["results"].append(entry("t9", "fail", check="stream.ends_with_done"))
    code, out = run(tmp_path, BASE, candidate, capsys)
    assert code == 0 and "### New failures (0)" in out and "### Still failing (not new) (1)" in out
    assert "newly failing on t9" in out


def pair_file():
    """One run holding a baseline model and its candidate; the candidate breaks one check the old one held."""
    old = [
        entry("o1", "pass", check="usage.total_is_sum"),
        entry("o2", "pass", check="stream.ends_with_done"),
        entry("o3", "xfail", check="limits.x"),
    ]
    new = [
        entry("n1", "pass", check="usage.total_is_sum", model=NEXT),
        entry("n2", "fail", check="stream.ends_with_done", model=NEXT),
        entry("n3", "xfail", check="limits.x", model=NEXT),
    ]
    return {"results": old + new, "spend": {"spent_usd": 0.01}}


def gate_models(tmp_path, capsys, data, *pairs):
    (tmp_path / "run.json").write_text(json.dumps(data))
    argv = ["gate", "--results", str(tmp_path / "run.json")]
    for pair in pairs:
        argv += ["--models", pair]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_check_the_baseline_model_held_and_the_candidate_fails_is_a_regression(tmp_path, capsys):
    code, out, _ = gate_models(tmp_path, capsys, pair_file(), f"{FLASH}={NEXT}")
    assert code == 1 and "gate: regression" in out and "### New failures (1)" in out
    assert f"`{FLASH} → {NEXT}` **stream.ends_with_done** (live: n2)" in out
    assert "usage.total_is_sum" not in out.split("### New failures", 1)[1].split("###", 1)[0]
    assert "**Spend:**" not in out  # one run's spend says nothing about either model


def test_identical_models_pass_the_model_gate(tmp_path, capsys):
    data = pair_file()
    data["results"][4]["verdict"] = "pass"
    data["results"][4]["findings"] = []
    code, out, _ = gate_models(tmp_path, capsys, data, f"{FLASH}={NEXT}")
    assert code == 0 and "gate: no regression" in out and "### New failures (0)" in out
    assert "### Changed observations\nnone" in out


def test_the_model_gate_reports_changed_observations(tmp_path, capsys):
    data = pair_file()
    for row in data["results"][3:]:
        row["observations"].update(
            finish_reasons=["length"],
            completion_tokens=4000,
            model="gemini-3-flash-001",
            prompt_tokens=10,
            usd=0.002,
        )
    code, out, _ = gate_models(tmp_path, capsys, data, f"{FLASH}={NEXT}")
    changed = out.split("### Changed observations", 1)[1]
    name = f"aimlapi {FLASH} → {NEXT}"
    assert f"{name}: finish_reason mix {{'stop': 3}} -> {{'length': 3}}" in changed
    assert f"{name}: largest completion with no limit sent 100 -> 4000" in changed
    assert f"{name}: completion tokens per exchange (mean) 100.0 -> 4000.0" in changed
    assert f"{name}: answering model - -> gemini-3-flash-001" in changed
    assert f"{name}: spend reported by the provider - -> $0.006000" in changed


def test_the_model_gate_reads_two_files_and_names_a_missing_model(tmp_path, capsys):
    data = pair_file()
    old, new = {"results": data["results"][:3]}, {"results": data["results"][3:]}
    code, out = run(tmp_path, old, new, capsys, "--models", f"{FLASH}={NEXT}")
    assert code == 1 and "### New failures (1)" in out and "**Spend:**" in out
    code = main(
        [
            "gate",
            "--baseline",
            str(tmp_path / "old.json"),
            "--candidate",
            str(tmp_path / "new.json"),
            "--models",
            f"{FLASH}=google/gemini-9",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "'google/gemini-9'" in err and NEXT in err


def test_a_model_pair_without_an_equals_sign_is_a_usage_error(tmp_path, capsys):
    code, _, err = gate_models(tmp_path, capsys, pair_file(), FLASH)
    assert code == 2 and "BASELINE=CANDIDATE" in err
    assert main(["gate", "--results", str(tmp_path / "run.json")]) == 2  # --results compares models only
    assert "--results goes with --models" in capsys.readouterr().err
