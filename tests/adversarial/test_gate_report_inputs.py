"""Named hostile inputs for `gate` and `report`: one line and the right exit code, never a traceback.

Exit codes: 2 for a file that cannot be read as what it should be (corrupt, wrong shape, a folder, a FIFO);
1 from the gate when it cannot say "no regression" (nothing judged) or finds one; 2 from gate and report on
unknown verdict words (a results file this version cannot read fully), after writing the comment saying so
or the page with them shown as unknown, so the reviewer sees which.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from chatconform.cli import main


def entry(i: int, verdict: str = "pass", **over) -> dict:
    base = {
        "provider": "aimlapi",
        "model": "m",
        "check": f"check.{i}",
        "verdict": verdict,
        "origin": "live",
        "exchange": f"ex{i}",
        "test_id": f"t{i}",
        "reason": None,
        "findings": [],
        "observations": {"finish_reasons": ["stop", None], "completion_tokens": 5, "no_limit_sent": True},
    }
    return {**base, **over}


GOOD = {
    "results": [entry(1), entry(2, "xfail"), entry(3, "gap")],
    "spend": {"spent_usd": 0.01},
    "specs": {"p/s": {"sha256": "a" * 64, "path": "specs/p/s.json", "openapi": "3.0.0", "lint": []}},
}
DRIFT = {
    "changes": [{"path": "POST /x", "kind": "bound-tightened", "breaking": False, "detail": "2 -> 1"}],
    "breaking": False,
}


def _with(change) -> dict:
    data = json.loads(json.dumps(GOOD))
    change(data)
    return data


# (name, results.json text or object) whose reading is a one-line exit 2 in both commands
BAD_FILES = [
    ("not json", "{not json"),
    ("empty file", ""),
    ("a list", [1, 2]),
    ("no results", {"spend": {}}),
    ("results a dict", {"results": {"a": 1}}),
    ("null entry", _with(lambda d: d["results"].append(None))),
    ("entry a string", _with(lambda d: d["results"].append("pass"))),
    ("entry missing verdict", _with(lambda d: d["results"][0].pop("verdict"))),
    ("entry missing provider", _with(lambda d: d["results"][0].pop("provider"))),
    ("verdict null", _with(lambda d: d["results"][0].update(verdict=None))),
    ("check a number", _with(lambda d: d["results"][0].update(check=7))),
    ("findings a string", _with(lambda d: d["results"][0].update(findings="boom"))),
    ("finding null", _with(lambda d: d["results"][0].update(findings=[None]))),
    ("message a list", _with(lambda d: d["results"][0].update(findings=[{"message": ["x"]}]))),
    ("spend a string", _with(lambda d: d.update(spend={"spent_usd": "0.5"}))),
    ("spend a list", _with(lambda d: d.update(spend=[1]))),
    ("spend a boolean", _with(lambda d: d.update(spend={"spent_usd": True}))),
    ("specs a list", _with(lambda d: d.update(specs=["x"]))),
    ("sha256 a number", _with(lambda d: d["specs"]["p/s"].update(sha256=5))),
    ("observations a list", _with(lambda d: d["results"][0].update(observations=[1]))),
    (
        "completion_tokens a string",
        _with(lambda d: d["results"][0]["observations"].update(completion_tokens="5")),
    ),
    (
        "finish_reasons a string",
        _with(lambda d: d["results"][0]["observations"].update(finish_reasons="stop")),
    ),
    ("unknown top key", _with(lambda d: d.update(resluts=[]))),
    ("unknown entry key", _with(lambda d: d["results"][0].update(verdcit="pass"))),
    ("other schema", _with(lambda d: d.update(schema="chatconform-results/99"))),
    ("deep nesting", '{"results": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ("lone surrogate", '{"results": [], "mode": "\\ud800"}'),
]


def _write(path: Path, content) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def run(argv, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err and err.startswith("chatconform: "), err
    return err


@pytest.mark.parametrize("name,content", BAD_FILES, ids=[n for n, _ in BAD_FILES])
def test_a_bad_results_file_is_one_line_exit_2_in_gate(tmp_path, capsys, name, content):
    good, bad = _write(tmp_path / "good.json", GOOD), _write(tmp_path / "bad.json", content)
    for baseline, candidate in ((good, bad), (bad, good)):
        code, out, err = run(["gate", "--baseline", baseline, "--candidate", candidate], capsys)
        assert code == 2 and out == "" and "bad.json" in one_line(err)


@pytest.mark.parametrize("name,content", BAD_FILES, ids=[n for n, _ in BAD_FILES])
def test_a_bad_results_or_history_file_is_one_line_exit_2_in_report(tmp_path, capsys, name, content):
    good, bad = _write(tmp_path / "good.json", GOOD), _write(tmp_path / "bad.json", content)
    code, _, err = run(
        ["report", "--results", bad, "--history", tmp_path / "h", "--out", tmp_path / "s.html"], capsys
    )
    assert code == 2 and "bad.json" in one_line(err) and not (tmp_path / "s.html").exists()
    history = tmp_path / "history"
    history.mkdir()
    _write(history / "results-old.json", content)
    code, _, err = run(
        ["report", "--results", good, "--history", history, "--out", tmp_path / "s.html"], capsys
    )
    assert code == 2 and "results-old.json" in one_line(err)


@pytest.mark.parametrize(
    "drift",
    [
        "missing",
        "{oops",
        [1],
        {"changes": "x"},
        {"changes": [None]},
        {"changes": [{"path": "p", "kind": "k", "breaking": "yes", "detail": ""}]},
        {"changes": [{"path": "p", "kind": "k", "breaking": True, "extra": 1}]},
        {"changes": [], "breaking": True},
        {"results": []},
        "folder",
        "fifo",
    ],
)
def test_a_bad_drift_file_is_one_line_exit_2(tmp_path, capsys, drift):
    good = _write(tmp_path / "good.json", GOOD)
    path = tmp_path / "drift.json"
    if drift == "folder":
        path.mkdir()
    elif drift == "fifo":
        os.mkfifo(path)
    elif drift != "missing":
        _write(path, drift)
    code, out, err = run(["gate", "--baseline", good, "--candidate", good, "--drift", path], capsys)
    assert code == 2 and out == "" and "drift.json" in one_line(err)


def test_a_good_drift_file_is_read(tmp_path, capsys):
    good, drift = _write(tmp_path / "good.json", GOOD), _write(tmp_path / "drift.json", DRIFT)
    code, out, _ = run(["gate", "--baseline", good, "--candidate", good, "--drift", drift], capsys)
    assert code == 6 and "no regression" in out  # 6: its gap row is not acknowledged


@pytest.mark.parametrize(
    "candidate,why",
    [
        ({"results": []}, "judged nothing"),
        (
            {
                "results": [
                    entry(1, "unavailable"),
                    entry(2, "not-run"),
                    entry(3, "gap"),
                    entry(4, "conflict"),
                ]
            },
            "judged nothing",
        ),
        (_with(lambda d: d["results"][0].update(verdict="passed")), "'passed'"),
        (_with(lambda d: d["results"][0].update(verdict="PASS")), "'PASS'"),
    ],
)
def test_the_gate_never_says_no_regression_for_nothing_or_unknown_words(tmp_path, capsys, candidate, why):
    good, new = _write(tmp_path / "good.json", GOOD), _write(tmp_path / "new.json", candidate)
    code, out, err = run(
        ["gate", "--baseline", good, "--candidate", new, "--output", tmp_path / "gate.md"], capsys
    )
    unknown = why.startswith("'")  # a word this version does not know: unreadable input, exit 2
    assert code == (2 if unknown else 1) and "no regression" not in out
    assert why in one_line(err) and "new.json" in err
    assert "cannot compare" in (tmp_path / "gate.md").read_text()


def test_unknown_words_in_the_baseline_fail_the_gate_too(tmp_path, capsys):
    old = _write(tmp_path / "old.json", _with(lambda d: d["results"][1].update(verdict="skipped")))
    code, out, err = run(
        ["gate", "--baseline", old, "--candidate", _write(tmp_path / "g.json", GOOD)], capsys
    )
    assert code == 2 and "'skipped'" in one_line(err) and "no regression" not in out


def test_report_paints_an_unknown_verdict_as_unknown_never_green(tmp_path, capsys):
    results = _write(tmp_path / "r.json", {"results": [entry(1, "passed"), entry(2, "pass")]})
    out = tmp_path / "s.html"
    code, _, err = run(["report", "--results", results, "--history", tmp_path / "h", "--out", out], capsys)
    assert code == 2 and "'passed'" in one_line(err)
    page = out.read_text()
    assert 'data-verdict="unknown"' in page and page.count('data-verdict="pass"') == 1
    assert "unknown: passed" in page and not (tmp_path / "h").exists()  # kept out of the history


@pytest.mark.parametrize("target", ["out", "history", "output"])
def test_an_output_that_is_a_folder_or_a_file_in_the_way_is_one_line(tmp_path, capsys, target):
    good = _write(tmp_path / "good.json", GOOD)
    folder, afile = tmp_path / "folder", _write(tmp_path / "afile", "x")
    folder.mkdir()
    argv = {
        "out": ["report", "--results", good, "--history", tmp_path / "h", "--out", folder],
        "history": ["report", "--results", good, "--history", afile, "--out", tmp_path / "s.html"],
        "output": ["gate", "--baseline", good, "--candidate", good, "--output", folder],
    }[target]
    code, _, err = run(argv, capsys)
    assert code == 2 and str(folder if target != "history" else afile) in one_line(err)


def test_a_hostile_started_at_stays_inside_the_history_folder(tmp_path, capsys):
    results = _write(tmp_path / "r.json", _with(lambda d: d.update(started_at="../../../escaped")))
    history = tmp_path / "a" / "history"
    code, _, _ = run(
        ["report", "--results", results, "--history", history, "--out", tmp_path / "s.html"], capsys
    )
    created = {p for p in tmp_path.rglob("*") if p.is_file()} - {results, tmp_path / "s.html"}
    assert code == 0 and len(created) == 1 and all(p.parent == history for p in created), created


def test_no_key_reaches_the_summary_the_history_or_the_gate(tmp_path, capsys, monkeypatch):
    canary = "sk-canary-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", canary)
    leaky = _with(
        lambda d: d["results"][0].update(
            verdict="fail",
            reason=f"echoed {canary}",
            model=canary,
            findings=[{"severity": "violation", "message": f"key {canary} & Bearer {canary}"}],
        )
    )
    results, history = _write(tmp_path / "r.json", leaky), tmp_path / "h"
    assert (
        run(["report", "--results", results, "--history", history, "--out", tmp_path / "s.html"], capsys)[0]
        == 0
    )
    code, out, _ = run(
        [
            "gate",
            "--baseline",
            _write(tmp_path / "g.json", GOOD),
            "--candidate",
            results,
            "--output",
            tmp_path / "gate.md",
        ],
        capsys,
    )
    assert code == 1 and "New failures (1)" in out and canary not in out
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name not in ("r.json",)]
    assert {p.name for p in written} >= {"s.html", "gate.md"} and len(list(history.iterdir())) == 1
    assert [p for p in written if canary in p.read_text()] == []
    assert "&lt;redacted&gt;" in (tmp_path / "s.html").read_text()  # redacted as read, escaped as any text


def test_gate_markdown_from_hostile_strings_is_inert(tmp_path, capsys):
    hostile = "x](javascript:alert(1)) <img src=x onerror=alert(1)> `code` @everyone\n# heading | t |"
    bad = _with(
        lambda d: d["results"][0].update(
            verdict="fail",
            check=hostile,
            model=hostile,
            findings=[{"severity": "violation", "message": hostile}],
        )
    )
    code, out, _ = run(
        [
            "gate",
            "--baseline",
            _write(tmp_path / "g.json", GOOD),
            "--candidate",
            _write(tmp_path / "b.json", bad),
        ],
        capsys,
    )
    row = next(line for line in out.splitlines() if line.startswith("- `aimlapi`"))
    assert code == 1 and "\\<img" in row and "\\](javascript" in row and "\n# heading" not in out
    assert "@\u200beveryone" in row
    # the provider's code span only: the model holds a tag's `<`, so it is escaped text, never a code span a
    # lax renderer might open, and its backtick cannot close one
    assert len(re.findall(r"(?<!\\)`", row)) == 2 and "<" not in row.replace("\\<", "")
