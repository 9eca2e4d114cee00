"""What a model page says about itself: its title, the model ids it documents, and the specs it names."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# GitBook's embed of one operation of an OpenAPI document, then the link GitBook renders for it.
_OPERATION = re.compile(
    r'{%\s*openapi-operation\s+spec="(?P<name>[^"]*)"\s+path="(?P<path>[^"]*)"\s+'
    r'method="(?P<method>\w+)"\s*%}(?P<body>.*?){%\s*endopenapi-operation\s*%}',
    re.S,
)
_LINK = re.compile(r"\]\((?P<url>[^)\s]+)\)")
_JSON_LINK = re.compile(r"\]\((?P<url>https?://[^)\s]+\.json)\)")
_HINT = re.compile(
    r"valid for the following (?:list of our )?models?:(?P<body>.*?)(?=^#{1,3} |\Z)", re.S | re.M
)
_CODE_ID = re.compile(r"`([^`\s]+)`|<code>([^<\s]+)</code>")
_BULLET_ID = re.compile(r"^\s*[*-]\s+(?:&#x20;|\s)*([\w./:@+-]+)\s*$", re.M)
_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.M)


@dataclass(frozen=True)
class SpecRef:
    """A spec a page names: GitBook's spec name, the operation embedded, and the link (maybe broken)."""

    name: str
    path: str
    method: str
    url: str  # "" when the page gives no link, e.g. GitBook's "/broken/openapi/<name>"

    @property
    def linked(self) -> bool:
        """True when the page links the document by an absolute URL."""
        return self.url.startswith(("http://", "https://"))


@dataclass(frozen=True)
class PageFacts:
    """The identity of a model page."""

    title: str
    model_ids: tuple[str, ...]
    specs: tuple[SpecRef, ...]


def read_page(text: str) -> PageFacts:
    """The title, model ids and spec references of a page's markdown."""
    title = _TITLE.search(text)
    return PageFacts(title=title.group(1) if title else "", model_ids=model_ids(text), specs=spec_refs(text))


def model_ids(text: str) -> tuple[str, ...]:
    """Ids listed after "valid for the following ... models:", in code spans, table cells or plain bullets."""
    hint = _HINT.search(text)
    if not hint:
        return ()
    body = html.unescape(hint.group("body"))
    found = [a or b for a, b in _CODE_ID.findall(body)]
    if not found:  # a few pages list ids as plain bullets, without code spans
        found = _BULLET_ID.findall(body)
    return tuple(dict.fromkeys(found))


def spec_refs(text: str) -> tuple[SpecRef, ...]:
    """Every OpenAPI operation the page embeds; a page with none but a link to a .json names that."""
    refs = []
    for match in _OPERATION.finditer(text):
        link = _LINK.search(match.group("body"))
        url = link.group("url") if link else ""
        refs.append(
            SpecRef(
                name=match.group("name"),
                path=match.group("path"),
                method=match.group("method").lower(),
                url=url if url.startswith(("http://", "https://")) else "",
            )
        )
    if not refs:
        refs = [SpecRef(name="", path="", method="", url=m.group("url")) for m in _JSON_LINK.finditer(text)]
    return tuple(refs)
