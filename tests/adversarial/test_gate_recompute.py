"""`gate`, `merge` and `report` recompute what a results file claims instead of trusting it.

A row whose verdict is better than its own findings (a `pass` holding a violation), an unknown verdict word
given to `merge`, a model named twice in `--models` are one-line errors (exit 2); every provider-supplied
string reaches the gate's markdown inert: no raw tag, no @mention, no line or table it could break.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.adversarial.test_gate_report_inputs import GOOD, entry, one_line, run

VIOLATION = {"severity": "violation", "check": "usage.total_is_sum", "message": "total_tokens 99 != 12"}


def _write(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _lying(verdict: str) -> dict:
    """GOOD with its first row given `verdict` while holding a violation finding."""
    return {**GOOD, "results": [entry(1, verdict, findings=[VIOLATION]), *GOOD["results"][1:]]}


@pytest.mark.parametrize("verdict", ["pass", "gap", "unavailable", "not-run"])
def test_a_verdict_its_findings_contradict_is_an_error_in_gate_merge_and_report(tmp_path, capsys, verdict):
    good, lying = _write(tmp_path / "good.json", GOOD), _write(tmp_path / "lying.json", _lying(verdict))
    for argv in (
        ["gate", "--baseline", good, "--candidate", lying],
        ["gate", "--baseline", lying, "--candidate", good],
        ["merge", lying, "--output", tmp_path / "merged.json"],
        ["report", "--results", lying, "--history", tmp_path / "h", "--out", tmp_path / "s.html"],
    ):
        code, out, err = run(argv, capsys)
        assert code == 2 and "no regression" not in out and "lying.json" in one_line(err), (argv, err)
        assert "$.results[0].verdict" in err and "violation" in err
    assert not (tmp_path / "merged.json").exists() and not (tmp_path / "s.html").exists()


@pytest.mark.parametrize("verdict", ["fail", "xfail"])
def test_a_failure_with_its_violation_is_taken(tmp_path, capsys, verdict):
    judged = {**GOOD, "results": [entry(1, verdict, findings=[VIOLATION]), entry(2, "pass")]}  # no gap
    code, out, _ = run(
        [
            "gate",
            "--baseline",
            _write(tmp_path / "g.json", GOOD),
            "--candidate",
            _write(tmp_path / "f.json", judged),
        ],
        capsys,
    )
    assert code == (1 if verdict == "fail" else 0) and ("New failures (1)" in out) == (verdict == "fail")


@pytest.mark.parametrize("word", ["passed", "PASS", "ok", ""])
def test_merge_and_gate_refuse_a_verdict_word_they_do_not_know(tmp_path, capsys, word):
    good = _write(tmp_path / "good.json", GOOD)
    odd = _write(tmp_path / "odd.json", {**GOOD, "results": [entry(9, word)]})
    code, _, err = run(["merge", good, odd, "--output", tmp_path / "merged.json"], capsys)
    assert code == 2 and f"{word!r}" in one_line(err) and "odd.json" in err
    assert not (tmp_path / "merged.json").exists()
    code, out, err = run(
        ["gate", "--baseline", good, "--candidate", odd, "--output", tmp_path / "g.md"], capsys
    )
    assert code == 2 and f"{word!r}" in one_line(err) and "no regression" not in out
    assert "cannot compare" in (tmp_path / "g.md").read_text()  # the comment still says why


def _two_models() -> dict:
    return {**GOOD, "results": [entry(1, model="A"), entry(2, model="B"), entry(3, model="C")]}


@pytest.mark.parametrize(
    "pairs,why",
    [
        (["A=A"], "with itself"),
        (["A=B", "A=B"], "'A' is the baseline of two pairs"),
        (["A=B", "A=C"], "'A' is the baseline of two pairs"),
        (["A=C", "B=C"], "'C' is the candidate of two pairs"),
    ],
)
def test_a_model_named_twice_in_models_is_one_line_exit_2(tmp_path, capsys, pairs, why):
    results = _write(tmp_path / "r.json", _two_models())
    code, out, err = run(["gate", "--results", results, *[a for p in pairs for a in ("--models", p)]], capsys)
    assert code == 2 and out == "" and why in one_line(err)


def test_the_same_model_in_two_runs_is_still_compared(tmp_path, capsys):
    old, new = _write(tmp_path / "old.json", _two_models()), _write(tmp_path / "new.json", _two_models())
    code, out, _ = run(["gate", "--baseline", old, "--candidate", new, "--models", "A=A"], capsys)
    assert code == 0 and "no regression" in out


HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> @octocat | a | b |\n# heading\n- item"


def test_no_provider_string_reaches_the_gate_markdown_as_a_tag_a_mention_or_a_line(tmp_path, capsys):
    def hostile(i: int, verdict: str) -> dict:
        findings = [{**VIOLATION, "message": HOSTILE}] if verdict == "fail" else []
        seen = {"finish_reasons": [HOSTILE], "model": HOSTILE}
        return entry(
            i,
            verdict,
            provider=HOSTILE,
            model=HOSTILE,
            check=f"c{i}{HOSTILE}",
            exchange=HOSTILE,
            reason=HOSTILE,
            findings=findings,
            observations=seen,
        )

    old = {
        "results": [hostile(1, "pass"), hostile(2, "fail"), hostile(3, "pass")],
        "specs": {HOSTILE: {"sha256": HOSTILE}},
        "spend": {"usd": 0.1},
    }
    new = {
        "results": [hostile(1, "fail"), hostile(2, "pass"), hostile(3, "unavailable")],
        "specs": {HOSTILE: {"sha256": "b" * 64}},
        "spend": {"usd": 0.2},
    }
    code, out, _ = run(
        [
            "gate",
            "--baseline",
            _write(tmp_path / "old.json", old),
            "--candidate",
            _write(tmp_path / "new.json", new),
            "--output",
            tmp_path / "gate.md",
        ],
        capsys,
    )
    assert code == 1 and out.count("\\<script>") >= 6
    assert re.findall(r"(?<!\\)<", out) == []  # every `<` escaped, in code spans too (no renderer sees a tag)
    assert re.findall(r"(?<![\\\w])@(?!\u200b)", out) == []  # no @mention
    assert "\n# heading" not in out and "\n- item" not in out  # no line of a provider's own
    assert re.findall(r"(?<!\\)\|", out) == []  # no table cell it could open or break
    assert (tmp_path / "gate.md").read_text().strip() == out.strip()
