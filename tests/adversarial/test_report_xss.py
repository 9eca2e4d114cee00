"""A hostile provider's strings in results.json: the summary page shows them as text and runs nothing.

Planted in model ids, check names, messages, reasons, quotes, sources, spec URLs, conflicts and the history,
then opened in Debian's headless Chromium. Two layers are checked apart: escaping (no element is made of
the planted text) and the content security policy (a script put into the page by hand still does not run,
while the same page without the policy does run it, so the check can see a script run). The page's one
script (its search) is allowed by its sha256 alone: no 'unsafe-inline', no other source.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chatconform.cli import main
from chatconform.reporting._html import SEARCH_JS
from tests.report.browser import chromium

TITLE = "chatconform summary"
SCRIPT = (
    "<script>document.title='PWNED-script';document.documentElement.setAttribute('data-pwned','1')</script>"
)
IMG = '"><img src=x onerror="document.title=\'PWNED-img\'">'
SVG = "'><svg onload=document.title='PWNED-svg'>"
CLOSE = "</title></style></code><script>document.title='PWNED-close'</script>"
JS = "javascript:document.title='PWNED-link'"
JS_SPACED = " JaVaScRiPt:document.title='PWNED-link2'"
PAYLOADS = [SCRIPT, IMG, SVG, CLOSE]


class Dom(HTMLParser):
    """The elements, attributes and text of a serialised DOM."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.title = ""
        self._in = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("title", "script") else None
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
            return
        self.text.append(data)
        if self._in == "title":
            self.title += data


def entry(i: int, verdict: str, **over) -> dict:
    base = {
        "provider": "aimlapi",
        "model": f"m{i}",
        "check": f"check.{i}",
        "verdict": verdict,
        "origin": "live",
        "exchange": f"ex{i}",
        "findings": [],
        "duration_s": 0.0,
        "reason": None,
        "test_id": f"t{i}",
        "observations": {},
    }
    return {**base, **over}


def hostile_results() -> dict:
    """A results.json with every payload in every string field the page shows."""
    finding = {
        "check": SCRIPT,
        "severity": "violation",
        "kind": "claim",
        "at": IMG,
        "message": SCRIPT + IMG,
        "says": SVG + CLOSE,
        "source": JS,
    }
    conflict = {
        "check": "docs-conflict.x",
        "severity": "warning",
        "kind": "docs-conflict",
        "message": SCRIPT,
        "extra": {
            "subject": SCRIPT + IMG,
            "consequence": CLOSE,
            "sides": [
                {"source": JS, "says": SCRIPT},
                {"source": JS_SPACED, "says": IMG},
                {"source": 'https://example.org/a?b="><script>x</script>', "says": "ok"},
            ],
        },
    }
    results = [
        entry(1, "fail", model=SCRIPT, check=IMG, findings=[finding], reason=SVG, exchange=CLOSE),
        entry(
            2,
            "xfail",
            provider=IMG,
            model=SVG,
            check=SCRIPT,
            findings=[{**finding, "source": JS_SPACED}],
            reason=SCRIPT,
        ),
        entry(3, "gap", check=CLOSE, reason=IMG + SCRIPT),
        entry(4, "pass", check=SVG, findings=[{**finding, "severity": "warning"}]),
        entry(5, "conflict", check="docs-conflict.x", findings=[conflict]),
    ]
    specs = {
        SCRIPT: {"path": IMG, "sha256": SVG + "0" * 60, "openapi": CLOSE, "url": JS, "lint": []},
        "ok/spec": {
            "path": "specs/ok.json",
            "sha256": "a" * 64,
            "openapi": "3.0.0",
            "url": "https://example.org/spec.json",
            "lint": [],
        },
    }
    return {
        "schema": "chatconform-results/1",
        "mode": SCRIPT,
        "started_at": "2026-01-02T03:04:05+00:00",
        "counts": {SCRIPT: 1},
        "specs": specs,
        "spend": {"spent_usd": 0.0, "limit_usd": 1.0},
        "results": results,
    }


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """summary.html written by `chatconform report` from the hostile results and a hostile history."""
    folder = tmp_path_factory.mktemp("xss")
    history = folder / "history"
    history.mkdir()
    old = copy.deepcopy(hostile_results())
    old["started_at"] = "2026-01-01T00:00:00+00:00"
    for item in old["results"]:
        item["reason"] = CLOSE + SCRIPT
    (history / "results-2026-01-01T000000Z0000.json").write_text(json.dumps(old))
    (folder / "results.json").write_text(json.dumps(hostile_results()))
    code = main(
        [
            "report",
            "--results",
            str(folder / "results.json"),
            "--history",
            str(history),
            "--out",
            str(folder / "summary.html"),
        ]
    )
    assert code == 0
    return folder / "summary.html"


