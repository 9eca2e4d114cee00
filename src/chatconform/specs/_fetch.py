"""Fetching a published document from its URL or from a local mirror of it."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from chatconform.model.errors import ChatconformError
from chatconform.model.inputs import MAX_FILE_BYTES
from chatconform.model.paths import read_regular


class FetchError(ChatconformError):
    """A document could not be fetched; the message names the URL and why."""


def mirror_path(url: str, mirror: Path) -> Path:
    """The file in a mirror folder that stands for a public URL.

    A mirror whose README.md maps URL prefixes to folders (a table row `| `https://...` | `folder/` |`, as
    shared/upstream's does) is read by that table; otherwise raw.githubusercontent.com/<owner>/<repo>/refs/
    heads/<ref>/<path> maps to <owner>-<repo>/<path> (lower case) and any other URL to <host>/<path>.
    """
    parsed = urlparse(url)
    parts = [p for p in parsed.path.split("/") if p]
    if any(p in (".", "..") or "\0" in p or "\\" in p for p in parts) or not _plain(parsed.netloc):
        # lexical only: a mirror may well be a tree of symlinks, but a URL must not climb out of it
        raise FetchError(f"{url}: its path would leave the mirror folder; refused")
    for prefix, folder in _table(mirror):
        if url.startswith(prefix) and _plain(folder):
            rest = [p for p in url[len(prefix) :].split("?")[0].split("/") if p]
            return mirror / folder / Path(*rest)
    if parsed.netloc == "raw.githubusercontent.com" and len(parts) >= 4:
        owner, repo = parts[0], parts[1]
        rest = parts[5:] if parts[2] == "refs" else parts[3:]
        return mirror / f"{owner}-{repo}".lower() / Path(*rest)
    return mirror / parsed.netloc / Path(*parts)


_ROW = re.compile(r"^\|\s*`(https?://[^`\s]+)`\s*\|\s*`([^`/\s]+)/?`\s*\|", re.MULTILINE)


def _table(mirror: Path) -> list[tuple[str, str]]:
    """(URL prefix, folder) rows of the mirror's README.md, longest prefix first ([] without one)."""
    try:
        return _rows(str(Path(mirror).resolve()))
    except OSError:
        return []


@lru_cache(maxsize=8)
def _rows(mirror: str) -> list[tuple[str, str]]:
    try:
        text = read_regular(Path(mirror) / "README.md", "mirror README").decode("utf-8", "replace")
    except (OSError, ChatconformError):
        return []
    return sorted(_ROW.findall(text), key=lambda row: -len(row[0]))


def fetch(url: str, mirror: Path | None, timeout: float = 30.0, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a document (at most `limit`), from the mirror when one is given, else over HTTPS."""
    if mirror is not None:
        path = mirror_path(url, mirror)
        try:
            data = read_regular(path, "mirrored document")
        except FileNotFoundError as err:
            raise FetchError(f"{url}: not in mirror ({path}: {err.strerror or err})") from None
        except ChatconformError as err:
            raise FetchError(f"{url}: {err}") from None
        return _within(url, data, limit)
    import httpx  # here, not at the top: a replay or an offline pull never loads it (~70 ms of every command)

    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code != 200:
                raise FetchError(f"{url}: HTTP {response.status_code}")
            received = bytearray()
            for block in response.iter_bytes():
                received += _within(url, block, limit - len(received))
    except httpx.HTTPError as err:
        raise FetchError(f"{url}: {type(err).__name__}: {err}") from None
    return bytes(received)


def _within(url: str, data: bytes, limit: int) -> bytes:
    """data, or a FetchError when it is over the size a spec may have (a 100 MB spec is refused)."""
    if len(data) > limit:
        raise FetchError(f"{url}: over the {MAX_FILE_BYTES:,}-byte limit for a document; refused")
    return data


def _plain(netloc: str) -> bool:
    """A host[:port] that is one harmless folder name."""
    return bool(netloc) and netloc not in (".", "..") and not any(c in netloc for c in "/\\\0")
