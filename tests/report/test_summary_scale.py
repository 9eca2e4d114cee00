"""The summary at scale (300 models x 20 checks), opened in Debian's headless Chromium.

The page is written quickly and stays a few megabytes; in the browser its headline counts what the
results hold, the CSS-only verdict filters and the search keep the rows they should (measured by a test
script the page's policy is widened for, by hash, in a copy), and an opened cell shows its evidence right
below the cell.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections import Counter

import pytest

from chatconform.cli import main
from tests.report.synthetic import write
from tests.report.test_reports import chromium

ORDER = ("fail", "xfail", "unavailable", "gap", "not-run", "conflict", "pass")


def cells(results: dict) -> dict:
    """{(provider, model, check): worst verdict}, computed here apart from the page's own code; two documents
    disagreeing (no model) are a cell of the provider's own row in the docs-conflict column."""
    out: dict = {}
    for r in results["results"]:
        key = (
            (r["provider"], r["model"], r["check"])
            if r["model"]
            else (r["provider"], "docs", "docs-conflict")
        )
        out[key] = min(out.get(key, "pass"), r["verdict"], key=ORDER.index)
    return out


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    results, history, current, earlier = write(folder)
    start = time.monotonic()
    code = main(
        [
            "report",
            "--results",
            str(results),
            "--history",
            str(history),
            "--out",
            str(folder / "summary.html"),
        ]
    )
    seconds = time.monotonic() - start
    assert code == 0
    return folder / "summary.html", current, earlier, seconds


def test_the_page_is_written_quickly_and_stays_small(page):
    path, current, _, seconds = page
    assert seconds < 30, seconds
    assert path.stat().st_size < 8_000_000, path.stat().st_size
    markup = path.read_text(encoding="utf-8")
    rows = len({(p, m) for p, m, _ in cells(current)})  # 300 models and the providers' documents
    assert rows == 302 and markup.count('<tr class="m"') == rows
    assert markup.count('<details name="cell">') == rows + len(cells(current))


def test_the_headline_counts_what_the_results_hold(page):
    path, current, earlier, _ = page
    now, before = cells(current), cells(earlier)
    new = {k for k, v in now.items() if v == "fail" and before.get(k) != "fail"}
    assert new  # the synthetic history makes some
    markup = path.read_text(encoding="utf-8")
    headline = markup.split('id="headline"', 1)[1].split("</section>", 1)[0]
    assert f"<b>{len(new)}</b>new failures" in headline and "<b>$0.0421</b>spend" in headline
    rows = Counter(r["verdict"] for r in current["results"])  # the cards count rows, as every other view does
    shown = dict(re.findall(r'data-card="([^"]+)" data-count="(\d+)"', headline))
    assert shown == {"new": str(len(new)), **{v: str(rows[v]) for v in ORDER}} and rows["conflict"] == 3
    assert (
        f"<b>{rows['fail']}</b>failing rows" in headline
        and f"<b>{rows['xfail']}</b>known deviations" in headline
    )
    assert markup.count("data-new ") == len(new)
    listed = markup.split('id="new"', 1)[1].split("</section>", 1)[0]
    assert f"New failures ({len(new)})" in listed and listed.count("<li><a href=") == len(new)


PROBE = """window.addEventListener('load',function(){
function shown(){var n=0;
document.querySelectorAll('tr.m').forEach(function(r){if(r.offsetParent!==null)n++;});return n;}
var out={all:shown()};
document.getElementById('f-fail').checked=true;out.fail=shown();
document.getElementById('f-new').checked=true;out.new=shown();
document.getElementById('f-all').checked=true;
var q=document.getElementById('q');out.q_hidden=q.hidden;
q.value='MODEL-00';q.dispatchEvent(new Event('input'));
out.search=shown();q.value='';q.dispatchEvent(new Event('input'));out.cleared=shown();
var d=document.querySelector('td[data-new] details');d.open=true;var p=d.querySelector('.panel');
var s=d.querySelector('summary').getBoundingClientRect(),b=p.getBoundingClientRect();
out.panel={below:b.top>=s.bottom-1,width:b.width,text:p.innerText.slice(0,4000)};
document.title=JSON.stringify(out);});"""


def test_filters_search_and_an_opened_cell_work_in_the_browser(page, tmp_path):
    path, current, _, _ = page
    markup = path.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(PROBE.encode()).digest()).decode()
    probed = markup.replace("script-src ", f"script-src &#x27;sha256-{digest}&#x27; ", 1)
    probed = probed.replace("</body>", f"<script>{PROBE}</script></body>", 1)
    copy = tmp_path / "probed.html"
    copy.write_text(probed, encoding="utf-8")
    dom = chromium(
        tmp_path, copy.as_uri(), "--dump-dom", "--virtual-time-budget=20000", "--window-size=1400,900"
    )
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    seen = json.loads(
        title.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    )
    now = cells(current)
    models = {(p, m) for p, m, _ in now}
    failing = {(p, m) for (p, m, _), v in now.items() if v == "fail"}
    assert (
        seen["all"] == len(models) == 302 and seen["fail"] == len(failing) < 300
    )  # 300 models, 2 providers' docs
    assert 0 < seen["new"] < seen["fail"]
    matching = {(p, m) for p, m in models if "model-00" in m}  # the search is case-insensitive
    assert seen["q_hidden"] is False and seen["search"] == len(matching) and seen["cleared"] == 302
    panel = seen["panel"]
    assert panel["below"] and panel["width"] > 600  # under its cell, as wide as the matrix
    for part in (
        "at (JSON path)",
        "$.usage.completion_tokens",
        "An upper bound for the number of tokens",
        "spec location:",
        "request (redacted, shortened)",
        "response (redacted, shortened)",
        "replay:",
    ):
        assert part in panel["text"], part


def test_screenshots_of_the_top_and_of_an_opened_cell(page, tmp_path):
    path, _, _, _ = page
    top = tmp_path / "summary_top.png"
    chromium(tmp_path, path.as_uri(), f"--screenshot={top}", "--window-size=1400,900", "--hide-scrollbars")
    markup = path.read_text(encoding="utf-8")
    first_new = markup.index("data-new ")
    opened = markup[:first_new] + markup[first_new:].replace(
        '<details name="cell">', '<details name="cell" open>', 1
    )
    opened = opened.replace('id="f-all" checked>', 'id="f-all">').replace(
        'id="f-new">', 'id="f-new" checked>'
    )
    copy = tmp_path / "opened.html"
    copy.write_text(opened, encoding="utf-8")
    cell = tmp_path / "summary_cell.png"
    chromium(tmp_path, copy.as_uri(), f"--screenshot={cell}", "--window-size=1400,1300", "--hide-scrollbars")
    assert top.stat().st_size > 50_000 and cell.stat().st_size > 50_000
