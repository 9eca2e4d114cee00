"""`chatconform compare`: tables per model, hostile strings made inert in HTML and Markdown, the history."""

import json
import re

import pytest

from chatconform.cli import main
from chatconform.measures.results import Cost, MeasureResult
from chatconform.reporting.compare import keep, load_runs, markdown, page, tables, trends

HOSTILE = (
    "<script>alert(1)</script> | @octocat [x](javascript:alert(1)) ![i](http://e.test/i.png) `code`\n# head"
)


def result(
    subject="ref", measure="temperature", dialect="openai-chat", verdict="honoured", model="m", **more
):
    base = dict(
        measure=measure,
        dialect=dialect,
        subject=subject,
        model=model,
        verdict=verdict,
        successes=5,
        trials=5,
        attempted=5,
        low=0.53,
        high=1.0,
        cost=Cost(10, 200, 0.0),
    )
    return MeasureResult(**{**base, **more})


def write(path, *results, subject="ref"):
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "subject": {"name": subject},
                "measured_at": "2026-01-01",
                "results": [r.to_dict() for r in results],
            }
        )
    )
    return path


def test_one_table_per_model_subjects_as_columns_rows_in_the_catalogs_order(tmp_path):
    runs = load_runs(
        [
            write(tmp_path / "a.json", result(measure="stop"), result(), result(model="other")),
            write(tmp_path / "b.json", result("llama", verdict="ignored", successes=0, low=0, high=0.4)),
        ]
    )
    found = tables(runs)
    assert [t.model for t in found] == ["m", "other"]
    assert found[0].subjects == ["ref", "llama"] and [r.measure for r in found[0].rows] == [
        "temperature",
        "stop",
    ]
    text = markdown(found)
    assert (
        "| temperature | openai-chat | > 0.5 @ 95% | ✅ honoured 5/5 [0.53, 1.00] · 10 req | ❌ ignored 0/5"
        in text
    )
    assert "| stop | openai-chat | > 0.5 @ 95% | ✅ honoured 5/5 [0.53, 1.00] · 10 req | — |" in text


def test_every_provider_supplied_string_is_inert_in_the_markdown(tmp_path):
    bad = result(
        HOSTILE,
        verdict="broken",
        model=HOSTILE,
        reason=HOSTILE,
        notes=[HOSTILE],
        quote={"says": HOSTILE, "source": "javascript:alert(1)"},
        dialect=HOSTILE,
    )
    text = markdown(tables(load_runs([write(tmp_path / "a.json", bad, result())])))
    outside = re.sub(r"`[^`\n]*`", "", text)  # a code span shows its text literally: nothing in it is active
    assert not re.search(r"(?<!\\)<", outside) and "@octocat" not in outside and "![" not in outside
    assert not re.search(r"(?<!\\)\]\(", outside) and "\n# head" not in text
    for line in text.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == len(re.split(r"(?<!\\)\|", text.splitlines()[6])), line  # no broken table


def test_every_provider_supplied_string_is_escaped_in_the_page_and_it_runs_no_script(tmp_path):
    bad = result(
        HOSTILE,
        verdict="broken",
        model=HOSTILE,
        reason=HOSTILE,
        notes=[HOSTILE],
        quote={"says": HOSTILE, "source": "javascript:alert(1)"},
        numbers={HOSTILE: HOSTILE},
    )
    html = page(tables(load_runs([write(tmp_path / "a.json", bad)])), [])
    assert "<script" not in html.replace("&lt;script", "") and 'href="javascript' not in html
    assert "script-src" not in html and "default-src &#x27;none&#x27;" in html and "&lt;script&gt;" in html


def test_the_history_keeps_each_distinct_comparison_once_and_the_trend_is_inline_svg(tmp_path):
    history = tmp_path / "history"
    first = load_runs([write(tmp_path / "a.json", result(successes=2, trials=5, verdict="inconclusive"))])
    second = load_runs([write(tmp_path / "b.json", result())])
    assert keep(history, first) and keep(history, first) is None and keep(history, second)
    shots = trends(history)
    assert len(shots) == 2
    html = page(tables(second), shots)
    svg = re.search(r"<svg.*?</svg>", html).group(0)
    assert "<polyline" in svg and "stroke-dasharray" in svg  # the rate over runs and the threshold
    (history / "0000-broken.json").write_text("{not json")
    assert len(trends(history)) == 2  # one bad file stops nothing


def test_the_history_drops_the_oldest_past_its_cap(tmp_path, monkeypatch):
    monkeypatch.setattr("chatconform.reporting.compare.table.KEEP", 5)
    history = tmp_path / "history"
    for n in range(5 + 3):
        keep(history, load_runs([write(tmp_path / "r.json", result(successes=n % 6, trials=5, attempted=n))]))
    shots = trends(history)
    assert len(shots) == 5 and shots[-1]["results"][0].attempted == 5 + 2
    assert shots[0]["results"][0].attempted == 3  # the three oldest went


def test_the_command_writes_both_reports_and_a_bad_file_is_one_line(tmp_path, capsys):
    good = write(tmp_path / "a.json", result())
    code = main(
        [
            "compare",
            str(good),
            "--history",
            str(tmp_path / "h"),
            "--html",
            str(tmp_path / "c.html"),
            "--markdown",
            str(tmp_path / "c.md"),
        ]
    )
    assert code == 0 and (tmp_path / "c.html").exists() and "### Model `m`" in (tmp_path / "c.md").read_text()
    (tmp_path / "bad.json").write_text(json.dumps({"format": 1, "results": [{"measure": 1}]}))
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "bad.json"), "--history", str(tmp_path / "h")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.json" in err[0] and "chatconform:" in err[0]


@pytest.mark.parametrize("content", ["[]", '{"format": 2, "results": []}', "not json"])
def test_a_file_that_is_not_measure_results_is_refused(tmp_path, content):
    from chatconform.model.errors import ChatconformError

    (tmp_path / "x.json").write_text(content)
    with pytest.raises(ChatconformError):
        load_runs([tmp_path / "x.json"])
