"""The summary page's building blocks: escaping, links, the verdicts as painted, the style and the policy.

Every string on the page comes from a file a provider's answers went into, so every one goes through `e`
(attributes too) and a link is made only of an http(s) URL. The one script (search) is a constant of this
module, allowed by its sha256 in the content security policy; no other script, inline or not, can run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

from chatconform.model.verdict import FAIL, GAP, MEANING, NOT_RUN, ORDER, PASS, UNAVAILABLE, VERDICTS

WARN, UNKNOWN = "warn", "unknown"  # shown only: a pass with warnings, and a word outside the vocabulary
# worst first; an unknown word is shown right after a failure, never hidden behind a pass
SHOWN = (FAIL, UNKNOWN, *(v for v in ORDER if v not in (FAIL, PASS)), WARN, PASS)
COLOURS = {
    "fail": "#cf222e",
    "unknown": "#24292f",
    "xfail": "#e16f24",
    "unavailable": "#6e7781",
    "gap": "#d0d7de",
    "not-run": "#eaeef2",
    "conflict": "#8250df",
    "warn": "#f5d90a",
    "pass": "#aceebb",
}
LIGHT = {
    GAP,
    NOT_RUN,
    WARN,
    PASS,
}  # painted with dark text; a pass is pale so that what is not a pass stands out
SHOWN_MEANING = {
    **MEANING,
    WARN: "every rule held, with a warning (suspicious, not a breach)",
    UNKNOWN: "a verdict word this version does not know (the run needs a newer chatconform)",
}
LABEL = {UNAVAILABLE: "n/a", NOT_RUN: "not run"}  # what a cell says, where the word is too wide for a column

SEARCH_JS = (
    "(function(){var q=document.getElementById('q');if(!q)return;q.hidden=false;"
    "q.addEventListener('input',function(){var t=q.value.trim().toLowerCase();"
    "document.querySelectorAll('tr.m').forEach(function(r){"
    "r.classList.toggle('miss',t!==''&&r.getAttribute('data-s').indexOf(t)<0);});});})();"
)
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; "
    f"script-src 'sha256-{base64.b64encode(hashlib.sha256(SEARCH_JS.encode()).digest()).decode()}'"
)
_HTTP = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)
_IN_TEXT = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>]+", re.IGNORECASE)


def e(value) -> str:
    """Any value as HTML text, safe in an element and in a quoted attribute."""
    return escape("" if value is None else str(value), quote=True)


def link(url, text=None) -> str:
    """An http(s) URL as a link; anything else (javascript:, data:, a path) as plain text."""
    if isinstance(url, str) and _HTTP.fullmatch(url):
        return f'<a href="{e(url)}" rel="noopener noreferrer nofollow">{e(text or url)}</a>'
    return f"<code>{e(url)}</code>"


def linked(text) -> str:
    """Text escaped, with each http(s) URL in it made a link (a known deviation's reason names its
    evidence)."""
    out, last = [], 0
    text = "" if text is None else str(text)
    for match in _IN_TEXT.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        out += [e(text[last : match.start()]), link(url)]
        last = match.start() + len(url)
    return "".join(out) + e(text[last:])


def shown(verdict) -> str:
    """The word a verdict is painted as: itself when known, else `unknown`."""
    return verdict if verdict in VERDICTS else UNKNOWN


def entry_shown(entry: dict) -> str:
    """A pass with warnings is shown as `warn` (suspicious, not a breach); an unknown word as `unknown`."""
    return WARN if entry["verdict"] == PASS and warned(entry) else shown(entry["verdict"])


def warned(entry: dict) -> bool:
    """True when a results row has a finding of severity warning."""
    return any(f.get("severity") == "warning" for f in entry.get("findings") or [])


def worst(verdicts) -> str:
    """The worst shown verdict of several (pass for none); words outside SHOWN count as unknown."""
    seen = {v if v in COLOURS else UNKNOWN for v in verdicts}
    return next((v for v in SHOWN if v in seen), PASS)


def verdict_rules() -> str:
    """A class per shown verdict, its colour, and the CSS-only filter (a radio per verdict) that keeps it."""
    rules = [
        f".{_cls(v)}{{background:{c};color:{'#1f2328' if v in LIGHT else '#fff'}}}"
        for v, c in COLOURS.items()
    ]
    for v in (*SHOWN, "new"):
        attr = "[data-new]" if v == "new" else f"[data-verdict={v}]"
        on = f"body:has(#f-{v}:checked)"
        rules.append(
            f"{on} tr.m:not(:has(td{attr})),{on} tbody.g:not(:has(td{attr})){{display:none}}"
            f"{on} td.v:not({attr}){{background:#f6f8fa;color:#8c959f}}"
        )
    return "".join(rules)


def _cls(verdict: str) -> str:
    return f"v-{verdict}"


def cls(verdict: str) -> str:
    """The CSS class that paints a shown verdict."""
    return _cls(verdict if verdict in COLOURS else UNKNOWN)


STYLE = """body{font:14px system-ui,sans-serif;margin:0 24px 24px;color:#1f2328}h1{margin:16px 0 4px}
h2{margin:28px 0 8px;font-size:18px}table{border-collapse:collapse}code,pre{font:12px ui-monospace,monospace}
td,th{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f6f8fa}
.sub{color:#57606a;margin:0 0 12px}.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 4px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:120px;background:#fff;
cursor:pointer;
text-decoration:none;color:inherit}.card b{display:block;font-size:26px;line-height:1.2}
.card.hot{border-color:#cf222e;
background:#ffebe9}.card.hot b{color:#cf222e}.card span{color:#57606a;font-size:12px}
.bar{position:sticky;top:0;z-index:5;background:#fff;padding:8px 0;border-bottom:1px solid #d0d7de;
display:flex;
flex-wrap:wrap;gap:6px;align-items:center}.bar input[type=radio]{position:absolute;opacity:0;
pointer-events:none}
.bar label{border:1px solid #d0d7de;border-radius:12px;padding:2px 10px;cursor:pointer;font-size:13px}
.bar input:checked+label{background:#0969da;border-color:#0969da;color:#fff}#q{margin-left:auto;width:320px;
padding:4px 8px;font:inherit}.bar .hint{margin-left:auto;color:#57606a;font-size:12px}
#q:not([hidden])+.hint{display:none}
#matrix{margin-top:8px}#matrix thead th{position:sticky;top:46px;z-index:3;vertical-align:bottom}
th.ch span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:500;
font-size:12px}
tr.gh th{background:#eaeef2;font-size:13px;text-align:left}tr.gh th small{font-weight:normal;color:#57606a}
th.mh{font-weight:normal;white-space:nowrap;max-width:340px;overflow:hidden;text-overflow:ellipsis}
td.v{padding:0;text-align:center;font-size:11px;font-weight:600;min-width:44px}td.v summary{padding:3px 4px;
cursor:pointer;list-style:none}td.v summary::-webkit-details-marker{display:none}td.e{background:#fff}
tr.m:hover th,tr.m:hover td.e{background:#fff8c5}.miss{display:none}
tbody.g:not(:has(tr.m:not(.miss))){display:none}
details[open]>summary{outline:3px solid #0969da;outline-offset:-3px}
td.v[data-new] summary::before{content:"★ "}.legend span.i{display:inline-block;margin:0 12px 2px 0}
#matrix{position:relative}.panel{position:absolute;left:0;right:0;max-height:60vh;overflow:auto;
background:#fff;
color:#1f2328;text-align:left;font-weight:normal;font-size:13px;border:2px solid #0969da;border-radius:6px;
box-shadow:0 8px 24px #0004;padding:10px 18px 14px;z-index:4;white-space:normal;margin-top:2px}
body:has(details[open]>.panel){padding-bottom:62vh}
.panel h3{margin:0 0 6px;font-size:15px}.panel h4{margin:12px 0 4px;font-size:13px}
.panel h3::after{float:right;
content:"click the cell (or the model) again to close";color:#57606a;font-size:12px;font-weight:normal}
.panel table{width:100%;table-layout:fixed}.panel td{overflow-wrap:anywhere}
.panel pre{background:#f6f8fa;border:1px solid #d0d7de;padding:6px;white-space:pre-wrap;
overflow-wrap:anywhere;
margin:4px 0;max-height:9em;overflow:auto}.panel .q{border-left:3px solid #d0d7de;padding-left:8px;
color:#424a53}.pill{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600}
.t{display:inline-block;width:10px;height:10px;margin-right:2px;border-radius:2px;border:1px solid #d0d7de}
.legend{font-size:12px;color:#57606a}label.more{color:#0969da;text-decoration:underline;cursor:pointer}
.legend .pill{margin-right:4px}.pill.blank{background:#fff;border:1px solid #d0d7de}
.pill.dim{background:#f6f8fa;color:#8c959f}#checks td,#checks th{font-size:13px}
#specs td,#conflicts li{overflow-wrap:anywhere}"""
