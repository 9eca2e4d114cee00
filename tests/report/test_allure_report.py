"""The Allure report of a real replay run (`make check`, then `make report` with the project's allurerc.mjs):
grouped by provider, vendor, model and check; known deviations, gaps and docs conflicts shown as such; no
test that replay cannot run. Read from the generated data, then opened in Debian's headless Chromium."""

from __future__ import annotations

import html
import json
import re
from collections import Counter

import pytest

from tests.report.browser import chromium, served

# reuses the session's report (tests/report/conftest.py): two replay runs of every cassette, then Allure
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
KNOWN_CATEGORY = "Known deviations (declared, strict xfail)"


def rows(reports) -> list[dict]:
    return json.loads((reports / "results.json").read_text(encoding="utf-8"))["results"]


def allure_tests(reports) -> dict[str, dict]:
    """Allure's own data for every test of the report, by its node id in the tree."""
    folder = reports / "html" / "data" / "test-results"
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in folder.glob("*.json")}


def label(test: dict, name: str) -> str | None:
    return next((lab["value"] for lab in test["labels"] if lab["name"] == name), None)


def paths(reports) -> dict[str, list[str]]:
    """Each leaf of the report's tree, by node id, with the names of the groups above it (root first)."""
    tree = json.loads((reports / "html" / "widgets" / "tree.json").read_text(encoding="utf-8"))
    groups, found = tree["groupsById"], {}

    def walk(node, above):
        for leaf in node.get("leaves", []):
            found[tree["leavesById"][leaf]["nodeId"]] = above
        for child in node.get("groups", []):
            walk(groups[child], [*above, groups[child]["name"]])

    walk(tree["root"], [])
    return found


def test_the_tree_is_provider_vendor_model_check(reports):
    judged, where = allure_tests(reports), paths(reports)
    assert len(where) == len(judged) == len(rows(reports))
    for node, above in where.items():
        test = judged[node]
        model = label(test, "suite")
        vendor = [label(test, "vendor")] if label(test, "vendor") else []
        assert above == [label(test, "parentSuite"), *vendor, model, label(test, "subSuite")], test[
            "fullName"
        ]
        assert vendor == ([model.split("/")[0]] if "/" in model else [])
    placed = Counter(
        (label(t, "parentSuite"), label(t, "suite"), label(t, "subSuite")) for t in judged.values()
    )
    expected = Counter((r["provider"], r["model"] or "docs conflicts", r["check"]) for r in rows(reports))
    assert placed == expected  # one test per results.json row, under its provider, model and check
    tops = {above[0] for above in where.values()}
    assert tops == {r["provider"] for r in rows(reports)}  # no "cassettes" folder, no module paths


def test_a_known_deviation_is_shown_as_one_with_its_reason_and_link(reports):
    declared = [r for r in rows(reports) if r["verdict"] == "xfail"]
    shown = [t for t in allure_tests(reports).values() if label(t, "verdict") == "xfail"]
    assert declared and len(shown) == len(declared)
    for test in shown:
        # the row of this very test (one model and check may have several exchanges, each with its own reason)
        row = next(
            r
            for r in declared
            if (r["model"], r["check"]) == (label(test, "suite"), label(test, "subSuite"))
            and test["fullName"].endswith(r["test_id"].split("::")[-1])
        )
        reason, link = re.fullmatch(r"known deviation: (.*) \((https?://\S+)\)", row["reason"]).groups()
        assert test["status"] == "skipped" and test["name"].endswith("· known deviation")
        assert [c["name"] for c in test["categories"]] == [KNOWN_CATEGORY]
        assert "known deviation" in [lab["value"] for lab in test["labels"] if lab["name"] == "tag"]
        assert test["error"]["message"].startswith(f"XFAIL known deviation: {reason}")
        assert any(li["type"] == "issue" and li["url"] == link for li in test["links"])
        description = html.unescape(test["descriptionHtml"])
        assert (
            "<strong>Known deviation</strong>" in description
            and reason in description
            and link in description
        )


