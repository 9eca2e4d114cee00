"""The summary of a real replay run (every committed cassette): each docs conflict quotes both documents
with their sources, every verdict (conflicts too) can be filtered in the matrix, a legend explains every
colour and mark on the page, and every link to a spec points at the spec that judged that row."""

from __future__ import annotations

import html
import json
import re
from collections import Counter

import pytest

from chatconform.model.verdict import VERDICTS

# the session's report (conftest.py): two replay runs of every cassette
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
SPEC_FILE = re.compile(r"\.(json|ya?ml)$")


def page(reports) -> str:
    return (reports / "summary.html").read_text(encoding="utf-8")


def rows(reports) -> list[dict]:
    return json.loads((reports / "results.json").read_text(encoding="utf-8"))["results"]


def test_every_docs_conflict_quotes_both_documents_with_their_sources(reports):
    conflicts = [r for r in rows(reports) if r["verdict"] == "conflict"]
    section = page(reports).split('<ul id="conflicts">', 1)[1].split('<h2 id="spend">', 1)[0]
    entries = section.split("<li><b>")[1:]
    assert conflicts and len(entries) == len(conflicts)  # 142 today: 134 documented examples, 8 page vs spec
    for entry in entries:
        sides = re.findall(r"<li>(.*?)</li>", entry.split("<ul>", 1)[1].split("</ul>", 1)[0])
        assert len(sides) == 2, entry[:300]
        for side in sides:
            source, quote = re.fullmatch(r"(.+): “(.+)”", side, re.S).groups()
            assert html.unescape(re.sub(r"<[^>]+>", "", source)).strip() and quote.strip(), side


def test_conflicts_and_every_verdict_can_be_filtered_in_the_matrix(reports):
    markup = page(reports)
    for verdict in VERDICTS:
        assert f'<input type="radio" name="f" id="f-{verdict}">' in markup
        assert f"body:has(#f-{verdict}:checked) tr.m:not(:has(td[data-verdict={verdict}]))" in markup
    present = Counter(r["verdict"] for r in rows(reports))
    matrix = markup.split('<table id="matrix">', 1)[1].split("<h2>Checks</h2>", 1)[0]
    for verdict in present:  # each verdict of the run: a chip to keep it, and cells that carry it
        assert re.search(
            rf'<label for="f-{re.escape(verdict)}" [^>]*>{re.escape(verdict)} \(\d+ cells?\)', markup
        )
        assert f'data-verdict="{verdict}"' in matrix, verdict
    painted = matrix.count('data-verdict="conflict"')
    documented = {
        (r["provider"], r["model"], r["check"]) for r in rows(reports) if r["verdict"] == "conflict"
    }
    assert painted == len({k if k[1] else (k[0], None, "docs-conflict") for k in documented}) > 0


def test_a_legend_explains_every_colour_and_mark_on_the_page(reports):
    markup = page(reports)
    legend = markup.split('<p class="legend" id="legend">', 1)[1].split("</p>", 1)[0]
    explained = set(re.findall(r'<span class="pill" style="[^"]*">([^<]+)</span>', legend))
    used = set(re.findall(r'class="v v-([a-z-]+)"', markup))  # painted cells
    used |= set(re.findall(r'<span class="t" title="([a-z-]+)"', markup)) - {"absent"}  # trend squares
    assert used and used <= explained, used - explained
    assert '<td class="e"' in markup and "blank cell" in legend  # a check that does not apply to a model
    assert 'title="absent"' not in markup or "the check was not in that run" in legend
    assert "a cell the chosen filter leaves out" in legend


def test_every_spec_link_points_at_the_spec_that_judged_its_row(reports):
    results = json.loads((reports / "results.json").read_text(encoding="utf-8"))
    specs = results["specs"]
    judged = [r for r in results["results"] if r.get("spec")]
    assert judged and all(r["spec"] in specs for r in judged)
    for row in judged:
        own = specs[row["spec"]]
        for url in re.findall(r"https?://\S+?(?=\)|$|\s)", row.get("reason") or ""):
            if SPEC_FILE.search(url):  # a link to a spec document: the one that judged this row
                assert url == own["url"], (row["model"], row["check"], url)
        for finding in row["findings"]:
            if finding.get("kind") == "spec-defect":
                assert finding["source"].startswith(own["path"] + "#"), (row["model"], finding["source"])
    qwen = [r for r in judged if r["model"] == "alibaba/qwen3-32b" and r["verdict"] == "xfail"]
    assert qwen and "qwen3-32b.json" in qwen[0]["reason"] and "gemini" not in qwen[0]["reason"].lower()
    markup = page(reports)
    cell = markup.split("<summary>alibaba/qwen3-32b</summary>", 1)[1].split('<tr class="m"', 1)[0]
    panel = cell.split('data-verdict="xfail"', 1)[1].split("</details></td>", 1)[0]
    assert f'judged against:</b> <a href="{html.escape(specs[qwen[0]["spec"]]["url"])}"' in panel
    assert "gemini" not in " ".join(re.findall(r'href="([^"]+)"', panel)).lower()
