"""make report: the Allure 3 HTML and the summary page, opened in Debian's headless Chromium."""

import html
import json
import re

import pytest

from tests.report.browser import chromium, served

# the session's report (conftest.py): two replay runs of every cassette, then Allure: minutes on a shared
# machine, past the default 300 s
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def test_summary_page_shows_the_matrix_in_a_real_browser(reports, tmp_path):
    dom = chromium(tmp_path, (reports / "summary.html").as_uri(), "--dump-dom")
    assert 'id="matrix"' in dom and 'data-verdict="xfail"' in dom and 'data-verdict="gap"' in dom
    assert "limits.completion_within_max_tokens" in dom and "Docs conflicts" in dom and "Spec versions" in dom
    shot = tmp_path / "summary.png"
    chromium(tmp_path, (reports / "summary.html").as_uri(), f"--screenshot={shot}", "--window-size=1400,900")
    assert shot.stat().st_size > 20_000
    checks = dom.split('id="checks"', 1)[1]
    trend = checks.split("limits.completion_within_max_tokens", 1)[1].split("</tr>", 1)[0]
    assert trend.count('class="t"') == 2  # two runs of history
    assert 'id="headline"' in dom and "known deviations" in dom and "new failures" in dom
    assert (
        "chatconform verify cassettes/" in dom and "at (JSON path)" in dom
    )  # each cell opens on its evidence
    page = (reports / "summary.html").read_text(encoding="utf-8")
    policy = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    )
    script_src = policy.split("script-src", 1)[1].split(";", 1)[0].split()
    assert len(script_src) == 1 and script_src[0].startswith("'sha256-")  # the page's own search, by hash
    assert page.count("<script") == 1


def test_allure_html_renders_the_results(reports, tmp_path):
    with served(reports / "html") as base:
        dom = chromium(tmp_path, f"{base}/index.html", "--dump-dom", "--virtual-time-budget=15000")
    assert "chatconform conformance" in dom and "Passed" in dom
    history = (reports / "history" / "allure-history.jsonl").read_text().splitlines()
    assert len(history) == 2


def test_results_json_carries_labels_and_redacted_attachments(reports):
    results = json.loads((reports / "results.json").read_text())
    assert {"specs", "spend", "counts", "results", "started_at", "finished_at"} <= set(results)
    labelled = [json.loads(p.read_text()) for p in (reports / "allure-results").glob("*-result.json")]
    labels = {(lab["name"], lab["value"]) for r in labelled for lab in r.get("labels", [])}
    assert ("epic", "aimlapi") in labels and ("feature", "google/gemini-2.5-pro") in labels
    assert ("story", "limits.completion_within_max_tokens") in labels
    attachments = {a["name"] for r in labelled for a in r.get("attachments", [])}
    assert {"request and response (redacted)", "findings (with JSON paths)"} <= attachments


def test_every_test_has_its_result_and_attachment_files_and_allure_finds_them(reports):
    """Result and attachment files are written by a thread (report/allure_writer.py): none may be lost."""
    folder = reports / "allure-results"
    results = [json.loads(p.read_text()) for p in folder.glob("*-result.json")]
    assert len(results) == len(json.loads((reports / "results.json").read_text())["results"])
    sources = [a["source"] for r in results for a in r.get("attachments", [])]
    assert sources and len(set(sources)) == len(
        sources
    )  # a file of its own per test: Allure 3 binds it to one
    assert all((folder / s).is_file() and (folder / s).stat().st_size for s in sources)
    assert not list(folder.glob("*.tmp"))
    shown = [json.loads(p.read_text()) for p in (reports / "html" / "data" / "test-results").glob("*.json")]
    links = [s["link"] for r in shown for s in r.get("steps", []) if s.get("type") == "attachment"]
    assert len(links) == len(sources) and not [link for link in links if link.get("missed")]
