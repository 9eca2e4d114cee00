"""Allure labels, description, links and attachments for a judged test (scrubbed like everything written).

The tree a reviewer opens (allurerc.mjs groups by these labels): provider (parentSuite) > vendor, when the
model id has one > model (suite) > check (subSuite) > one test per exchange, titled by its cassette. epic/
feature/story say the same for Allure 2's Behaviors tab. Allure's status cannot say everything: a known
deviation is a strict xfail (Allure: skipped), a docs conflict passes, a gap or an unavailable provider is
"broken" (report.tally maps each verdict to its status). So every test carries a `verdict`
label (results.json's word, which allurerc.mjs's categories match) and a tag a reviewer can filter by, and
its description opens on what the verdict means: the deviation's reason and link, the gap's reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import allure

from chatconform.judging.claims import load_claims
from chatconform.judging.judge import SCHEMA
from chatconform.model.exchange import Exchange, view
from chatconform.model.verdict import CONFLICT, FAIL, GAP, KNOWN, NOT_RUN, UNAVAILABLE, worst
from chatconform.recording.scrub import (
    exchange_secrets,
    run_secrets,
    scrub_body,
    scrub_headers,
    scrub_text,
    scrub_tree,
    scrub_url,
)
from chatconform.reporting.allure_writer import carry_verdict

TAGS = {
    KNOWN: "known deviation",
    GAP: "gap",
    CONFLICT: "docs conflict",
    FAIL: "violation",
    UNAVAILABLE: "provider unavailable",
    NOT_RUN: "not run",
}
DOCS_CONFLICTS = "docs conflicts"  # the suite of a provider's conflicting documents (they name no one model)
EXCHANGE = "request and response (redacted)"  # the evidence every judged test carries
LONG = 400  # a reason longer than this is cut in the description; the status message keeps it whole
_MARKUP = re.compile(r"([\\`*_\[\]()<>#|~!&])")  # what markdown could read as markup in quoted text


def annotate(ex, check: str, findings, spec=None, rows=(), key_envs=()) -> None:
    """Place the test in the tree, say what its verdict means, link the sources, attach the evidence
    (scrubbed of the run's keys: its own key variables `key_envs` and every key-like one)."""
    # the run's keys and what this request carried: a server may echo either
    secrets = exchange_secrets(ex, tuple(key_envs))
    rows = list(rows)
    verdict = worst(row.verdict for row in rows) if rows else None
    place(str(ex.provider), ex.model, check, _title(ex, verdict), secrets)
    allure.dynamic.parameter("origin", ex.origin)
    shown = _label_shown(ex)
    allure.dynamic.parameter("exchange", shown)
    text = [_verdict_text(rows, secrets)] if verdict else []
    mark(verdict, {"stale known deviation"} if any(row.stale for row in rows) else set())
    _settle(verdict, rows, secrets)
    claim = load_claims().get(check)
    if check == SCHEMA:
        text.append(
            "**Checked**: the exchange against the provider's pinned spec for this operation and status."
        )
    if claim:
        text.append(
            f"**Checked**: {_said(claim.doc, secrets)}\n\n**The document says**: "
            f'"{_said(claim.says, secrets)}"\n\n**Source**: {_said(claim.source, secrets)}'
        )
        if claim.source.startswith("http"):
            allure.dynamic.link(scrub_url(claim.source.split(" ")[0], secrets), name="documenting page")
    allure.dynamic.description(scrub_text("\n\n".join(t for t in text if t), secrets))
    if spec is not None:
        allure.dynamic.link(
            scrub_url(spec.source.page or spec.source.url, secrets), name=f"spec {spec.source.id}"
        )
        allure.dynamic.parameter("spec sha256", spec.sha256[:12])
    _evidence(ex, findings, secrets)


def annotate_unjudged(
    provider: str, model: str | None, check: str, verdict: str, reason: str, key_envs=()
) -> None:
    """A live scenario that got no answer (not sent, or the provider down): placed and explained all the
    same."""
    secrets = run_secrets(key_envs)
    place(provider, model, check, "live", secrets)
    mark(verdict)
    _settle(verdict, [], secrets, reason)
    allure.dynamic.description(f"**{TAGS[verdict].capitalize()}**: {_said(reason, secrets, LONG)}")


def annotate_conflict(conflict, key_envs=()) -> None:
    """Two documents of one provider disagreeing: under the provider, each side quoted with its source."""
    secrets = run_secrets(key_envs)
    place(
        conflict.provider,
        None,
        f"docs-conflict.{conflict.id}",
        conflict.subject,
        secrets,
        suite=DOCS_CONFLICTS,
    )
    mark(CONFLICT)
    sides = "\n\n".join(
        f'{_said(side.source, secrets)} says: "{_said(side.says, secrets)}"' for side in conflict.sides
    )
    allure.dynamic.description(
        f"**Docs conflict** (the provider's own documents disagree; reported, not failed): "
        f"{_said(conflict.subject, secrets)}\n\n{sides}\n\n"
        f"What chatconform does: {_said(conflict.consequence, secrets)}"
    )
    for side in conflict.sides:
        if side.source.startswith("http"):
            allure.dynamic.link(scrub_url(side.source.split(" ")[0], secrets), name="conflicting document")


def place(
    provider: str, model: str | None, check: str, title: str, secrets=(), suite: str | None = None
) -> None:
    """The tree's labels: provider > vendor (when the model id names one) > model > check, and the leaf's
    title."""
    provider = scrub_text(provider, secrets)
    suite = scrub_text(suite or model or "(no model)", secrets)
    for name, value in (
        ("parentSuite", provider),
        ("epic", provider),
        ("suite", suite),
        ("feature", suite),
        ("subSuite", check),
        ("story", check),
    ):
        allure.dynamic.label(name, value)
    if model and "/" in model.strip("/"):
        allure.dynamic.label("vendor", scrub_text(model.strip("/").split("/", 1)[0], secrets))
    allure.dynamic.title(scrub_text(title, secrets))


def mark(verdict: str | None, extra=()) -> None:
    """The verdict label (results.json's word) and the tags a reviewer filters by."""
    if verdict:
        allure.dynamic.label("verdict", verdict)
    tags = ({TAGS[verdict]} if verdict in TAGS else set()) | set(extra)
    if tags:
        allure.dynamic.tag(*sorted(tags))


def _settle(verdict, rows, secrets, reason=None) -> None:
    """Leave the verdict (and, when the test judged several rows, each row's) on the test's Allure result:
    its status and steps are set from it when it is written (allure_writer.settle)."""
    if verdict is None:
        return
    why = reason or next((row.reason for row in rows if row.verdict == verdict and row.reason), None)
    shown = [
        (row.check, row.verdict, scrub_text(row.reason, secrets) if row.reason else None) for row in rows
    ]
    carry_verdict(
        verdict,
        _cut(" ".join(scrub_text(why, secrets).split())) if why else None,
        shown if len(rows) > 1 else [],
    )


def _verdict_text(rows, secrets) -> str:
    """The description's first lines: what this test's verdict means for a reviewer, with its reason and
    link."""
    lines = []
    for row in rows:
        deviation = row.deviation if row.verdict == KNOWN else row.stale
        if deviation is not None:
            lines.append(_deviation_text(row, deviation, secrets))
            allure.dynamic.issue(
                scrub_url(deviation.link, secrets),
                name=_cut(scrub_text(f"known deviation: {deviation.reason}", secrets), 100),
            )
        elif row.verdict == GAP:
            lines.append(
                f"**Gap** ({_said(row.check)} cannot be judged: broken, never a pass): "
                f"{_said(row.reason, secrets, LONG)}"
            )
        elif row.verdict == CONFLICT:
            lines.append(
                f"**Docs conflict** ({_said(row.check)}; reported, not a provider failure): "
                f"{_said(row.reason, secrets, LONG)}"
            )
    return "\n\n".join(lines)


def _deviation_text(row, deviation, secrets) -> str:
    """A declared deviation in words: failing as declared, or declared and no longer shown (stale)."""
    what = "a spec defect" if deviation.kind == "spec-defect" else "a known deviation"
    where = f" in {_said(deviation.declared_in)}" if deviation.declared_in else ""
    sources = (
        f"Reason: {_said(deviation.reason, secrets)}\n\nLink: {_link(scrub_url(deviation.link, secrets))}"
    )
    if row.verdict != KNOWN:  # declared, but this exchange no longer shows it: the strict xfail fails the run
        return (
            f"**Stale known deviation**: {_said(row.check)} is declared {what}{where}, but this exchange no "
            f"longer shows it; remove the declaration.\n\n{sources}"
        )
    return (
        f"**Known deviation** ({_said(row.check)} fails as declared{where}: {what}, "
        "run as a strict xfail, so "
        f"the run fails once the provider stops deviating).\n\n{sources}"
    )


def _evidence(ex, findings, secrets) -> None:
    """The redacted request and response, the findings with their JSON paths, the quoted sentences."""
    allure.attach(
        _redacted_exchange(ex),
        EXCHANGE,
        allure.attachment_type.JSON,
    )
    if findings:
        _attach_json([f.to_dict() for f in findings], "findings (with JSON paths)", secrets)
        excerpt = "\n".join(f"{f.schema_at or f.source}\n  says: {f.says or '-'}" for f in findings)
        allure.attach(
            scrub_text(excerpt, secrets), "spec locations and quoted sentences", allure.attachment_type.TEXT
        )


@view
def _redacted_exchange(ex: Exchange) -> str:
    """The request and the response as one JSON text, scrubbed: the same for every check of the exchange.
    One file, not two: a catalog run attaches it to thousands of tests, each its own copy."""
    secrets = exchange_secrets(ex)
    request = {
        "method": ex.request.method,
        "url": scrub_url(ex.request.url, secrets),
        "headers": scrub_headers(ex.request.headers, secrets),
        "body": _text(scrub_body(ex.request.body, secrets)),
    }
    response = (
        None
        if ex.response is None
        else {
            "status": ex.response.status,
            "headers": scrub_headers(ex.response.headers, secrets),
            "body": _text(scrub_body(ex.response.body, secrets)),
        }
    )
    return _json_text({"request": request, "response": response}, secrets)


def _title(ex, verdict: str | None) -> str:
    """The leaf's name under its check: cassette, exchange, origin and what a skip or pass hides (`· gap`)."""
    label = str(ex.label or "")
    where, _, index = label.rpartition("#") if "#" in label else (label, "", "")
    name = where.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or "exchange"
    said = [f"{name}#{index}" if index else name, ex.origin]
    if verdict in (KNOWN, GAP, CONFLICT):  # Allure's statuses skipped, broken and passed do not say these
        said.append(TAGS[verdict])
    return " · ".join(said)


@view
def _label_shown(ex: Exchange) -> str:
    """The exchange's label as the tree shows it: relative to the project, scrubbed."""
    return scrub_text(_relative(ex.label), exchange_secrets(ex))


def _relative(label) -> str:
    """A cassette's label relative to the project (an absolute path says nothing a reviewer needs)."""
    from chatconform.model.paths import project_root

    where, sep, index = str(label).partition("#")
    try:
        where = Path(where).relative_to(project_root()).as_posix()
    except ValueError:
        pass
    return f"{where}{sep}{index}"


def _link(url) -> str:
    """An http(s) URL as a markdown autolink (clickable in Allure's description); anything else as text."""
    url = str(url or "")
    return (
        f"<{url}>"
        if url.startswith(("https://", "http://")) and not any(c in url for c in "<> ")
        else _said(url)
    )


def _said(text, secrets=(), limit: int | None = None) -> str:
    """Quoted text for the markdown description: scrubbed, cut, one line, markup escaped (it reads as
    written)."""
    text = " ".join(scrub_text(str(text or ""), secrets).split())
    return _MARKUP.sub(r"\\\1", _cut(text, limit) if limit else text)


def _cut(text, limit: int = LONG) -> str:
    """Text up to `limit` characters, cut at a word."""
    text = str(text or "")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:(") + " …"


def _attach_json(value, name: str, secrets) -> None:
    """Attach a value as JSON, scrubbed once more as a whole (names at any depth, values anywhere)."""
    allure.attach(_json_text(value, secrets), name, allure.attachment_type.JSON)


def _json_text(value, secrets) -> str:
    """A value as indented JSON, scrubbed once more as a whole (names at any depth, values anywhere)."""
    return json.dumps(scrub_tree(value, secrets), indent=2, ensure_ascii=False)


def _text(body) -> str:
    if body is None:
        return ""
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
