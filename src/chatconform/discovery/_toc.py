"""A GitBook table of contents (SUMMARY.md): the model pages listed under one section folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from posixpath import normpath

_ENTRY = re.compile(r"^(?P<indent>[ \t]*)[*-]\s+\[(?P<title>[^\]]*)\]\((?P<link>[^)\s]+)\)", re.M)


@dataclass(frozen=True)
class TocEntry:
    """One page listed in the table of contents, its link relative to the TOC's folder."""

    title: str
    link: str
    depth: int


def pages_under(toc: str, section: str) -> list[TocEntry]:
    """Entries linking a page below `section` (a folder, e.g. api-references/text-models-llm/), in TOC order.

    A folder's README.md is its index page, not a model page, and is left out; so is anything that
    would leave the section (`..`) or is not a markdown page.
    """
    out, seen = [], set()
    for match in _ENTRY.finditer(toc):
        link = match.group("link").split("#", 1)[0]
        if normpath(link) != link or not link.startswith(section) or not link.endswith(".md"):
            continue
        if link.rsplit("/", 1)[-1].lower() == "readme.md" or link in seen:
            continue
        seen.add(link)
        depth = len(match.group("indent").expandtabs(2)) // 2
        out.append(TocEntry(title=match.group("title"), link=link, depth=depth))
    return out
