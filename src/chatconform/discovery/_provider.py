"""Where a provider publishes its catalog (discovery.toml beside this module), validated on load."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any
from urllib.parse import urljoin

from chatconform.model.errors import UsageError, unknown
from chatconform.model.paths import check_relative


@dataclass(frozen=True)
class Discovery:
    """How to find one provider's model pages and specs."""

    provider: str
    toc: str
    section: str
    site: str
    listing: str
    listing_root: str
    endpoints: tuple[str, ...]
    responses: tuple[
        str, ...
    ]  # the Responses operation's paths: a page's spec for them is pinned for them only
    not_judged: tuple[str, ...]
    id_prefix: str

    @property
    def section_url(self) -> str:
        """The URL of the section folder (pages and specs live below it)."""
        return urljoin(self.toc, self.section)

    def page_url(self, link: str) -> str:
        """The raw URL of a TOC link."""
        return urljoin(self.toc, link)

    def public_page(self, link: str) -> str:
        """The address a reader opens for a TOC link."""
        return self.site + link.removesuffix(".md")


_FIELDS = {
    "toc": str,
    "section": str,
    "site": str,
    "listing": str,
    "listing_root": str,
    "endpoints": list,
    "responses": list,
    "not_judged": list,
    "id_prefix": str,
}


def discovery(provider: str) -> Discovery:
    """The discovery data of a provider, or a usage error naming the providers that have some."""
    data = tomllib.loads(
        files("chatconform.discovery").joinpath("discovery.toml").read_text(encoding="utf-8")
    )
    if provider not in data:
        raise unknown("provider", provider, sorted(data))
    entry = data[provider]
    for key, kind in _FIELDS.items():
        if not isinstance(entry.get(key), kind):
            raise UsageError(f"discovery.toml: [{provider}] needs {key} ({kind.__name__})")
    extra = sorted(set(entry) - set(_FIELDS))
    if extra:
        raise UsageError(f"discovery.toml: [{provider}] has unknown key {extra[0]!r}")
    check_relative(entry["id_prefix"], f"discovery.toml: [{provider}] id_prefix")
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
    return Discovery(provider=provider, **fields)
