"""`chatconform catalog sync`: the provider's table of contents -> model pages -> their specs, as catalog
data.

What cannot be mapped is reported, never guessed: a page without a spec, a spec no page links, an id two
pages claim for different specs. One rule goes beyond a working link, and says so wherever it is used: a page
whose spec link is broken (or points off the docs repository) is mapped to the one spec no page links whose
own `model` enum lists every id the page documents; none or several such specs leave the page unmapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chatconform.discovery._calls import read_call
from chatconform.discovery._examples import examples_of
from chatconform.discovery._page import PageFacts, read_page
from chatconform.discovery._provider import Discovery
from chatconform.discovery._remote import (
    SpecFacts,
    canonical,
    in_section,
    read_text,
    spec_facts,
    spec_listing,
)
from chatconform.discovery._toc import TocEntry, pages_under
from chatconform.model.errors import ChatconformError


@dataclass
class Page:
    """A model page listed in the table of contents, with what it says about itself."""

    entry: TocEntry
    url: str
    facts: PageFacts
    spec: str = ""  # the spec URL it maps to ("" when none)
    how: str = ""  # how the spec was found: "linked", or the enum rule with the page's own words
    models: tuple[str, ...] = ()  # the ids its spec is the contract for (an id two pages claim is dropped)
    sent: tuple[str, ...] = ()  # the ids its examples send
    chat: bool = True  # False: the page embeds only the Responses operation
    responses_spec: str = ""  # the spec URL of its Responses operation ("" when none)

    def __post_init__(self):
        self.models = self.models or self.facts.model_ids


@dataclass
class Mapping:
    """The pages and specs of a catalog, and everything that could not be mapped."""

    pages: list[Page] = field(default_factory=list)
    listing: list[str] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)  # every id any page of the section names
    specs: dict[str, SpecFacts] = field(default_factory=dict)
    report: dict[str, list] = field(default_factory=dict)

    def note(self, kind: str, **item) -> None:
        """Add one line to a section of the report."""
        self.report.setdefault(kind, []).append(item)


def map_catalog(disc: Discovery, mirror: Path | None, models=()) -> Mapping:
    """Read the TOC, every chat model page below its section and the specs they name; `models` narrows."""
    out = Mapping()
    try:
        out.listing = spec_listing(disc, mirror)
    except ChatconformError as err:
        out.note("listing_unavailable", reason=str(err))
    toc = read_text(disc.toc, mirror)
    for entry in pages_under(toc, disc.section):
        url = disc.page_url(entry.link)
        try:
            text = read_text(url, mirror)
        except ChatconformError as err:
            out.note("pages_not_fetched", page=url, reason=str(err))
            continue
        facts = read_page(text)
        out.seen_ids.update(facts.model_ids)
        if models and not set(models) & set(facts.model_ids):
            continue
        _classify(out, Page(entry, url, facts, sent=sent_ids(text)), disc, mirror)
    _resolve_unlinked(out, disc, mirror, out.listing)
    _claimed_twice(out)
    if not models:
        linked = {s for p in out.pages for s in (p.spec, p.responses_spec) if s}
        for url in out.listing:
            if url not in linked:
                out.note("specs_no_page_links", spec=url)
    return out


def _classify(out: Mapping, page: Page, disc: Discovery, mirror) -> None:
    """Keep a chat page (with its linked spec when it links one); say why any other page is left out."""
    refs = page.facts.specs
    chat = [r for r in refs if r.path in disc.endpoints or (not r.path and r.url)]
    responses = [r for r in refs if r.path in disc.responses]
    if refs and not chat and not responses:
        out.note("not_chat_completions", page=page.url, embeds=sorted({r.path for r in refs}))
        return
    if not page.facts.model_ids:
        out.note("pages_without_model_ids", page=page.url)
    out.pages.append(page)
    _responses_spec(out, page, responses, disc, mirror)
    if responses and not chat:
        page.chat, page.how = False, "embeds only the Responses operation"
        return
    for ref in chat:
        if not ref.linked:
            continue
        url = _listed_spelling(out, canonical(ref.url, disc), page)
        facts = out.specs.get(url) or spec_facts(url, disc, mirror) if in_section(url, disc) else None
        if facts is None or facts.problem or not facts.has_endpoint:
            why = (
                "off the docs repository"
                if facts is None
                else facts.problem or f"no POST {disc.endpoints[0]}"
            )
            out.note("spec_links_unusable", page=page.url, spec=ref.url, reason=why)
            continue
        out.specs[url] = facts
        page.spec, page.how = url, "linked"
        _check_enum(out, page, facts)
        _adopt_sent(out, page, facts)
        return
    page.how = (
        "; ".join(
            f'names spec "{r.name}"' + (f" at {r.url}" if r.url else " (its link is broken)") for r in chat
        )
        or "names no spec"
    )


def _responses_spec(out: Mapping, page: Page, refs, disc: Discovery, mirror) -> None:
    """The spec the page links for its Responses operation, where it defines that operation."""
    for ref in refs:
        if not ref.linked:
            out.note(
                "responses_spec_links_unusable", page=page.url, spec=ref.name, reason="its link is broken"
            )
            continue
        url = _listed_spelling(out, canonical(ref.url, disc), page)
        facts = spec_facts(url, disc, mirror, disc.responses) if in_section(url, disc) else None
        if facts is None or facts.problem or not facts.has_endpoint:
            why = (
                "off the docs repository"
                if facts is None
                else facts.problem or f"no POST {disc.responses[0]}"
            )
            out.note("responses_spec_links_unusable", page=page.url, spec=ref.url, reason=why)
            continue
        page.responses_spec = url
        _check_enum(out, page, facts)
        return


def sent_ids(text: str) -> tuple[str, ...]:
    """The model ids the page's examples send, in page order."""
    calls = [read_call(t.language, t.code) for e in examples_of(text) for t in e.tabs]
    return tuple(
        dict.fromkeys(
            c.body["model"]
            for c in calls
            if isinstance(c.body, dict) and isinstance(c.body.get("model"), str)
        )
    )


