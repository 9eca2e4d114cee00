"""Mutated results, history and drift files through `gate` and `report`: the promise holds for every one.

Keys dropped, values nulled or given the wrong type, numbers as strings, deep nesting, unknown keys and
verdict words, broken JSON: the exit code is 0, 1 or 2, stderr is at most one line and never a traceback,
each run is quick, "no regression" and a written history copy need a candidate that judged something in
known words, and nothing is written outside the run's folder.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatconform.cli import main
from chatconform.model.verdict import VERDICTS

OBS = {
    "status": 200,
    "finish_reasons": ["stop", None],
    "completion_tokens": 12,
    "model": "m",
    "no_limit_sent": True,
}
FINDING = {
    "check": "c",
    "severity": "violation",
    "kind": "claim",
    "at": "$.x",
    "message": "bad",
    "says": "q",
    "source": "https://example.org/doc",
    "extra": {"subject": "s", "consequence": "c", "sides": [{"source": "a", "says": "b"}]},
}


def _entry(i: int, verdict: str) -> dict:
    return {
        "provider": "p",
        "model": f"m{i % 2}",
        "check": f"check.{i}",
        "verdict": verdict,
        "origin": "live",
        "exchange": f"ex{i}",
        "findings": [copy.deepcopy(FINDING)] if verdict != "pass" else [],
        "duration_s": 0.1,
        "reason": "why" if verdict != "pass" else None,
        "test_id": f"t{i}",
        "observations": dict(OBS),
    }


RESULTS = {
    "schema": "chatconform-results/1",
    "tool_version": "0",
    "mode": "replay",
    "started_at": "2026-01-01T00:00:00+00:00",
    "finished_at": "2026-01-01T00:01:00+00:00",
    "python": "3",
    "counts": {"pass": 2},
    "specs": {
        "p/s": {
            "path": "specs/p/s.json",
            "sha256": "a" * 64,
            "openapi": "3.0.0",
            "url": "https://example.org/s.json",
            "lint": [],
        }
    },
    "spend": {"spent_usd": 0.01, "limit_usd": 1.0, "requests": 2, "tokens": 30, "refused": 0},
    "results": [
        _entry(0, "pass"),
        _entry(1, "fail"),
        _entry(2, "xfail"),
        _entry(3, "conflict"),
        _entry(4, "unavailable"),
    ],
}
DRIFT = {
    "changes": [{"path": "POST /x", "kind": "bound-loosened", "breaking": False, "detail": "1 -> 2"}],
    "breaking": False,
}

ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.sampled_from(["1.5", "0", "pass", "passed", "", "<script>x</script>", *VERDICTS]),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.text(max_size=3), st.none(), max_size=2),
)


WORDS = [*VERDICTS, "unavailable", "not-run", "gap", "passed", "PASS", "skipped", "", "<b>x</b>"]


def _paths(value, prefix=()):
    """Every path (tuple of keys and indexes) in a JSON value down to 8 levels, itself included."""
    yield prefix
    if len(prefix) >= 8:  # a planted deep value is not walked again
        return
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, prefix + (key,))


def _deep(depth: int):
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def mutated(draw, base):
    """A copy of `base` changed at a few places, or (rarely) a document that is not JSON at all."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from(["", "{", "[]", "null", '{"results": [', "\udcff", '{"results": [] } x']))
    doc = copy.deepcopy(base)
    if "results" in doc and draw(st.booleans()):  # the verdicts themselves: unknown words, nothing judged
        same = draw(st.one_of(st.none(), st.sampled_from(WORDS)))  # every row one word, or each its own
        for row in doc["results"]:
            row["verdict"] = same or (draw(st.sampled_from(WORDS)) if draw(st.booleans()) else row["verdict"])
        return doc
    for _ in range(draw(st.integers(1, 3))):
        places = list(_paths(doc))
        path = draw(st.sampled_from(places[1:] or places))
        if not path:
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        how = draw(st.sampled_from(["drop", "odd", "odd", "deep", "extra", "number-as-text"]))
        key = path[-1]
        if how == "drop":
            del parent[key]
        elif how == "odd":
            parent[key] = draw(ODD)
        elif how == "deep":
            parent[key] = _deep(
                draw(st.sampled_from([5, 201, 600]))
            )  # the limit is 200; 10^5 is a named case
        elif how == "extra" and isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(["verdcit", "x", "model"]))] = draw(ODD)
        elif how == "number-as-text":
            parent[key] = str(parent[key])
    return doc


