"""`chatconform catalog sync PROVIDER`: write specs/catalog/<provider>.toml and what could not be mapped."""

from __future__ import annotations

import difflib
from pathlib import Path

from chatconform.discovery._provider import Discovery, discovery
from chatconform.discovery._remote import dumps
from chatconform.discovery._sync import Mapping, map_catalog
from chatconform.discovery._toml import catalog_text, merge_blocks, source_block
from chatconform.discovery._write import entries
from chatconform.model.errors import ChatconformError, UsageError
from chatconform.model.paths import read_regular, write_atomic
from chatconform.specs import load_catalog, read_sources

HEADER = """Written by `chatconform catalog sync {provider}` from {toc}
Do not edit by hand: re-run it (`--model ID` adds a few). What it could not map: {report}
Then `chatconform specs pull --update` pins every spec and page below in specs/specs.lock."""

# Report sections printed line by line; the others (long lists) are counted and left to the JSON file.
_SHOWN = (
    "pages_without_spec",
    "spec_links_unusable",
    "ids_claimed_twice",
    "ids_clash",
    "pages_not_fetched",
    "listing_unavailable",
    "links_differing_by_case",
)


def run_sync(provider: str, mirror: Path | None, models: list[str], folder: Path) -> int:
    """Map the catalog, write its entries (merged by id with --model) and the report; 0, or 2 on bad input."""
    disc = discovery(provider)
    mapping = map_catalog(disc, mirror, models)
    _check_models(models, mapping)
    target = folder / "catalog" / f"{provider}.toml"
    report = target.with_suffix(".sync.json")
    new = entries(mapping, disc, _elsewhere(folder, target))
    blocks = [(e["id"], source_block(e)) for e in new]
    old = _old_text(target)
    kept = merge_blocks(old, blocks) if models and old else [b for _, b in blocks]
    header = HEADER.format(provider=provider, toc=disc.toc, report=f"specs/catalog/{report.name}")
    _write_checked(target, catalog_text(header, kept), old, folder)
    if not models:
        write_atomic(report, dumps(_report(disc, mapping, new)).encode("utf-8"))
    _print(mapping, new, target, report if not models else None)
    return 0


def _check_models(models: list[str], mapping: Mapping) -> None:
    """An id no page names is a usage error naming the closest ids."""
    for model in models:
        if model not in mapping.seen_ids:
            close = difflib.get_close_matches(model, sorted(mapping.seen_ids), n=3)
            raise UsageError(
                f"no page of the catalog names model {model!r}"
                + (f"; did you mean {', '.join(close)}?" if close else "")
            )


def _elsewhere(folder: Path, target: Path) -> list:
    """The sources of every other catalog file (sources.toml first): what this file must not repeat."""
    files = [folder / "sources.toml", *sorted(p for p in (folder / "catalog").glob("*.toml") if p != target)]
    return [s for path in files if path.is_file() for s in read_sources(path)]


def _old_text(target: Path) -> str:
    try:
        return read_regular(target, "catalog file").decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as err:
        raise UsageError(f"{target}: not UTF-8 ({err.reason} at byte {err.start})") from None


def _write_checked(target: Path, text: str, old: str, folder: Path) -> None:
    """Write the file, then load the whole catalog as `specs pull` will; on any error put the old file
    back."""
    write_atomic(target, text.encode("utf-8"))
    try:
        load_catalog(folder)
    except ChatconformError:
        if old:
            write_atomic(target, old.encode("utf-8"))
        else:
            target.unlink(missing_ok=True)
        raise


def _report(disc: Discovery, mapping: Mapping, new: list[dict]) -> dict:
    """The report file: counts, then every section of what could not be mapped (sorted: stable diffs)."""
    sections = {k: sorted(v, key=lambda item: sorted(item.items())) for k, v in mapping.report.items()}
    return {
        "provider": disc.provider,
        "toc": disc.toc,
        "section": disc.section,
        "counts": {
            "chat_pages": sum(p.chat for p in mapping.pages),
            "responses_only_pages": sum(not p.chat for p in mapping.pages),
            "specs_mapped": len({p.spec for p in mapping.pages if p.spec}),
            "responses_specs_mapped": len({p.responses_spec for p in mapping.pages if p.responses_spec}),
            "entries_written": len(new),
            **{k: len(v) for k, v in sections.items()},
        },
        "sections": sections,
    }


def _print(mapping: Mapping, new: list[dict], target: Path, report: Path | None) -> None:
    """A summary, with every line of the sections a reader must act on."""
    specs = sum(e["kind"] == "spec" for e in new)
    responses = sum(bool(e.get("paths")) for e in new)
    print(
        f"{sum(p.chat for p in mapping.pages)} chat model pages, {sum(not p.chat for p in mapping.pages)} "
        f"Responses-only pages, {specs} spec entries ({responses} for the Responses endpoint), "
        f"{len(new) - specs} page entries -> {target}"
    )
    for kind in _SHOWN:
        for item in mapping.report.get(kind, []):
            print(f"  {kind}: " + "; ".join(f"{k}={v}" for k, v in item.items()))
    others = [f"{k} {len(v)}" for k, v in sorted(mapping.report.items()) if k not in _SHOWN]
    if others:
        print("  also: " + ", ".join(others) + (f" (listed in {report})" if report else ""))
