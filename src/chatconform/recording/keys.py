"""Which values are keys: credential-looking names, the run's key variables, what a request carries.

The scrubber (chatconform.recording.scrub) removes what this module names, by name and by value.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from chatconform.model.exchange import Exchange, view

REDACTED = "<redacted>"
MIN_SECRET = 6  # a shorter value is no real key, and removing it everywhere would garble the reports
STANDARD_KEY_ENVS = (
    "OPENAI_API_KEY",
    "AIMLAPI_API_KEY",
    "MODELSLAB_API_KEY",
    "ANTHROPIC_API_KEY",
    "CHATCONFORM_API_KEY",
    "CHATCONFORM_REFERENCE_KEY",
)
NAMED_ENV = "CHATCONFORM_API_KEY_ENV"  # names (comma-separated) of further key variables, for later commands

_WHOLE = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "set-cookie2",
    "www-authenticate",
    "proxy-authenticate",
}
# the words (regex alternatives) a credential's name may end with, after a separator or alone
_ENDS: tuple[str, ...]  # (of any length: two tuples make it)
_ENDS = (r"api[-_]?key", "apikey", "key", "token", "secret", "password", "passwd", "pwd", "passphrase")
_ENDS += ("signature", "sig", r"credentials?")
_SUFFIX = re.compile(r"(?:^|[-_.])(?:" + "|".join(_ENDS) + ")$")
# What every name is_secret_name() takes ends with, lower-cased and camelCase joined (`apiKey` -> `apikey`):
# one of its suffix words or the last word of one of its whole names. The scrubber's gates are built from it.
SECRET_NAME_ENDS = (*_ENDS, *sorted({name.rsplit("-", 1)[-1] for name in _WHOLE}))
_ENV_NAME = re.compile(r"(?i)(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD)$")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
PARAM = re.compile(r"(^|[?&;,\s])([^=&;#?/\s\"'<>]{1,64})=([^&;#\s\"'<>]*)", re.MULTILINE)


def is_secret_name(name) -> bool:
    """True for a header, query or JSON key whose value is a credential (any case, camelCase too)."""
    text = _CAMEL.sub(r"\1_\2", str(name)).lower().strip()
    return text in _WHOLE or bool(_SUFFIX.search(text))


def key_env_names(extra=()) -> list[str]:
    """Every variable that may hold a key: standard, the run's own (`extra`: its provider data's key_env and
    --api-key-env, passed by the run), named in $CHATCONFORM_API_KEY_ENV, and every key-like name set."""
    names = [*STANDARD_KEY_ENVS, *extra, *(n.strip() for n in os.environ.get(NAMED_ENV, "").split(","))]
    names += [n for n in os.environ if _ENV_NAME.search(n)]
    return list(dict.fromkeys(n for n in names if n))


def run_secrets(extra_env_names=()) -> list[str]:
    """The value of every key variable the run knows (with its encoded forms), longest first."""
    return forms(_env_values(extra_env_names))


def known_secrets(extra=(), key_envs=()) -> list[str]:
    """The run's key values (its own key variables `key_envs` and every key-like one) plus any values given,
    longest first."""
    return forms([*_env_values(key_envs), *extra])


def _env_values(extra_env_names=()) -> list[str]:
    return [os.environ.get(name, "") for name in key_env_names(extra_env_names)]


def forms(values) -> list[str]:
    """Each value as written raw, URL-encoded, JSON-escaped (`\\/`, each character `\\uXXXX`) and inside
    base64; too short ones dropped; longest first (a longer form is removed before a shorter one it holds)."""
    out: set[str] = set()
    for value in values:
        if isinstance(value, str) and len(value) >= MIN_SECRET and value != REDACTED:
            out.update(_forms_of(value))
    return sorted(out, key=lambda s: (-len(s), s))


MIN_BASE64 = 12  # characters of base64 (9 bytes of a key): a shorter run could be any random text's


@lru_cache(maxsize=1024)
def _forms_of(value: str) -> frozenset[str]:
    """One value's forms (remembered: a run asks for the same few keys' forms row after row)."""
    out = set()
    for text in (value, *_base64_cores(value.encode("utf-8"))):
        out.update({text, quote(text, safe=""), json.dumps(text)[1:-1], text.replace("/", "\\/")})
    escaped = "".join(f"\\u{ord(c):04x}" for c in value)  # every character a JSON escape, as some encoders
    return frozenset({*out, escaped, escaped.upper().replace("\\U", "\\u")})  # write them (hex either case)


def _base64_cores(raw: bytes) -> set[str]:
    """The characters that encode `raw` in any base64 text holding it: alone, or after `user:` in HTTP Basic.

    Base64 turns 3 bytes into 4 characters, so the key's characters depend on how many bytes precede it
    (0, 1 or 2 of every 3); each alignment's whole groups hold only key bits, whatever surrounds them.
    """
    cores = set()
    for lead in range(3):
        encoded = base64.b64encode(b"\0" * lead + raw).decode()
        core = encoded[4 if lead else 0 : (lead + len(raw)) // 3 * 4]
        if len(core) >= MIN_BASE64:
            cores.update({core, core.replace("+", "-").replace("/", "_")})  # standard and URL-safe alphabets
    return cores


def request_secrets(headers=None, url: str = "", body=None) -> set[str]:
    """The credentials a request carries (headers of any scheme, query, JSON body at any depth, userinfo)."""
    found: set[str] = set()
    for name, value in pairs(headers):
        if is_secret_name(name):
            for item in value if isinstance(value, (list, tuple)) else [value]:
                found.update(_credential_parts(str(item)))
    try:
        parts = urlsplit(str(url or ""))
        found.update(_query_secrets(parts.query))
        found.update(v for v in (parts.username, parts.password) if v)
    except ValueError:
        pass
    parsed = parse_json(body)
    if parsed is None and isinstance(body, (str, bytes)) and body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        found.update(_query_secrets(text.strip()))
    found.update(v for _, v in _named_scalars(parsed) if isinstance(v, str))
    return {v for v in found if len(v) >= MIN_SECRET and v != REDACTED}


def _query_secrets(query: str) -> set[str]:
    """Values of key-named parameters in a query or form body (split on & and ;), raw and decoded."""
    pairs = [(unquote(k), v) for _, k, v in PARAM.findall(query)]
    return {form for k, v in pairs if is_secret_name(k) for form in (v, unquote(v.replace("+", " ")))}


def _credential_parts(value: str) -> list[str]:
    """A credential header value, its credential after any scheme, a Basic pair decoded, cookie values."""
    parts = [value.strip()]
    scheme, _, rest = value.strip().partition(" ")
    if rest:
        parts.append(rest.strip())
        if scheme.lower() == "basic":
            try:
                pair = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
                parts += [pair, *pair.split(":", 1)]
            except (binascii.Error, ValueError):
                pass
    for cookie in value.split(";"):
        parts.append(cookie.partition("=")[2].strip())
    return parts


def pairs(headers) -> list[tuple]:
    """Headers as (name, value) pairs, whether a mapping or a list of pairs; anything else gives none."""
    if isinstance(headers, Mapping):
        return list(headers.items())
    if isinstance(headers, (list, tuple)):
        return [tuple(p) for p in headers if isinstance(p, (list, tuple)) and len(p) == 2]
    return []


def parse_json(body):
    """The body parsed as JSON, or None (not JSON, not text, or nested past what the parser allows)."""
    if not body or not isinstance(body, (str, bytes, bytearray)):
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _named_scalars(value):
    """(name, value) of every secret-named scalar field at any depth (iteratively: no depth limit)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            for k, v in item.items():
                if redactable(k, v, item):
                    yield k, v
                elif isinstance(v, (Mapping, list)):
                    stack.append(v)
        elif isinstance(item, list):
            stack.extend(item)


# JSON fields named like keys that hold no credential: a `signature` is an integrity value the model wrote
# (Anthropic's thinking blocks and signature deltas), which the API requires back byte for byte next turn
INTEGRITY_FIELDS = frozenset({"signature"})


def redactable(name, value, parent) -> bool:
    """A secret-named field holding a value; a logprob entry's `token` is text the model wrote, not a key."""
    if not is_secret_name(name) or value in (None, "") or isinstance(value, bool):
        return False
    low = str(name).lower()
    if (low == "token" and "logprob" in parent) or low in INTEGRITY_FIELDS:
        return False
    return isinstance(value, (str, int, float))


@view
def exchange_secrets(ex: Exchange, extra_env_names: tuple[str, ...] = ()) -> list[str]:
    """The run's key values plus the credentials this exchange's request carried (what a server may echo);
    a view: results.json, the excerpt and Allure scrub every row of the exchange with the same list."""
    request = ex.request
    carried = request_secrets(request.headers, request.url, request.body) if request is not None else set()
    return forms([*run_secrets(extra_env_names), *carried])
