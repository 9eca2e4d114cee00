"""One run with every verdict, in a bare project with only the built wheel: the five views a reviewer reads
(the CLI line, summary.html, Allure, junit.xml, results.json) give the same counts, and Allure shows what
could not be judged or reached as broken, never green nor skipped.

The run is live, against two reference providers on loopback (one that adds up usage wrongly, one that is
always rate-limited), a provider sent the wrong key (its 401 says nothing about the request: a gap) and one
priced beyond the budget, with one deviation declared for one model and ModelSlab's own documents
disagreeing: pass, fail, xfail, gap, conflict, unavailable and not-run.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from chatconform import providers
from chatconform.model.verdict import VERDICTS
from chatconform.refserver import ReferenceServer
from tests.wheel import environment

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
ROOT = Path(__file__).resolve().parents[2]
ALLURE = ROOT / "node_modules" / ".bin" / "allure"
KEY = "reference-key-for-the-tally-test"
PROJECT = """
[run]
# modelslab: its documents disagree (no key: not called)
providers = ["gw", "down", "locked", "pricey", "modelslab"]

[providers.gw]
base_url = "${GW_BASE}"
key_env = "TALLY_GW_KEY"
models = ["ok-1", "dev-1"]

[[providers.gw.deviations]]
check = "usage.total_is_sum"
models = ["dev-1"]
reason = "dev-1 counts cached tokens twice in total_tokens"
link = "https://gateway.example/issues/12"

[providers.down]
base_url = "${DOWN_BASE}"
key_env = "TALLY_GW_KEY"
models = ["down-1"]

[providers.locked]
base_url = "${LOCKED_BASE}"
key_env = "TALLY_WRONG_KEY"
models = ["locked-1"]

[providers.pricey]
base_url = "http://127.0.0.1:9/v1"
key_env = "TALLY_GW_KEY"
models = ["gold-1"]

