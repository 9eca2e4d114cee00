"""`chatconform catalog examples PROVIDER`: write the cassettes and the listing of what is not judged."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from chatconform.discovery._build import CREATED_BY, Built
from chatconform.discovery._generate import (
    PageRun,
    SpecStatus,
    build_page,
    cassette_path,
    cassette_text,
    interaction,
    pinned_pages,
    provenance,
    secrets_of,
)
from chatconform.discovery._provider import discovery
from chatconform.discovery._remote import dumps
from chatconform.model.errors import ChatconformError, UsageError
from chatconform.model.paths import read_regular, write_atomic
from chatconform.recording.scrub import find_leaks, scrub_tree
from chatconform.specs import load_catalog

JUDGED = ("chat", "responses")  # the kinds of example that become cassettes


def run_examples(provider: str, folder: Path, out_dir: Path, listing: Path) -> int:
    """Generate every cassette, remove the ones no page gives any more, write the listing; 0 or 2."""
    disc = discovery(provider)
    catalog = load_catalog(folder)
    problems: list[dict] = []
    runs = pinned_pages(catalog, disc, problems)
    if not runs:
        raise UsageError(
            f"no pinned page of {provider} below {disc.section_url}: run `chatconform catalog sync "
            f"{provider}` and `chatconform specs pull --update` first"
        )
    for run in runs:
        build_page(run, disc)
    secrets = secrets_of(runs)
    status = SpecStatus(catalog, disc)
    files: dict[Path, str] = {}
    rows = []
    for run in runs:
        for item in run.built:
            path = _cassette(run, item, disc, status, out_dir, secrets, files)
            rows.append(_row(run, item, path, out_dir))
    changed, removed = _store(files, out_dir)
    body = scrub_tree(_listing(provider, runs, rows, problems), secrets)
    text = dumps(body)
    _refuse_leaks(text, secrets, listing)
    write_atomic(listing, text.encode("utf-8"))
    _print(body["counts"], rows, changed, removed, out_dir, listing)
    return 0


def _cassette(run: PageRun, item: Built, disc, status, out_dir, secrets, files) -> Path | None:
    """The cassette text of a chat or Responses example (kept in `files`), or None for any other example."""
    if item.kind not in JUDGED:
        return None
    model = item.call.body.get("model") if isinstance(item.call.body, dict) else None  # an object when judged
    code, assumed = status(model, urlsplit(item.call.url).path.rstrip("/"))
    text = cassette_text(interaction(item, code, secrets), provenance(run, item, disc, assumed, secrets))
    path = cassette_path(out_dir, run, disc, item.example.index)
    _refuse_leaks(text, secrets, path)
    files[path] = text
    return path


def _refuse_leaks(text: str, secrets, path: Path) -> None:
    """A credential a page shows never reaches a file (the scrubber missed it: a bug of ours, stop)."""
    leaks = find_leaks(text, secrets)
    if leaks:
        raise RuntimeError(
            f"{path}: a credential shown on a page survived scrubbing ({len(leaks)} value(s)); "
            f"nothing was written for it"
        )


def _store(files: dict[Path, str], out_dir: Path) -> tuple[int, int]:
    """Write what changed; remove cassettes this command wrote before that no page gives any more."""
    changed = 0
    for path, text in files.items():
        data = text.encode("utf-8")
        try:
            if read_regular(path, "cassette") == data:
                continue
        except (FileNotFoundError, ChatconformError):
            pass
        write_atomic(path, data)
        changed += 1
    removed = 0
    for old in sorted(out_dir.rglob("*.yaml")) if out_dir.is_dir() else []:
        if old not in files and f"created_by: {CREATED_BY}" in old.read_text(
            encoding="utf-8", errors="replace"
        ):
            old.unlink()
            removed += 1
    return changed, removed


def _row(run: PageRun, item: Built, path: Path | None, out_dir: Path) -> dict:
    """One example in the listing: where it is, what it calls, what became of it."""
    call = item.calls.get(item.primary)
    row = {
        "page": run.source.url,
        "example": item.example.index,
        "heading": item.example.heading,
        "kind": item.kind,
        "response": item.response if item.kind != "unreadable" else "-",
        "tabs": {t: (c.problem or c.url) for t, c in item.calls.items()},
    }
    if call is not None:
        row["url"] = call.url
    if path is not None:
        row["cassette"] = path.relative_to(out_dir.parent).as_posix()
    return row


def _listing(provider: str, runs: list[PageRun], rows: list[dict], problems: list[dict]) -> dict:
    """Counts, every example, and the pages that could not be read."""
    kinds = Counter(r["kind"] for r in rows)
    printed = Counter((r["kind"], r["response"]) for r in rows if r["kind"] in JUDGED)
    counts = {
        "pages": len(runs),
        "examples": len(rows),
        "cassettes": kinds["chat"] + kinds["responses"],
        "responses_cassettes": kinds["responses"],
        "not_judged_yet": kinds["not-judged"],
        "other_endpoints": kinds["other"],
        "unreadable": kinds["unreadable"],
        "pages_without_examples": sum(not r.built for r in runs),
        **{f"{kind}_response_{k}": v for (kind, k), v in sorted(printed.items())},
    }
    return {
        "provider": provider,
        "counts": counts,
        "pages_not_used": problems,
        "not_judged_yet": [r for r in rows if r["kind"] in ("not-judged", "other")],
        "unreadable": [r for r in rows if r["kind"] == "unreadable"],
        "examples": [r for r in rows if r["kind"] in JUDGED],
    }


def _print(counts: dict, rows: list[dict], changed: int, removed: int, out_dir: Path, listing: Path) -> None:
    print(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    print(f"{changed} cassette(s) written or changed, {removed} removed, in {out_dir}; listing: {listing}")
    for row in rows:
        if row["kind"] in ("not-judged", "other", "unreadable"):
            print(
                f"  {row['kind']}: {row['page']} example {row['example']}"
                + (f" -> {row['url']}" if row.get("url") else "")
            )