def test_the_planted_markup_makes_no_element_and_shows_as_text(page, tmp_path):
    dom = Dom(chromium(tmp_path, page.as_uri(), "--dump-dom"))
    assert dom.title == TITLE  # every payload would have changed it
    tags = {tag for tag, _ in dom.tags}
    assert not tags & {"img", "svg", "iframe", "object", "embed"}, tags
    assert dom.scripts == [SEARCH_JS]  # the page's own search, and no script made of planted text
    assert all("data-pwned" not in attrs for _, attrs in dom.tags)
    handlers = [(tag, name) for tag, attrs in dom.tags for name in attrs if name.startswith("on")]
    assert handlers == []
    text = "".join(dom.text)
    for payload in PAYLOADS + [JS]:
        assert payload in text, payload  # shown, as written, to the reviewer
    ids = {attrs.get("id") for _, attrs in dom.tags}
    assert {"headline", "matrix", "checks", "specs", "conflicts"} <= ids
    painted = [attrs.get("data-verdict") for _, attrs in dom.tags if "data-verdict" in attrs]
    assert {"fail", "xfail", "gap", "warn"} <= set(painted)


def test_only_http_links_are_links(page, tmp_path):
    dom = Dom(chromium(tmp_path, page.as_uri(), "--dump-dom"))
    hrefs = [attrs.get("href") for tag, attrs in dom.tags if tag == "a"]
    assert "https://example.org/spec.json" in hrefs
    assert 'https://example.org/a?b="><script>x</script>' in hrefs  # an http link, its quote escaped
    inside = [h for h in hrefs if not h.startswith(("http://", "https://"))]
    ids = {attrs.get("id") for _, attrs in dom.tags}
    assert all(re.fullmatch(r"#[a-z][a-z0-9-]*", h) and h[1:] in ids for h in inside), (
        inside
    )  # the page's own
    text = "".join(dom.text)
    assert JS in text and JS_SPACED.strip() in text  # the javascript: sources are shown as text


def test_the_policy_forbids_a_script_that_got_into_the_page(page, tmp_path):
    markup = page.read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', markup).group(1)
    digest = base64.b64encode(hashlib.sha256(SEARCH_JS.encode()).digest()).decode()
    assert re.findall(r"script-src ([^;]*)", policy.replace("&#x27;", "'")) == [f"'sha256-{digest}'"]
    assert (
        markup.count("<script") == 1 and f"<script>{SEARCH_JS}</script>" in markup
    )  # the hash is of this text
    injected = markup.replace(
        "<body>", f"<body>{SCRIPT}<img src=x onerror=\"document.title='PWNED-img'\">", 1
    )
    with_policy = tmp_path / "with-policy.html"
    with_policy.write_text(injected, encoding="utf-8")
    without = tmp_path / "without-policy.html"
    without.write_text(injected.replace("Content-Security-Policy", "X-Disabled-Policy"), encoding="utf-8")
    assert Dom(chromium(tmp_path, with_policy.as_uri(), "--dump-dom")).title == TITLE
    ran = Dom(chromium(tmp_path, without.as_uri(), "--dump-dom", "--virtual-time-budget=2000"))
    assert ran.title.startswith("PWNED")  # the control: this check does see a script run


def test_screenshot_of_the_hostile_page(page, tmp_path):
    shot = tmp_path / "summary_xss.png"
    chromium(tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1400,1600")
    assert shot.stat().st_size > 20_000
