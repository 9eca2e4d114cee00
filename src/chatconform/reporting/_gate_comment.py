"""The gate's markdown PR comment; every string from a results file is made inert markdown."""

from __future__ import annotations

import os
import re

ROWS = 50  # per section: a PR comment is read, and GitHub refuses comments over 65,536 characters
TEXT = 300  # characters of one provider-supplied message in a row
EXCHANGES = 3  # exchanges named in one row


def markdown(result: dict) -> str:
    """The PR comment."""
    out = _headline(result) + _compared(result)
    sections = [
        ("New failures", result["regressions"]),
        ("Fixed", result["fixed"]),
        ("Still failing (not new)", result["still_failing"]),
        ("Not judged (provider unavailable or budget)", result["unavailable"]),
        ("Not judged or not reached, and not acknowledged", result.get("unjudged", [])),
    ]
    for title, items in sections:
        out.append(f"### {title} ({len(items)})")
        out += _capped([_row(i) for i in items]) or ["none"]
        out.append("")
    out.append("### Breaking upstream spec changes")
    out += _capped(
        [
            f"- {code(c['path'])} {md(c['kind'])}: {md(c.get('detail') or '')}"
            for c in result["breaking_upstream"]
        ]
    ) or ["none"]
    out += ["", "### Changed observations"] + (
        _capped([f"- {md(line)}" for line in result["observations"]]) or ["none"]
    )
    if result.get("spend") is not None:
        out += ["", f"**Spend:** {result['spend']}"]
    if result["specs"]:
        out += ["", "**Spec versions changed:** " + "; ".join(md(s) for s in result["specs"][:ROWS])]
    return "\n".join(out) + "\n"


def _headline(result: dict) -> list[str]:
    if result.get("problems"):
        return (
            ["❌ **chatconform gate: cannot compare (the gate fails)**", ""]
            + [f"- {md(p, limit=2000)}" for p in result["problems"]]
            + [""]
        )
    if result["failed"]:
        return ["❌ **chatconform gate: regression**", ""]
    if result.get("unjudged"):
        return [
            f"⚠️ **chatconform gate: no regression among what was judged; {len(result['unjudged'])} check(s) "
            "could not be judged or reached and are not acknowledged (exit 6)**",
            "",
        ]
    return ["✅ **chatconform gate: no regression**", ""]


def _compared(result: dict) -> list[str]:
    """What was compared with what: two runs, or baseline models and their candidates."""
    names = result.get("names") or ["baseline", "candidate"]
    files = code(names[0]) if names[0] == names[1] else f"{code(names[0])} → {code(names[1])}"
    if not result.get("pairs"):
        return [
            f"Compared: runs {files}, per provider, model, dialect and check (worst verdict of its rows).",
            "",
        ]
    models = ", ".join(f"{code(old)} → {code(new)}" for old, new in result["pairs"][:ROWS])
    return [
        f"Compared: models {models} in {files}, per provider and check (worst verdict of each model's rows); "
        "a new failure fails for the candidate and did not fail (or was not judged) for the baseline model.",
        "",
    ]


def _capped(lines: list[str]) -> list[str]:
    return lines[:ROWS] + (
        [f"- … and {len(lines) - ROWS} more (see results.json)"] if len(lines) > ROWS else []
    )


def _row(cell: dict) -> str:
    """One (provider, model, check): the exchanges behind its verdict, and the first reason why."""
    rows = cell["rows"]
    worst = [r for r in rows if r["verdict"] == cell["verdict"]] or rows
    first: dict = next(
        (f for r in worst for f in r.get("findings") or [] if f.get("severity") == "violation"), {}
    )
    why = first.get("message") or next((r["reason"] for r in worst if r.get("reason")), "")
    labels = list(dict.fromkeys(_exchange(r) for r in worst if r.get("exchange")))
    more = f" +{len(labels) - EXCHANGES} more" if len(labels) > EXCHANGES else ""
    where = f" ({md(', '.join(labels[:EXCHANGES]))}{more})" if labels else ""
    note = ""
    if "before" in cell:
        note = f" — was {cell['before']}" if cell["before"] else " — not judged before"
    if cell.get("newly"):
        note = f" — newly failing on {md(', '.join(map(_short, cell['newly'][:EXCHANGES])))}"
    return (
        f"- {code(cell['provider'])} {code(cell.get('model'))}{_dialect(cell)} **{md(cell['check'])}**{where}"
        f"{': ' + md(why) if why else ''}{note}"
    )


def _dialect(cell: dict) -> str:
    """The cell's dialect beside its model, unless it is chat completions (the default, as in the summary)."""
    dialect = cell.get("dialect")
    return f" {code(dialect)}" if dialect and dialect != "openai-chat" else ""


def _exchange(row: dict) -> str:
    """An exchange label, its path made relative, with where it came from when it was a live call."""
    label = _short(row["exchange"])
    return f"{row['origin']}: {label}" if row.get("origin") == "live" else label


def _short(label) -> str:
    """A cassette path relative to the working folder when it lies below it (a PR comment is read narrow)."""
    text = str(label)
    here = os.getcwd().rstrip("/") + "/"
    return text[len(here) :] if text.startswith(here) else text


_MD_ACTIVE = re.compile(r"([\\`*\[\]<|])")  # links and images ([), raw HTML (<), code spans, emphasis, tables
_SPACE = re.compile(r"\s+")


def md(text, limit: int = TEXT) -> str:
    """A file-supplied string as inert markdown on one line: no link, image, tag or heading can start."""
    flat = _SPACE.sub(" ", str(text)).strip()
    flat = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return _MD_ACTIVE.sub(r"\\\1", flat).replace("@", "@\u200b")  # a zero-width space: no @mention


def code(text) -> str:
    """A file-supplied string in a code span (nothing inside is interpreted; a backtick cannot close it); one
    holding a tag's `<` is escaped text instead, so no renderer that is laxer about code spans sees a tag."""
    flat = _SPACE.sub(" ", str(text)).strip()[:TEXT].replace("`", "'")
    return md(flat) if "<" in flat else f"`{flat}`"


def scrubbed_markdown(result: dict, secrets=()) -> str:
    """The PR comment with every key value the run knows removed, raw or as made inert markdown."""
    from chatconform.recording.scrub import known_secrets, scrub_text

    values = known_secrets(secrets)
    forms = [f for s in values for f in (md(s, limit=len(s) + 1), code(s)[1:-1]) if f != s]
    return scrub_text(markdown(result), values + forms)
