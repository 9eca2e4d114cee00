"""Fetching a published document from its URL or from a local mirror of it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import httpx

from chatconform.errors import ChatconformError


class FetchError(ChatconformError):
    """A document could not be fetched; the message names the URL and why."""


def mirror_path(url: str, mirror: Path) -> Path:
    """The file in a mirror folder that stands for a public URL.

    raw.githubusercontent.com/<owner>/<repo>/refs/heads/<ref>/<path> maps to <owner>-<repo>/<path>
    (lower case), the layout of shared/upstream; any other URL maps to <host>/<path>.
    """
    parsed = urlparse(url)
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.netloc == "raw.githubusercontent.com" and len(parts) >= 4:
        owner, repo = parts[0], parts[1]
        rest = parts[5:] if parts[2] == "refs" else parts[3:]
        return mirror / f"{owner}-{repo}".lower() / Path(*rest)
    return mirror / parsed.netloc / Path(*parts)


def fetch(url: str, mirror: Path | None, timeout: float = 30.0) -> bytes:
    """The bytes of a document, from the mirror when one is given, else over HTTPS."""
    if mirror is not None:
        path = mirror_path(url, mirror)
        try:
            return path.read_bytes()
        except OSError as err:
            raise FetchError(f"{url}: not in mirror ({path}: {err.strerror or err})") from None
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as err:
        raise FetchError(f"{url}: {type(err).__name__}: {err}") from None
    if response.status_code != 200:
        raise FetchError(f"{url}: HTTP {response.status_code}")
    return response.content
