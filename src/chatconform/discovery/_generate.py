"""`chatconform catalog examples PROVIDER`: every example on every pinned page as a cassette, with
provenance."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chatconform.discovery._build import CREATED_BY, Built, build, header_lists, page_secrets, status_line
from chatconform.discovery._examples import examples_of
from chatconform.discovery._page import read_page
from chatconform.discovery._provider import Discovery
from chatconform.discovery._remote import in_section, vendor_and_name
from chatconform.model.errors import ChatconformError
from chatconform.model.inputs import parse_json
from chatconform.model.paths import inside, read_regular, safe_name
from chatconform.recording.scrub import scrub_body, scrub_headers, scrub_tree
from chatconform.specs import Catalog, Source, read_lock, sha256_of


@dataclass
class PageRun:
    """One pinned page and what its examples became."""

    source: Source
    sha256: str
    text: str
    model_ids: tuple[str, ...]
    built: list[Built] = field(default_factory=list)


def pinned_pages(catalog: Catalog, disc: Discovery, problems: list[dict]) -> list[PageRun]:
    """Every doc source below the provider's section whose pulled copy matches the lock."""
    pins = read_lock(catalog.folder)
    out = []
    for source in catalog.sources:
        if source.kind != "doc" or not in_section(source.url, disc):
            continue
        pin = pins.get(source.id)
        try:
            data = read_regular(catalog.path_of(source), "pulled page")
        except (FileNotFoundError, ChatconformError) as err:
            problems.append(
                {"page": source.url, "reason": f"not pulled ({err}); run `chatconform specs pull`"}
            )
            continue
        if pin is None or pin.on_disk != sha256_of(data):
            problems.append(
                {"page": source.url, "reason": "the pulled copy is not the one pinned in specs.lock"}
            )
            continue
        text = data.decode("utf-8", "replace")
        out.append(PageRun(source, pin.sha256, text, read_page(text).model_ids))
    return out


def build_page(run: PageRun, disc: Discovery) -> None:
    """Every example of the page, read."""
    run.built = [build(e, disc.endpoints, disc.not_judged, disc.responses) for e in examples_of(run.text)]


def cassette_path(out_dir: Path, run: PageRun, disc: Discovery, index: int) -> Path:
    """<out>/<vendor, lower case>/<page file name>/docs-example-<n>.yaml, never outside <out>."""
    vendor, name = vendor_and_name(run.source.url, disc)
    parts = [safe_name(vendor.lower())] if vendor else []
    return inside(out_dir, *parts, safe_name(name), f"docs-example-{index}.yaml")


class SpecStatus:
    """The success status a model's own spec documents for the operation called (cached per spec and path)."""

    def __init__(self, catalog: Catalog, disc: Discovery):
        self.catalog, self.disc = catalog, disc
        self.cache: dict[tuple[str, str], list[int]] = {}

    def __call__(self, model, path: str) -> tuple[int, str]:
        """(status, how it was chosen) for a call of `path` (the chat endpoint, or the Responses one)."""
        spec = self.catalog.spec_for(self.disc.provider, model, path) if isinstance(model, str) else None
        if spec is None:
            return 200, "HTTP status 200 assumed (no spec is pinned for this model)"
        if (spec.id, path) not in self.cache:
            self.cache[spec.id, path] = self._codes(spec, path)
        codes = self.cache[spec.id, path]
        if len(codes) == 1:
            return codes[0], f"HTTP status {codes[0]}: the only success status {spec.id} documents"
        return 200, f"HTTP status 200 assumed ({spec.id} documents {codes or 'no'} success statuses)"

    def _codes(self, spec: Source, path: str) -> list[int]:
        try:
            doc = parse_json(read_regular(self.catalog.path_of(spec), "pulled spec"), spec.id)
        except (FileNotFoundError, ChatconformError):
            return []
        group = (
            self.disc.responses if any(path.endswith(r) for r in self.disc.responses) else self.disc.endpoints
        )
        for endpoint in group:
            try:
                responses = doc["paths"][endpoint]["post"]["responses"]
            except (KeyError, TypeError):
                continue
            return sorted(int(c) for c in responses if str(c).isdigit() and str(c).startswith("2"))
        return []


def interaction(item: Built, status: int, secrets) -> dict:
    """One vcrpy interaction, scrubbed like every recorded one (response None: the page shows none)."""
    call = item.call
    headers = header_lists(call.headers) or {"Content-Type": ["application/json"]}
    request = {
        "method": "POST",
        "uri": call.url,
        "headers": scrub_headers(headers, secrets),
        "body": scrub_body(json.dumps(call.body, ensure_ascii=False), secrets),
    }
    if item.body is None:
        return {"request": request, "response": None}
    kind = "text/event-stream" if item.response == "stream" else "application/json"
    return {
        "request": request,
        "response": {
            "status": status_line(status),
            "headers": {"Content-Type": [kind]},
            "body": {"string": scrub_body(item.body, secrets)},
        },
    }


def provenance(run: PageRun, item: Built, disc: Discovery, assumed: str, secrets) -> dict:
    """Where the cassette comes from, in the seed cassettes' format plus which example of which pinned
    page."""
    body = item.call.body if isinstance(item.call.body, dict) else {}  # a judged example's is an object
    model = body.get("model") if isinstance(body.get("model"), str) else None
    tab = next(t for t in item.example.tabs if (t.title or t.language) == item.primary)
    out = {
        "origin": "docs",
        "provider": disc.provider,
        "model": model or (run.model_ids or ("",))[0],
        "document": run.source.page or run.source.url,
        "snapshot": f"specs/{run.source.relpath} (sha256 {run.sha256[:12]}, pinned in specs/specs.lock)",
        "created_by": CREATED_BY,
        "assumed": f"{assumed}; Content-Type from the body's form (pages show bodies only)",
        "notes": "; ".join([f"request from the {item.primary} tab", *item.notes]),
        "page": run.source.url,
        "source": run.source.id,
        "sha256": run.sha256,
        "example": {
            "index": item.example.index,
            "heading": item.example.heading,
            "tab": item.primary,
            "language": tab.language,
        },
        "response": item.response,
        "page_model_ids": list(run.model_ids),
        "tab_models": item.tab_models(),
    }
    differ = item.tab_differences()
    if differ:
        out["tab_differences"] = differ
    return scrub_tree(out, secrets)


def cassette_text(interaction_: dict, prov: dict) -> str:
    """The YAML text dump_cassette writes (same keys, order and width)."""
    body = {"interactions": [interaction_], "version": 1, "metadata": {"provenance": prov}}
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def secrets_of(runs: list[PageRun]) -> list[str]:
    """Every credential shown on any page, longest first (one page's key is scrubbed from every file)."""
    found = set()
    for run in runs:
        found |= page_secrets(run.text, run.built)
    return sorted(found, key=lambda s: (-len(s), s))
