"""From a mapped catalog to [[source]] entries: ids as safe file names, nothing another file already pins."""

from __future__ import annotations

from chatconform.discovery._provider import Discovery
from chatconform.discovery._remote import vendor_and_name
from chatconform.discovery._sync import Mapping, Page
from chatconform.model.paths import check_relative, safe_name


def source_id(disc: Discovery, url: str, docs: bool) -> str:
    """<prefix>[/docs]/<vendor, lower case>/<file name>: every segment a safe file name."""
    vendor, name = vendor_and_name(url, disc)
    parts = [
        disc.id_prefix,
        *(["docs"] if docs else []),
        *([safe_name(vendor.lower())] if vendor else []),
        safe_name(name),
    ]
    return check_relative("/".join(parts), "catalog id")


def entries(mapping: Mapping, disc: Discovery, elsewhere) -> list[dict]:
    """Spec entries (one per spec, models from every page that maps to it), then one doc entry per page.

    `elsewhere` is the catalog's other sources: a URL already there is not pinned twice, and a model another
    file already gives a spec keeps that one (reported).
    """
    known_urls = {s.url for s in elsewhere}
    covered = {m for s in elsewhere if s.kind == "spec" and s.provider == disc.provider for m in s.models}
    specs: dict[str, dict] = {}
    for page in mapping.pages:
        if page.spec and page.spec not in known_urls:
            entry = specs.setdefault(page.spec, _spec_entry(disc, page))
            for model in page.models:
                if model in covered:
                    mapping.note("ids_covered_elsewhere", id=model, page=page.url)
                elif model not in entry["models"]:
                    entry["models"].append(model)
            if page.how != "linked":
                entry["note"] = (entry.get("note", "") + f"\n{page.entry.link}: {page.how}").strip()
    responses = _responses_entries(mapping, disc, known_urls)
    docs = [_doc_entry(disc, p) for p in mapping.pages if p.url not in known_urls]
    return _unique([*specs.values(), *responses, *docs], mapping)


def _responses_entries(mapping: Mapping, disc: Discovery, known_urls: set) -> list[dict]:
    """One entry per Responses spec: the contract of its pages' models for the Responses paths only."""
    specs: dict[str, dict] = {}
    for page in mapping.pages:
        if page.responses_spec and page.responses_spec not in known_urls:
            entry = specs.setdefault(
                page.responses_spec,
                {
                    "id": source_id(disc, page.responses_spec, docs=False),
                    "kind": "spec",
                    "provider": disc.provider,
                    "models": [],
                    "paths": list(disc.responses),
                    "url": page.responses_spec,
                    "page": disc.public_page(page.entry.link),
                },
            )
            entry["models"] += [m for m in page.models if m not in entry["models"]]
    return list(specs.values())


def _spec_entry(disc: Discovery, page: Page) -> dict:
    return {
        "id": source_id(disc, page.spec, docs=False),
        "kind": "spec",
        "provider": disc.provider,
        "models": [],
        "url": page.spec,
        "page": disc.public_page(page.entry.link),
    }


def _doc_entry(disc: Discovery, page: Page) -> dict:
    note = "" if page.spec or page.responses_spec else f"no spec: {page.how}"
    return {
        "id": source_id(disc, page.url, docs=True),
        "kind": "doc",
        "provider": disc.provider,
        "models": list(page.facts.model_ids),
        "url": page.url,
        "page": disc.public_page(page.entry.link),
        **({"note": note} if note else {}),
    }


def _unique(found: list[dict], mapping: Mapping) -> list[dict]:
    """Entries whose ids (case folded: one file on a case-insensitive disk) are unique; clashes reported."""
    seen: dict[str, str] = {}
    out = []
    for entry in found:
        key = entry["id"].casefold()
        if key in seen:
            mapping.note("ids_clash", id=entry["id"], url=entry["url"], kept=seen[key])
            continue
        seen[key] = entry["url"]
        out.append(entry)
    return out