def test_replay_skips_only_known_deviations_and_shows_gaps_as_broken(reports):
    judged = allure_tests(reports).values()
    skipped = Counter(label(t, "verdict") for t in judged if t["status"] == "skipped")
    broken = Counter(label(t, "verdict") for t in judged if t["status"] == "broken")
    verdicts = Counter(r["verdict"] for r in rows(reports))
    assert skipped == {"xfail": verdicts["xfail"]} and broken == {"gap": verdicts["gap"]}  # 3 and 12 today
    assert not any("live" in t["fullName"] or label(t, "subSuite").startswith("live.") for t in judged)
    statistic = json.loads((reports / "html" / "widgets" / "statistic.json").read_text())
    assert statistic["skipped"] == verdicts["xfail"] and statistic["broken"] == verdicts["gap"]
    assert statistic["total"] == len(rows(reports)) and statistic["passed"] < statistic["total"]
    for test in (t for t in judged if label(t, "verdict") == "gap"):
        assert (
            test["error"]["message"].startswith("Skipped: ")
            and "cannot be judged: " in test["error"]["message"]
            and test["name"].endswith("· gap")
        )
        assert "<strong>Gap</strong>" in html.unescape(test["descriptionHtml"])


def test_categories_name_known_deviations_gaps_and_docs_conflicts(reports):
    categories = json.loads((reports / "html" / "widgets" / "categories.json").read_text())
    totals = {
        node["name"]: node["statistic"]["total"]
        for node in categories["nodes"].values()
        if node["type"] == "category"
    }
    verdicts = Counter(r["verdict"] for r in rows(reports))
    assert totals[KNOWN_CATEGORY] == verdicts["xfail"]
    assert totals["Gaps (could not be judged: broken, with the reason)"] == verdicts["gap"]
    assert "Errors (chatconform or its input)" not in totals  # a gap is broken, and in its own category
    assert (
        totals["Docs conflicts (the provider's documents disagree; reported, not failed)"]
        == verdicts["conflict"]
    )
    conflicts = [t for t in allure_tests(reports).values() if label(t, "suite") == "docs conflicts"]
    assert conflicts and all(t["status"] == "passed" and label(t, "verdict") == "conflict" for t in conflicts)


def test_descriptions_link_only_to_the_web(reports):
    """A quoted document's own markdown (the modelslab docs conflict quotes `[List Models](/llm-api/...)`)
    stays text."""
    hrefs = [
        href
        for t in allure_tests(reports).values()
        for href in re.findall(r'<a href="([^"]*)"', t.get("descriptionHtml") or "")
    ]
    assert hrefs and all(href.startswith(("https://", "http://")) for href in hrefs), sorted(set(hrefs))[:5]


def test_chromium_opens_on_the_providers_and_on_a_known_deviation(reports, tmp_path):
    known = next(node for node, t in allure_tests(reports).items() if label(t, "verdict") == "xfail")
    with served(reports / "html") as site:
        first = chromium(tmp_path, f"{site}/index.html", "--dump-dom", "--virtual-time-budget=15000")
        page = chromium(tmp_path, f"{site}/index.html#{known}", "--dump-dom", "--virtual-time-budget=15000")
        for url, name in ((f"{site}/index.html", "first.png"), (f"{site}/index.html#{known}", "xfail.png")):
            chromium(
                tmp_path,
                url,
                f"--screenshot={tmp_path / name}",
                "--window-size=1400,1000",
                "--virtual-time-budget=15000",
            )
    sections = re.findall(r'data-testid="tree-section-title"[^>]*>([^<]+)<', first)
    providers = {r["provider"] for r in rows(reports)}
    assert sections[0] in providers and providers <= set(sections)  # the first page opens on the providers
    assert "· gap" in html.unescape(first)  # with what could not be judged open (broken), never out of sight
    assert "Categories" in first
    page = html.unescape(page)
    assert "· known deviation</h1>" in page and KNOWN_CATEGORY in page and "XFAIL known deviation:" in page
    assert "<strong>Known deviation</strong>" in page  # the description (an iframe's srcdoc) with the reason
    for name in ("first.png", "xfail.png"):
        assert (tmp_path / name).stat().st_size > 20_000