def _adopt_sent(out: Mapping, page: Page, facts: SpecFacts) -> None:
    """Ids the page's examples send that the page does not list but its spec's own enum accepts: the page,
    its example and its spec all say this spec is their contract, so the spec covers them (reported)."""
    extra = [m for m in page.sent if m not in page.models and m in facts.model_enum]
    if extra:
        page.models = (*page.models, *extra)
        out.note("ids_from_examples", page=page.url, ids=extra)


def _listed_spelling(out: Mapping, url: str, page: Page) -> str:
    """The listed file a link means when it differs from it only by case (reported: the link is broken)."""
    if not out.listing or url in out.listing:
        return url
    same = [u for u in out.listing if u.casefold() == url.casefold()]
    if len(same) != 1:
        return url
    out.note("links_differing_by_case", page=page.url, link=url, file=same[0])
    return same[0]


def _check_enum(out: Mapping, page: Page, facts: SpecFacts) -> None:
    """A page id its spec's `model` enum does not accept is reported (the spec stays the page's)."""
    missing = [m for m in page.facts.model_ids if facts.model_enum and m not in facts.model_enum]
    if missing:
        out.note("ids_not_in_spec_enum", page=page.url, spec=facts.url, ids=missing)


def _resolve_unlinked(out: Mapping, disc: Discovery, mirror, listing: list[str]) -> None:
    """Pages without a usable link: the one unlinked spec whose model enum lists all their ids, else a gap."""
    waiting = [p for p in out.pages if not p.spec and p.chat]
    if not waiting:
        return
    linked = {p.spec for p in out.pages if p.spec}
    candidates = [out.specs.get(u) or spec_facts(u, disc, mirror) for u in listing if u not in linked]
    candidates = [c for c in candidates if c.has_endpoint and c.model_enum]
    for page in waiting:
        ids = set(page.facts.model_ids)
        fits = [c for c in candidates if ids and ids <= set(c.model_enum)]
        if len(fits) == 1:
            out.specs[fits[0].url] = fits[0]
            page.spec, page.how = fits[0].url, f"{page.how}; mapped by the spec's own model enum"
            _adopt_sent(out, page, fits[0])
            out.note("mapped_by_model_enum", page=page.url, spec=fits[0].url, named=page.how)
            continue
        reason = (
            f"{page.how}; {len(fits)} unlinked specs list its ids: {', '.join(c.url for c in fits)}"
            if fits
            else f"{page.how}; no unlinked spec lists {', '.join(sorted(ids)) or 'its ids'}"
        )
        out.note("pages_without_spec", page=page.url, reason=reason)


def _claimed_twice(out: Mapping) -> None:
    """An id two pages claim: reported; dropped from both specs' models when their specs differ."""
    claims: dict[str, list[Page]] = {}
    for page in out.pages:
        for model in page.facts.model_ids:
            claims.setdefault(model, []).append(page)
    for model, pages in claims.items():
        if len(pages) < 2:
            continue
        specs = {p.spec for p in pages}
        same = len(specs) == 1 and "" not in specs
        out.note(
            "ids_claimed_twice",
            id=model,
            pages=[p.url for p in pages],
            specs=sorted(specs),
            outcome="same spec: kept" if same else "different specs: the id is mapped to none",
        )
        if not same:
            for page in pages:
                page.models = tuple(m for m in page.models if m != model)
