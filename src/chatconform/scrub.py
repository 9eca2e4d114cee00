"""Secrets out of everything that is written: headers, query strings, JSON bodies at any depth, SSE.

vcrpy's own filters touch only top-level JSON keys of requests and never response bodies, so every
cassette goes through here (before_record_request/response) and so does every report attachment.
Two nets: secret-looking names (anywhere), and the actual key values in use (anywhere, as text).
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "<redacted>"
SECRET_NAMES = {
    "authorization", "proxy-authorization", "x-api-key", "api-key", "apikey", "api_key", "key",
    "x-goog-api-key", "token", "access_token", "refresh_token", "id_token", "secret", "client_secret",
    "password", "cookie", "set-cookie", "x-auth-token", "anthropic-api-key", "openai-api-key",
}
KEY_ENV_VARS = ("AIMLAPI_API_KEY", "MODELSLAB_API_KEY", "OPENAI_API_KEY", "CHATCONFORM_API_KEY")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{8,}")


def is_secret_name(name: str) -> bool:
    """True for a header, query or JSON key whose value is a credential."""
    return str(name).lower() in SECRET_NAMES


def known_secrets(extra=()) -> list[str]:
    """The key values in use (from the usual variables, plus any named), longest first."""
    values = [os.environ.get(name, "") for name in KEY_ENV_VARS] + [v for v in extra if v]
    extra_env = os.environ.get("CHATCONFORM_API_KEY_ENV")
    if extra_env:
        values.append(os.environ.get(extra_env, ""))
    return sorted({v for v in values if len(v) >= 6}, key=len, reverse=True)


def scrub_text(text: str, secrets=()) -> str:
    """Known secret values and bearer tokens out of free text."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


def scrub_json(value, secrets=()):
    """A copy of a JSON value with every secret-named field, at any depth, redacted."""
    if isinstance(value, dict):
        return {k: (REDACTED if is_secret_name(k) and v not in (None, "") else scrub_json(v, secrets))
                for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v, secrets) for v in value]
    if isinstance(value, str):
        return scrub_text(value, secrets)
    return value


def scrub_body(body: bytes | str | None, secrets=()) -> bytes | str | None:
    """A body with secrets removed: JSON structurally, SSE event by event, anything else as text."""
    if body is None or body == b"" or body == "":
        return body
    as_bytes = isinstance(body, bytes)
    text = body.decode("utf-8", "replace") if as_bytes else body
    try:
        text = json.dumps(scrub_json(json.loads(text), secrets), ensure_ascii=False)
    except ValueError:
        text = _scrub_sse(text, secrets) if "data:" in text else scrub_text(text, secrets)
    text = scrub_text(text, secrets)
    return text.encode("utf-8") if as_bytes else text


def _scrub_sse(text: str, secrets) -> str:
    """Each `data:` line of an event stream scrubbed as JSON when it is JSON."""
    out = []
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if stripped.startswith("data:"):
            payload = stripped[5:].lstrip(" ")
            try:
                payload = json.dumps(scrub_json(json.loads(payload), secrets), ensure_ascii=False)
            except ValueError:
                payload = scrub_text(payload, secrets)
            line = f"data: {payload}{line[len(stripped):]}"
        out.append(line)
    return "".join(out)


def scrub_headers(headers: dict, secrets=()) -> dict:
    """Headers with credential headers redacted and secret values removed from the rest."""
    out = {}
    for name, value in (headers or {}).items():
        if is_secret_name(name):
            out[name] = [REDACTED] if isinstance(value, list) else REDACTED
        elif isinstance(value, list):
            out[name] = [scrub_text(str(v), secrets) for v in value]
        else:
            out[name] = scrub_text(str(value), secrets)
    return out


def scrub_url(url: str, secrets=()) -> str:
    """A URL with secret-named query parameters (and secret values anywhere) redacted."""
    parts = urlsplit(url)
    query = [(k, REDACTED if is_secret_name(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    clean = urlunsplit(parts._replace(query=urlencode(query, safe="<>")))
    return scrub_text(clean, secrets)


def find_leaks(text: str, canaries) -> list[str]:
    """The canaries (planted secret values) that occur in a text."""
    return [c for c in canaries if c and c in text]