def _write(path: Path, doc) -> Path:
    text = doc if isinstance(doc, str) else json.dumps(doc)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def _run(argv) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue(), time.monotonic() - start


def _promise(code: int, err: str, seconds: float) -> None:
    assert code in (0, 1, 2, 6), code
    assert err.count("\n") <= 1 and "Traceback" not in err, err
    assert code != 2 or err.startswith("chatconform: "), err
    assert seconds < 5, seconds


def _judged_in_known_words(doc) -> bool:
    rows = doc.get("results") if isinstance(doc, dict) else None
    return (
        isinstance(rows, list)
        and all(isinstance(r, dict) and r.get("verdict") in VERDICTS for r in rows)
        and any(r.get("verdict") in ("pass", "fail", "xfail") for r in rows)
    )


FAST = settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(
    baseline=st.one_of(st.just(RESULTS), mutated(RESULTS)),
    candidate=mutated(RESULTS),
    drift=st.one_of(st.none(), st.just(DRIFT), mutated(DRIFT)),
)
def test_gate_on_mutated_files_keeps_the_promise(baseline, candidate, drift):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        argv = [
            "gate",
            "--baseline",
            _write(folder / "old.json", baseline),
            "--candidate",
            _write(folder / "new.json", candidate),
            "--output",
            folder / "gate.md",
        ]
        if drift is not None:
            argv += ["--drift", _write(folder / "drift.json", drift)]
        code, out, err, seconds = _run(argv)
        _promise(code, err, seconds)
        if code == 0:
            assert "gate: no regression" in out and _judged_in_known_words(candidate)
        if "gate: no regression" in out:  # 6: no regression among what was judged, the rest not acknowledged
            assert code == (6 if "are not acknowledged (exit 6)" in out else 0)
        assert {p.name for p in folder.iterdir()} <= {"old.json", "new.json", "drift.json", "gate.md"}


@FAST
@given(results=mutated(RESULTS), history=st.one_of(st.none(), st.just(RESULTS), mutated(RESULTS)))
def test_report_on_mutated_files_keeps_the_promise(results, history):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = folder / "history"
        runs.mkdir()
        if history is not None:
            _write(runs / "results-2025.json", history)
        code, _, err, seconds = _run(
            [
                "report",
                "--results",
                _write(folder / "results.json", results),
                "--history",
                runs,
                "--out",
                folder / "summary.html",
            ]
        )
        _promise(code, err, seconds)
        assert code in (0, 2)
        kept = sorted(p.name for p in runs.iterdir())
        if code == 0:
            assert (folder / "summary.html").is_file() and len(kept) == 1 + (history is not None)
            assert 'data-verdict="unknown"' not in (folder / "summary.html").read_text()
        else:
            assert kept == (["results-2025.json"] if history is not None else [])  # a bad run is not kept
        assert {p.name for p in folder.iterdir()} <= {"results.json", "history", "summary.html"}


@FAST
@given(data=mutated(RESULTS), pair=st.sampled_from(["m0=m1", "m1=m0", "m0=m0", "m0=missing", "=m1", "m0="]))
def test_the_model_gate_on_mutated_files_keeps_the_promise(data, pair):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        code, out, err, seconds = _run(
            [
                "gate",
                "--results",
                _write(folder / "run.json", data),
                "--models",
                pair,
                "--output",
                folder / "gate.md",
            ]
        )
        _promise(code, err, seconds)
        if code == 0:
            assert "gate: no regression" in out and _judged_in_known_words(data)
        if "missing" in pair or pair.startswith("=") or pair.endswith("="):
            assert code == 2 and out == ""
        assert {p.name for p in folder.iterdir()} <= {"run.json", "gate.md"}