[[providers.pricey.prices]]
models = ["gold-1"]
input_per_mtok = 1000000.0
output_per_mtok = 1000000.0
says = "A million dollars per million tokens."
source = "https://pricey.example/prices"
"""
STATUS = {
    "pass": "passed",
    "conflict": "passed",
    "fail": "failed",
    "xfail": "skipped",
    "not-run": "skipped",
    "gap": "broken",
    "unavailable": "broken",
}


@pytest.fixture(scope="module")
def run(wheel_venv, mirror, tmp_path_factory):
    """`chatconform check --mode live` in a folder holding only chatconform.toml; its reports folder and
    output."""
    folder = tmp_path_factory.mktemp("tally") / "team"
    folder.mkdir()
    (folder / "chatconform.toml").write_text(PROJECT, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # the servers serve the project's providers too
        patch.setenv("GW_BASE", "http://127.0.0.1:9/v1")
        patch.setenv("DOWN_BASE", "http://127.0.0.1:9/v1")
        patch.setenv("LOCKED_BASE", "http://127.0.0.1:9/v1")
        data = providers.ProviderData.load(folder / "chatconform.toml")
    with (
        ReferenceServer(faults=["usage-total-off"], key=KEY, data=data) as adds_up_wrong,
        ReferenceServer(faults=["rate-limit"], key=KEY, data=data) as rate_limited,
    ):
        env = environment(
            wheel_venv,
            mirror,
            GW_BASE=adds_up_wrong.base_url("gw"),
            TALLY_GW_KEY=KEY,
            DOWN_BASE=rate_limited.base_url("down"),
            LOCKED_BASE=adds_up_wrong.base_url("locked"),
            TALLY_WRONG_KEY="not-the-reference-key",
        )
        done = subprocess.run(
            [
                "chatconform",
                "check",
                "--mode",
                "live",
                "--budget-usd",
                "1",
                "--",
                "-p",
                "no:cacheprovider",
            ],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
    assert (folder / "reports" / "results.json").is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    return folder / "reports", done


def results(reports: Path) -> dict:
    return json.loads((reports / "results.json").read_text(encoding="utf-8"))


def allure_results(reports: Path) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in (reports / "allure-results").glob("*-result.json")
    ]


def label(test: dict, name: str) -> str | None:
    return next((lab["value"] for lab in test.get("labels", []) if lab["name"] == name), None)


def test_the_run_has_every_verdict(run):
    reports, _ = run
    rows = Counter(r["verdict"] for r in results(reports)["results"])
    assert set(rows) == set(VERDICTS) and all(rows[v] > 0 for v in VERDICTS), rows


def test_the_five_views_give_the_same_counts(run):
    reports, done = run
    written = results(reports)
    tally = {v: n for v, n in Counter(r["verdict"] for r in written["results"]).items()}
    everything = {v: tally.get(v, 0) for v in VERDICTS}
    # results.json: its counts are its rows
    assert written["counts"] == everything
    # the CLI line (pytest's terminal summary under `chatconform check`)
    line = re.search(r"^chatconform: (\d+) rows: (.*) \(results\.json in .*\)$", done.stdout, re.M)
    assert line, done.stdout[-3000:]
    said = {v: int(n) for n, v in (part.split(" ", 1) for part in line.group(2).split(", "))}
    assert said == everything and int(line.group(1)) == len(written["results"])
    # summary.html: the headline's cards
    page = (reports / "summary.html").read_text(encoding="utf-8")
    headline = page.split('id="headline"', 1)[1].split("</section>", 1)[0]
    cards = {
        v: int(n) for v, n in re.findall(r'data-card="([^"]+)" data-count="(\d+)"', headline) if v != "new"
    }
    assert cards == everything
    # junit.xml: the suite's properties, and each testcase's rows
    suite = ET.parse(reports / "junit.xml").getroot().find("testsuite")
    told = {
        p.get("name").removeprefix("chatconform."): int(p.get("value"))
        for p in suite.find("properties")
        if p.get("name") != "chatconform.verdict"
    }
    assert told == everything
    per_case = Counter(
        p.get("value")
        for case in suite.iter("testcase")
        for p in case.iter("property")
        if p.get("name") == "chatconform.verdict"
    )
    assert per_case == Counter(tally)
    # Allure: a test's verdict, or one step per row where a test judged several (a live call)
    shown = Counter()
    for test in allure_results(reports):
        steps = [
            p["value"]
            for s in test.get("steps", [])
            for p in s.get("parameters", [])
            if p["name"] == "verdict"
        ]
        shown.update(steps or [label(test, "verdict")])
    assert shown == Counter(tally)


def test_allure_shows_gaps_and_unavailable_as_broken_and_never_opens_green(run, tmp_path):
    reports, _ = run
    tests = allure_results(reports)
    for test in tests:
        verdict = label(test, "verdict")
        assert test["status"] == STATUS[verdict], (test["name"], verdict, test["status"])
        for step in test.get("steps", []):
            row = next(p["value"] for p in step["parameters"] if p["name"] == "verdict")
            assert step["status"] == STATUS[row], (test["name"], step["name"])
    if not ALLURE.exists():
        pytest.fail("the Allure 3 command line is missing: run `npm ci` (make test does)")
    subprocess.run(
        [str(ALLURE), "generate", str(reports / "allure-results"), "--config", str(ROOT / "allurerc.mjs")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=tmp_path,
    )
    html = tmp_path / "reports" / "html"
    statistic = json.loads((html / "widgets" / "statistic.json").read_text())
    broken = sum(label(t, "verdict") in ("gap", "unavailable") for t in tests)
    assert broken and statistic["broken"] == broken and statistic["passed"] < statistic["total"]
    assert statistic.get("skipped", 0) == sum(label(t, "verdict") in ("xfail", "not-run") for t in tests)
    categories = json.loads((html / "widgets" / "categories.json").read_text())
    totals = {
        node["name"].split(" (")[0]: node["statistic"]["total"]
        for node in categories["nodes"].values()
        if node["type"] == "category"
    }
    by_verdict = Counter(label(t, "verdict") for t in tests)
    assert totals["Gaps"] == by_verdict["gap"] and totals["Provider unavailable"] == by_verdict["unavailable"]
    assert totals["Not run"] == by_verdict["not-run"] and totals["Known deviations"] == by_verdict["xfail"]
    assert (
        "Errors" not in totals
    )  # nothing of chatconform's own broke: every broken test is a gap or an outage
