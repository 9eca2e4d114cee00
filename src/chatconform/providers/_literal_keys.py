"""The project file names key variables, never keys: a key-looking value anywhere in it is refused.

Checked twice: as written, and once `${VAR}` is expanded (a variable may carry a key into a URL). A URL is
checked part by part (user-info, host, path segments, query names and values, fragment), plain text as a
whole. The value itself is never echoed, so a key pasted by mistake is not printed in a CI log.
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from chatconform.model.inputs import InputError
from chatconform.providers._validate import SECRET_KEYS, key_path

_PREFIXED = re.compile(r"\b(?:sk|pk|rk|ak)[-_](?:[A-Za-z0-9]+[-_])?[A-Za-z0-9]{16,}")
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{8,}")
_UUID = re.compile(r"(?i)(?<![0-9a-f])[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}(?![0-9a-f])")
# an unbroken run of letters and digits as long as a short key (31 seen); ids a provider returns are shorter
# (OpenAI's chatcmpl-: 29), model ids, hosts and words break sooner
_LONG_RUN = re.compile(r"[A-Za-z0-9]{30,}")
# in a URL's path, a git commit or a sha256 is a content digest (an evidence link), not a key
_DIGEST = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_SCHEME = re.compile(r"(?i)[a-z][a-z0-9+.-]*://")
MIN_KEY_VALUE = 8  # a key variable's value shorter than this is no key, and would match ordinary words


def refuse_written_keys(data, where: str, secrets=(), expanded: bool = False) -> None:
    """Refuse a value that looks like a key, holds a key variable's value, or is a URL carrying one."""
    stack: list[tuple[tuple[object, ...], object]] = [((), data)]  # (path of keys and indices, value)
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            stack += [((*path, k), v) for k, v in item.items()] + [(path, k) for k in item]
        elif isinstance(item, list):
            stack += [((*path, i), v) for i, v in enumerate(item)]
        elif isinstance(item, str):
            part = _key_in(item, secrets)
            if part:
                when = "once ${VAR} is expanded, " if expanded else ""
                raise InputError(
                    f"{where}: {key_path(path)}: {when}this looks like an API key{part}; keys "
                    "are never written in the file: put it in an environment variable and name "
                    "it with key_env"
                )


def env_key_values(*datas: dict) -> list[str]:
    """The values of the key variables the provider data names (key_env): a file holding one holds a key.
    (Only those: any variable named like a key may hold a host or a path a file rightly names too.)"""
    names = {
        p.get("key_env")
        for data in datas
        for p in (data.get("providers") or {}).values()
        if isinstance(p, dict)
    }
    values = (os.environ.get(n, "") for n in sorted(n for n in names if isinstance(n, str) and n))
    return [v for v in values if len(v) >= MIN_KEY_VALUE]


def _key_in(text: str, secrets) -> str:
    """'' when the text holds no key; else where it is (' (in the URL's path)'), or ' ' for plain text."""
    if any(secret in text for secret in secrets):
        return " (the value of a key variable)"
    if _SCHEME.match(text):
        return _key_in_url(text)
    return " " if _plain_key(text) else ""


def _key_in_url(text: str) -> str:
    try:
        parts = urlsplit(text)
        query = parse_qsl(parts.query, keep_blank_values=True)
        host = parts.hostname or ""
    except ValueError:  # not a URL urlsplit can read (a broken IPv6 host): judged as text
        return " " if _plain_key(text) else ""
    if parts.username or parts.password:
        return " (in the URL's user-info)"
    if any(name.lower() in SECRET_KEYS for name, _ in query):
        return " (a key-named query parameter)"
    segments = [s for s in parts.path.split("/") if not _DIGEST.fullmatch(s)]
    for where, pieces in (
        ("host", [host]),
        ("path", segments),
        ("fragment", [parts.fragment]),
        ("query", [p for pair in query for p in pair]),
    ):
        if any(_plain_key(unquote(piece)) for piece in pieces):
            return f" (in the URL's {where})"
    return ""


def _plain_key(text: str) -> bool:
    """A credential-shaped string: a prefixed key, a bearer token, a UUID, a long run of letters, digits."""
    if _PREFIXED.search(text) or _BEARER.search(text) or _UUID.search(text):
        return True
    return any(re.search(r"\d", run) and re.search(r"[A-Za-z]", run) for run in _LONG_RUN.findall(text))
