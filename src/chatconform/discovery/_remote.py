"""Reading what a provider publishes: documents by URL (or from a mirror), the spec listing, spec facts."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from chatconform.discovery._provider import Discovery
from chatconform.model.errors import ChatconformError
from chatconform.model.inputs import parse_json
from chatconform.specs import FetchError, fetch, mirror_path

_ROOT = Path("/mirror")  # a stand-in root: mirror_path's mapping is used to compare URLs, never to read


def canonical(url: str, disc: Discovery) -> str:
    """The URL in the section's own form when it names a file of the same repository, else unchanged.

    raw.githubusercontent.com with or without refs/heads, and github.com's /raw/ and /blob/ forms, all
    serve the same file; one spelling keeps the lock and the "no page links it" list honest.
    """
    parsed = urlparse(url)
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.netloc == "github.com" and len(parts) > 3 and parts[2] in ("raw", "blob"):
        url = "https://raw.githubusercontent.com/" + "/".join(parts[:2] + parts[3:])
    try:
        path, base = mirror_path(url, _ROOT), mirror_path(disc.section_url, _ROOT)
    except FetchError:
        return url
    if urlparse(url).query or not path.is_relative_to(base):
        return url
    return disc.section_url + path.relative_to(base).as_posix()


def in_section(url: str, disc: Discovery) -> bool:
    """True when the URL is a file below the provider's section folder."""
    return url.startswith(disc.section_url)


def read_text(url: str, mirror: Path | None) -> str:
    """A published document as text (UTF-8)."""
    data = fetch(url, mirror)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FetchError(f"{url}: not UTF-8 ({err.reason} at byte {err.start})") from None


def spec_listing(disc: Discovery, mirror: Path | None) -> list[str]:
    """URLs of every .json below the section: the mirror folder listed, or the repository's file tree."""
    if mirror is not None:
        folder = mirror_path(disc.section_url, mirror)
        found = []
        for root, _, names in os.walk(folder):
            rel = Path(root).relative_to(folder).as_posix()
            found += [(f"{rel}/{n}" if rel != "." else n) for n in names if n.endswith(".json")]
        return sorted(disc.section_url + r for r in found)
    tree = parse_json(fetch(disc.listing, None), disc.listing)
    prefix = disc.listing_root + disc.section
    paths = (
        [t.get("path", "") for t in tree.get("tree", []) if isinstance(t, dict)]
        if isinstance(tree, dict)
        else []
    )
    return sorted(
        disc.section_url + p[len(prefix) :]
        for p in paths
        if isinstance(p, str) and p.startswith(prefix) and p.endswith(".json")
    )


@dataclass(frozen=True)
class SpecFacts:
    """What sync needs from a spec: whether it defines the chat endpoint, and the model ids it accepts."""

    url: str
    has_endpoint: bool
    model_enum: tuple[str, ...]
    problem: str = ""


def spec_facts(url: str, disc: Discovery, mirror: Path | None, endpoints=None) -> SpecFacts:
    """The facts of one spec for the chat endpoints (or `endpoints`); one that cannot be read says why."""
    try:
        doc = parse_json(fetch(url, mirror), url)
    except ChatconformError as err:
        return SpecFacts(url, False, (), problem=str(err))
    paths = doc.get("paths") if isinstance(doc, dict) else None
    ops = [paths.get(e) for e in endpoints or disc.endpoints] if isinstance(paths, dict) else []
    posts = [op["post"] for op in ops if isinstance(op, dict) and isinstance(op.get("post"), dict)]
    return SpecFacts(url, bool(posts), _enum(posts[0]) if posts else ())


def _enum(post) -> tuple[str, ...]:
    """The request body's `model` enum (empty when the spec gives none)."""
    try:
        schema = post["requestBody"]["content"]["application/json"]["schema"]
        enum = schema["properties"]["model"]["enum"]
    except (KeyError, TypeError):
        return ()
    return tuple(m for m in enum if isinstance(m, str)) if isinstance(enum, list) else ()


def vendor_and_name(url: str, disc: Discovery) -> tuple[str, str]:
    """(vendor folder, file name without extension) of a URL below the section."""
    rel = PurePosixPath(url[len(disc.section_url) :])
    return (rel.parts[0] if len(rel.parts) > 1 else ""), rel.stem


def dumps(value) -> str:
    """JSON for a listing file: sorted, indented, one trailing newline."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
