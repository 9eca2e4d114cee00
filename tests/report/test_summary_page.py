"""The summary page's structure, read from its markup: one cell per (provider, model, check), grouping by
provider and vendor, the replay command, a re-run of `report`, and excerpts written scrubbed and short.
"""

from __future__ import annotations

import json
import re

from chatconform.cli import main
from chatconform.model.exchange import Exchange, Request, Response
from chatconform.reporting._results_file import load_results
from chatconform.reporting.results import ResultsLog


def entry(
    model: str, check: str, verdict: str, origin: str = "cassette", exchange: str | None = None, **over
):
    base = {
        "provider": "p",
        "model": model,
        "check": check,
        "verdict": verdict,
        "origin": origin,
        "exchange": exchange or f"cassettes/p/{model.replace('/', '-')}/basic.yaml#0",
        "findings": [],
        "duration_s": 0.0,
        "reason": None,
        "test_id": f"{model}-{check}-{origin}",
        "observations": {},
    }
    if verdict == "fail":
        base["findings"] = [
            {
                "check": check,
                "severity": "violation",
                "kind": "claim",
                "at": "$.usage.total_tokens",
                "message": "total_tokens 13 is not 12",
                "says": "Total number of tokens used.",
                "source": "https://example.org/spec#usage",
            }
        ]
    return {**base, **over}


def report(tmp_path, rows, started="2026-03-03T03:00:00+00:00") -> str:
    data = {"schema": "chatconform-results/1", "mode": "replay", "started_at": started, "results": rows}
    (tmp_path / "results.json").write_text(json.dumps(data))
    code = main(
        [
            "report",
            "--results",
            str(tmp_path / "results.json"),
            "--history",
            str(tmp_path / "history"),
            "--out",
            str(tmp_path / "summary.html"),
        ]
    )
    assert code == 0
    return (tmp_path / "summary.html").read_text(encoding="utf-8")


def model_row(page: str, model: str) -> str:
    return page.split(f"<summary>{model}</summary>", 1)[1].split('<tr class="m"', 1)[0]


def test_a_live_row_and_a_replay_row_of_a_model_and_check_are_one_cell(tmp_path):
    rows = [
        entry("google/a", "usage.total_is_sum", "pass"),
        entry("google/a", "usage.total_is_sum", "fail", origin="live", exchange="p-google-a/basic"),
        entry("google/a", "schema", "pass"),
    ]
    row = model_row(report(tmp_path, rows), "google/a")
    assert row.count('<td class="v') == 2 and row.count('data-verdict="fail"') == 1
    cell = row.split('data-verdict="fail"', 1)[1].split("</details></td>", 1)[0]
    assert "<summary>fail ×2</summary>" in cell
    live, replay = (
        cell.index("live · <code>p-google-a/basic"),
        cell.index("cassettes/p/google-a/basic.yaml#0"),
    )
    assert live < replay  # the row behind the verdict first
    assert (
        "replay:</b> none: a live call" in cell
        and "chatconform verify cassettes/p/google-a/basic.yaml" in cell
    )
    assert "$.usage.total_tokens" in cell and "“Total number of tokens used.”" in cell
    assert '<a href="https://example.org/spec#usage"' in cell


def test_models_are_grouped_by_provider_and_vendor(tmp_path):
    rows = [entry(m, "schema", "pass") for m in ("openai/c", "google/b", "bare-model", "google/a")]
    page = report(tmp_path, rows)
    groups = re.findall(r'<tr class="gh"><th colspan="2">([^<]*)<small>\((\d+) model', page)
    assert groups == [("p · (no vendor prefix) ", "1"), ("p · google ", "2"), ("p · openai ", "1")]
    assert page.index("<summary>google/a</summary>") < page.index("<summary>google/b</summary>")


def test_the_replay_command_quotes_a_path_a_shell_would_split(tmp_path):
    page = report(tmp_path, [entry("m", "schema", "pass", exchange="cassettes/a b/x;y.yaml#3")])
    assert "chatconform verify &#x27;cassettes/a b/x;y.yaml&#x27;" in page


def test_a_known_deviation_shows_its_reason_with_its_link(tmp_path):
    reason = "known deviation: usage counted apart (https://example.org/deviation)."
    page = report(tmp_path, [entry("m", "usage.total_is_sum", "xfail", reason=reason)])
    assert (
        'usage counted apart (<a href="https://example.org/deviation" rel="noopener noreferrer nofollow">'
        in page
    )


def test_report_run_twice_on_one_run_does_not_compare_it_with_itself(tmp_path):
    rows = [entry("m", "schema", "fail")]
    first = report(tmp_path, rows)
    second = report(tmp_path, rows)
    for page in (first, second):
        headline = page.split('id="headline"', 1)[1].split("</section>", 1)[0]
        assert "<b>–</b>new failures" in headline and "no previous run in the history" in headline
        trend = page.split('id="checks"', 1)[1].split("</tr>", 2)[1]
        assert trend.count('class="t"') == 1
    later = report(tmp_path, rows + [entry("n", "schema", "fail")], started="2026-03-04T03:00:00+00:00")
    assert "<b>1</b>new failures" in later and 'href="#' in later.split('id="new"', 1)[1]


