"""`chatconform measure`: the plan before traffic, a live run within the budget, its evidence rescored
offline."""

import json

import pytest

from chatconform.cli import main
from chatconform.refserver import ReferenceServer

KEY = "measure-cli-key"


@pytest.fixture(scope="module")
def running():
    with ReferenceServer(key=KEY) as started:
        yield started


@pytest.fixture
def server(running, monkeypatch):
    monkeypatch.setenv("MEASURE_CLI_KEY", KEY)
    return running


def args(server, *more):
    return [
        "measure",
        "--name",
        "reference",
        "--model",
        "m",
        "--key-env",
        "MEASURE_CLI_KEY",
        "--url",
        f"openai-chat={server.base_url('openai')}/chat/completions",
        "--tokenizer",
        "reference",
        *more,
    ]


def test_the_plan_prints_the_ceiling_and_sends_nothing(server, capsys, tmp_path):
    assert main(args(server, "--plan", "--trials", "5", "--out", str(tmp_path / "r.json"))) == 0
    out = capsys.readouterr().out
    assert "temperature        openai-chat" in out and "<=   10 requests  <=   120 output tokens" in out
    assert "at most 75 requests" in out and not (tmp_path / "r.json").exists()


def test_a_run_writes_results_and_evidence_and_the_evidence_rescores_to_the_same(server, capsys, tmp_path):
    out = tmp_path / "reference.json"
    with ReferenceServer(key=KEY, faults=["logprobs-dropped"]) as faulty:  # a bad verdict to show: exit 1
        code = main(
            args(
                faulty,
                "--trials",
                "5",
                "--measure",
                "n",
                "--measure",
                "logprobs",
                "--measure",
                "identity",
                "--out",
                str(out),
            )
        )
    assert code == 1
    first = json.loads(out.read_text())
    verdicts = {r["measure"]: r["verdict"] for r in first["results"]}
    assert verdicts == {"n": "honoured", "logprobs": "ignored", "identity": "holds"}
    assert first["spent"]["requests"] == 10 and KEY not in out.with_suffix(".yaml").read_text()
    again = tmp_path / "again.json"
    assert main(["measure", "--rescore", str(out.with_suffix(".yaml")), "--out", str(again)]) == 1
    second = json.loads(again.read_text())
    strip = [{k: v for k, v in r.items() if k != "evidence"} for r in first["results"]]
    assert strip == [{k: v for k, v in r.items() if k != "evidence"} for r in second["results"]]


def test_a_budget_too_small_for_one_request_sends_nothing_and_is_inconclusive(server, tmp_path):
    out = tmp_path / "r.json"
    assert main(args(server, "--measure", "n", "--budget-usd", "0", "--out", str(out))) == 1
    result = json.loads(out.read_text())["results"][0]
    assert result["verdict"] == "inconclusive" and result["cost"]["requests"] == 0


@pytest.mark.parametrize(
    "bad", [["--url", "openai-chat"], ["--url", "klingon=http://x"], ["--tokenizer", "tiktoken"]]
)
def test_bad_input_is_one_line(server, capsys, bad):
    assert (
        main(
            ["measure", "--model", "m", *bad]
            + (["--url", "openai-chat=http://127.0.0.1:9"] if bad[0] == "--tokenizer" else [])
        )
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("chatconform: ")