def test_the_history_keeps_verdicts_not_evidence_and_still_tells_what_is_new(tmp_path):
    evidence = {
        "excerpt": {"request": "POST /v1/chat/completions " + "x" * 500, "response": "200 {}"},
        "observations": {"status": 200, "model": "m"},
    }
    warned = [{"check": "usage.prompt", "severity": "warning", "message": "prompt_tokens is 0"}]
    rows = [
        entry("m", "schema", "pass", **evidence),
        entry("m", "usage.prompt", "pass", findings=warned, **evidence),
    ]
    report(tmp_path, rows)
    (copy,) = (tmp_path / "history").glob("results-*.json")
    kept = json.loads(copy.read_text())
    assert "specs" not in kept and all(
        set(r) == {"provider", "model", "check", "verdict", "findings"} for r in kept["results"]
    )
    assert [r["findings"] for r in kept["results"]] == [[], [{"severity": "warning"}]]
    later = report(
        tmp_path,
        [entry("m", "schema", "fail"), entry("m", "usage.prompt", "pass", findings=warned)],
        started="2026-03-04T03:00:00+00:00",
    )
    assert "<b>1</b>new failures" in later  # schema: pass before, fail now
    trend = later.split('id="checks"', 1)[1].split("<code>usage.prompt</code>", 1)[1].split("</tr>", 1)[0]
    assert trend.count('title="warn"') == 2  # the warning survived in the compact copy


def exchange(secret: str, body: bytes, content_type: str = "application/json") -> Exchange:
    request = Request(
        "POST",
        "https://api.example.org/v1/chat/completions",
        {"Authorization": f"Bearer {secret}", "content-type": "application/json"},
        json.dumps({"model": "m", "messages": [{"role": "user", "content": "x" * 300}]}).encode(),
    )
    return Exchange(
        request,
        Response(200, {"content-type": content_type}, body),
        origin="live",
        provider="p",
        model="m",
        label="p-m/basic",
    )


def test_an_excerpt_is_scrubbed_before_it_is_cut_and_keeps_the_shape(tmp_path):
    secret = "sk-test-0123456789abcdefghij"
    body = json.dumps(
        {
            "id": "c",
            "choices": [
                {"index": 0, "message": {"content": f"echo {secret} " + "y" * 500}, "finish_reason": "length"}
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12},
        }
    ).encode()
    log = ResultsLog()
    log.add(
        provider="p",
        model="m",
        check="c",
        verdict="pass",
        origin="live",
        label="p-m/basic",
        findings=[],
        exchange=exchange(secret, body),
    )
    excerpt = log.entries[0]["excerpt"]
    assert secret not in json.dumps(excerpt) and "Bearer" not in excerpt["request"]
    assert (
        excerpt["request"].startswith('POST /v1/chat/completions {"model":"m"')
        and len(excerpt["request"]) <= 400
    )
    assert (
        '"finish_reason":"length"' in excerpt["response"] and '"completion_tokens":9' in excerpt["response"]
    )
    assert excerpt["response"].startswith("200 application/json") and "y" * 100 not in excerpt["response"]
    assert load_results(log.write(tmp_path))["results"][0]["excerpt"] == excerpt  # the reader takes it


def test_a_stream_excerpt_keeps_its_first_and_last_events(tmp_path):
    chunks = [json.dumps({"choices": [{"index": 0, "delta": {"content": f"w{i}"}}]}) for i in range(10)]
    body = "".join(f"data: {c}\n\n" for c in chunks + ["[DONE]"]).encode()
    log = ResultsLog()
    log.add(
        provider="p",
        model="m",
        check="c",
        verdict="pass",
        origin="live",
        label="l",
        findings=[],
        exchange=exchange("sk-test-0123456789abcdefghij", body, "text/event-stream"),
    )
    response = log.entries[0]["excerpt"]["response"]
    assert response.startswith("200 text/event-stream data: ") and "w0" in response and "w2" in response
    assert (
        "w3" not in response and "… 6 more lines …" in response and "w9" in response and "[DONE]" in response
    )


def test_odd_usage_types_from_a_provider_are_kept_out_of_the_observations(tmp_path):
    body = (
        json.dumps(
            {
                "model": 7,
                "choices": [{"finish_reason": {"x": 1}}],
                "usage": {"completion_tokens": "9", "prompt_tokens": True},
                "meta": {"usage": {"usd_spent": 1e400}},
            }
        )
        .encode()
        .replace(b"Infinity", b"1e400")
    )
    log = ResultsLog()
    log.add(
        provider="p",
        model="m",
        check="c",
        verdict="pass",
        origin="live",
        label="l",
        findings=[],
        exchange=exchange("sk-test-0123456789abcdefghij", body),
    )
    obs = log.entries[0]["observations"]
    assert obs["completion_tokens"] is None and obs["prompt_tokens"] is None and obs["usd"] is None
    assert obs["model"] == "7" and obs["finish_reasons"] == ['{"x": 1}']
    load_results(log.write(tmp_path))  # a file the summary and the gate can read


def test_check_summarises_what_it_wrote_as_the_file_reads_and_never_a_file_changed_since(tmp_path):
    from chatconform.providers import ProviderData
    from chatconform.pytest_plugin.handoff import CheckRun
    from chatconform.reporting.summary import write_summary

    log = ResultsLog()
    log.add(
        provider="p",
        model="m",
        check="c",
        verdict="pass",
        origin="live",
        label="p-m/basic",
        findings=[],
        exchange=exchange("sk-test-0123456789abcdefghij", b'{"choices": []}'),
    )
    path = log.write(tmp_path)
    handoff = CheckRun(ProviderData.load())
    assert handoff.results(path) is None  # nothing handed back yet: read from the file
    handoff.written = log.written  # what the plugin hands back at session finish
    kept = handoff.results(path)
    assert kept == load_results(path)  # what `check` hands the summary is what the file reads
    pages = []
    for given in (kept, None):
        write_summary(path, tmp_path / f"history{len(pages)}", tmp_path / "summary.html", results=given)
        pages.append((tmp_path / "summary.html").read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    path.write_text(path.read_text(encoding="utf-8").replace('"pass"', '"fail"'), encoding="utf-8")
    assert handoff.results(path) is None  # edited since: read again from the file
    assert handoff.results(tmp_path / "other.json") is None
