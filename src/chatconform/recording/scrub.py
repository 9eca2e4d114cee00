"""Secrets out of everything that is written: cassettes, results, history, attachments, summary, gate, logs.

Two nets, used together everywhere:
- by name: credential headers whatever their scheme (Authorization, Proxy-Authorization, cookies, any
  `*-key`/`*-token`/`*-secret`...), query parameters and JSON/SSE fields at any depth named like keys;
- by value: every key variable the run knows (`run_secrets`) and every credential a request carried
  (`request_secrets`), removed as text wherever they occur, so a server's echo of them goes too.
vcrpy's own filters touch only top-level JSON keys of requests and never response bodies, so every
cassette goes through here (before_record_request/response) and so does every report writer.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from chatconform.recording._gate import Gate as _Gate
from chatconform.recording.keys import (  # noqa: F401  (one import for every writer: names, values and scrubbing)
    INTEGRITY_FIELDS,
    MIN_SECRET,
    NAMED_ENV,
    PARAM,
    REDACTED,
    SECRET_NAME_ENDS,
    STANDARD_KEY_ENVS,
    exchange_secrets,
    is_secret_name,
    key_env_names,
    known_secrets,
    pairs,
    parse_json,
    redactable,
    request_secrets,
    run_secrets,
)
from chatconform.recording.split_echoes import redact_split

# a credential header line in free text (an error message, a dump); a prose "Key: ..." line is left alone
_AUTH_ENDS = ("authorization", "cookie", "key", "token", "secret")
_AUTH_SEP, _AUTH_VALUE = r"\s*[:=]\s*", r"[^\r\n\"'<>]"
_AUTH_LINE = re.compile(
    r"(?im)\b((?:proxy-)?authorization|cookie|set-cookie|api-key|x-[\w-]*(?:"
    + "|".join(_AUTH_ENDS[2:])
    + "))"
    f"({_AUTH_SEP})({_AUTH_VALUE}+)"
)
_AUTH_GATE = _Gate(_AUTH_ENDS, _AUTH_SEP + _AUTH_VALUE)
# a credential after its scheme in prose
_SCHEMES, _CREDENTIAL = ("bearer", "basic"), r"[A-Za-z0-9._~+/=\-]"
_SCHEME_TEXT = re.compile(rf"(?i)\b({'|'.join(_SCHEMES)})\s+({_CREDENTIAL}{{8,}})")
_SCHEME_GATE = _Gate(_SCHEMES, rf"\s+{_CREDENTIAL}{{8}}")
# a query parameter (keys.PARAM) is redacted when is_secret_name() takes its name: it ends with one of those
# words right before its '='
_PARAM_GATE = _Gate(SECRET_NAME_ENDS, "=")
# ...or has a %XX escape in it (unquoted, it may spell one of those words); a name is at most 64 characters
_PARAM_ENCODED = re.compile(r"%[0-9a-f]{2}[^=&;#?/\s\"'<>]{0,61}=")
# a JSON field named like a credential, in text (a JSON text inside a message, a dump)
_FIELD_QUOTE, _FIELD_COLON = r'\\{0,3}"', r'\\{0,3}"\s*:\s*\\{0,3}"'
_JSON_FIELD = re.compile(
    rf"(?i)({_FIELD_QUOTE})([\w.-]{{0,48}}(?:{'|'.join(SECRET_NAME_ENDS)}))({_FIELD_COLON})([^\"\\]{{1,2048}})"
)
_JSON_FIELD_GATE = _Gate(SECRET_NAME_ENDS, _FIELD_COLON + r'[^"\\]')
# a JSON text that may hold a field named like a credential, whatever its value (is_clean)
_NAMED_GATE = _Gate(SECRET_NAME_ENDS, r'\\{0,3}"\s*:')


def scrub_text(text: str, secrets=()) -> str:
    """Known secret values, credentials after Bearer/Basic or a credential header, key-named params out of
    text."""
    if not isinstance(text, str) or not text:
        return text
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    low = _folded(text)  # each pattern's gate first: most text passes none of them
    if _AUTH_GATE.passes(low):
        text = _AUTH_LINE.sub(_auth, text)
        low = _folded(text)
    if _SCHEME_GATE.passes(low):
        text = _SCHEME_TEXT.sub(_scheme, text)
        low = _folded(text)
    if "=" in text and (_PARAM_GATE.passes(low) or ("%" in text and _PARAM_ENCODED.search(low))):
        text = PARAM.sub(_params, text)
        low = _folded(text)
    if '"' in text and _JSON_FIELD_GATE.passes(low):
        text = _JSON_FIELD.sub(_json_field, text)
    return text


# IGNORECASE matches an ASCII letter of a pattern to its other case and to four more letters (Python's re
# docs). str.lower() turns every character into one (\w and \s kept) and 'K' (U+212A) into 'k', but not these
# three: 'İ' would become two characters, 'ı' and 'ſ' stay (a test checks every code point)
_IGNORECASE_EXTRA = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"))


def _folded(text: str) -> str:
    """The text lowered, one character for one, with every letter IGNORECASE matches to an ASCII one made
    it."""
    if not text.isascii():
        for letter, plain in _IGNORECASE_EXTRA:
            if letter in text:
                text = text.replace(letter, plain)
    return text.lower()


def _auth(match) -> str:
    return match.group(1) + match.group(2) + REDACTED


def _params(match) -> str:
    return _param(match.group(1), match.group(2), match.group(3))


def _json_field(match) -> str:
    name = match.group(2)
    return (
        match.group(1)
        + name
        + match.group(3)
        + (
            REDACTED
            if is_secret_name(name) and name.lower() not in ("token", *INTEGRITY_FIELDS)
            else match.group(4)
        )
    )


_scrub_text = scrub_text  # the function itself, where a local name `scrub_text` may stand for a memo of it


def _scheme(match) -> str:
    """`Bearer/Basic <credential>` in prose; "Basic authentication" or "Bearer tokens" is no credential."""
    word = match.group(2)
    if match.group(1).lower() == "basic":
        try:
            credential = b":" in base64.b64decode(word, validate=True)
        except (binascii.Error, ValueError):
            credential = False
    else:
        credential = len(word) >= 16 or any(c.isdigit() for c in word)
    return f"{match.group(1)} {REDACTED}" if credential else match.group(0)


def _param(lead: str, name: str, value: str) -> str:
    redact = value and value != REDACTED and is_secret_name(unquote(name))
    return f"{lead}{name}={REDACTED if redact else value}"


def scrub_tree(value, secrets=(), memo: dict | None = None):
    """A copy of any JSON-like value: secret-named fields redacted at any depth, every string scrubbed.

    `memo` (a dict the caller keeps for one `secrets`) remembers each short string's scrubbed text.
    """
    return _scrub_tree(value, secrets, memo)[0]


def _scrub_tree(value, secrets, memo: dict | None = None) -> tuple[object, bool]:
    """(scrubbed copy, whether anything changed); iterative, so a body nested 10^5 deep is no
    RecursionError."""
    scrub_text = _scrub_text if memo is None else partial(_remembered, memo)
    root, changed = [value], False
    stack: list[tuple[Any, object]] = [(root, 0)]  # (a list or dict copied, the index or key to scrub in it)
    while stack:
        holder, key = stack.pop()
        item = holder[key]
        kind = type(item)
        if kind is str:  # the usual leaves first, by exact type: neither is a Mapping, a list or a tuple
            holder[key] = text = scrub_text(item, secrets)
            changed |= text != item
        elif kind in _UNCHANGED:
            continue
        elif isinstance(item, Mapping):
            new = {}
            for k, v in item.items():
                name = scrub_text(k, secrets) if isinstance(k, str) else k
                changed |= name != k
                secret = _secret_name(k)
                if secret and redactable(k, v, item):
                    new[name], changed = REDACTED, True
                    continue
                if secret and isinstance(v, list):
                    v = [REDACTED if isinstance(x, (str, int, float)) and x != "" else x for x in v]
                    changed = True
                new[name] = v
                stack.append((new, name))
            holder[key] = new
        elif isinstance(item, (list, tuple)):
            holder[key] = new_list = list(item)
            stack.extend((new_list, i) for i in range(len(new_list)))
        elif isinstance(item, str):
            holder[key] = scrub_text(item, secrets)
            changed |= holder[key] != item
    return root[0], changed


_UNCHANGED = frozenset((int, float, bool, type(None)))  # leaves scrub_tree leaves as they are
_MAX_MEMO, _MAX_MEMO_TEXT = 4096, 1024  # strings a memo keeps, and the longest it keeps


def _remembered(memo: dict, text: str, secrets) -> str:
    """scrub_text, remembered for short strings (a run prints the same paths, names and messages again)."""
    done = memo.get(text)
    if done is None:
        done = _scrub_text(text, secrets)
        if len(memo) < _MAX_MEMO and len(text) <= _MAX_MEMO_TEXT:
            memo[text] = done
    return done


_NAMES: dict[str, bool] = {}  # is_secret_name of the field names met so far: the same few, in every value
_MAX_NAMES = 4096  # past this many distinct names (a hostile body), each is worked out again, not kept


def _secret_name(name) -> bool:
    """is_secret_name, remembered for string names (a tree holds the same few names over and over)."""
    if type(name) is not str:
        return is_secret_name(name)
    known = _NAMES.get(name)
    if known is None:
        known = is_secret_name(name)
        if len(_NAMES) < _MAX_NAMES:
            _NAMES[name] = known
    return known


def scrub_body(body, secrets=()):
    """A body with secrets removed: JSON structurally, SSE line by line, other text as text, bytes as
    bytes."""
    if not body or not isinstance(body, (str, bytes, bytearray)):
        return body
    if isinstance(body, (bytes, bytearray)):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError:  # binary: remove the values byte for byte, never re-encode it
            data = bytes(body)
            for secret in secrets:
                data = data.replace(secret.encode("utf-8", "replace"), REDACTED.encode())
            return data
        return _scrub_text_body(text, secrets).encode("utf-8")
    return _scrub_text_body(body, secrets)


def _scrub_text_body(text: str, secrets) -> str:
    text = redact_split(text, secrets)  # a key echoed over two events or more: no one line holds it
    if is_clean(text, secrets):
        return text
    parsed = parse_json(text)
    if parsed is not None:
        return _dump_if_changed(parsed, secrets, text)
    if "data:" in text or text.lstrip().startswith((":", "event:")):
        return _scrub_sse(text, secrets)
    return scrub_text(text, secrets)


def is_clean(text: str, secrets) -> bool:
    """True when no secret-looking field name is present and the text net removes nothing (the fast path): a
    JSON text for which this holds comes out of scrub_tree unchanged, parsed or not."""
    if not _plain_clean(text, secrets):
        return False
    # an ASCII letter written as a JSON escape (\u0073k-...) hides a name or a key from the text nets, not
    # from a parser: such a text is clean only when it is clean with those escapes read too
    return "\\u00" not in text or _plain_clean(_ASCII_ESCAPE.sub(_unescaped, text), secrets)


_ASCII_ESCAPE = re.compile(r"\\u00([0-7][0-9a-fA-F])")


def _unescaped(match) -> str:
    return chr(int(match.group(1), 16))


def _plain_clean(text: str, secrets) -> bool:
    low = _folded(text)
    return not _NAMED_GATE.passes(low) and scrub_text(text, secrets) == text


def _dump_if_changed(parsed, secrets, original: str) -> str:
    """Parsed JSON scrubbed, serialised only when something was removed (a clean body stays byte for byte)."""
    clean, changed = _scrub_tree(parsed, secrets)
    if not changed:
        return original
    try:
        return json.dumps(clean, ensure_ascii=False)
    except (ValueError, RecursionError):  # too deep to write back: the text net still removes the values
        return scrub_text(original, secrets)


def _scrub_sse(text: str, secrets) -> str:
    """Each `data:` line of an event stream scrubbed as JSON when it is JSON; comments and the rest as
    text."""
    out = []
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        payload = stripped[5:].lstrip(" ") if stripped.startswith("data:") else ""
        parsed = None if is_clean(line, secrets) else parse_json(payload)
        if parsed is not None:
            clean = _dump_if_changed(parsed, secrets, payload)
            line = line if clean == payload else f"data: {clean}{line[len(stripped) :]}"
        else:
            line = scrub_text(line, secrets)
        out.append(line)
    return "".join(out)


def scrub_headers(headers, secrets=()) -> dict:
    """Headers with every credential header redacted and secret values removed from the rest."""
    if not isinstance(headers, (Mapping, list, tuple)):
        return {} if headers is None else scrub_tree(headers, secrets)
    out: dict = {}
    for name, value in pairs(headers):
        if is_secret_name(name):
            out[name] = [REDACTED for _ in value] if isinstance(value, (list, tuple)) else REDACTED
        elif isinstance(value, (list, tuple)):
            out[name] = [scrub_text(str(v), secrets) for v in value]
        else:
            out[name] = scrub_text(str(value), secrets)
    return out


def scrub_url(url: str, secrets=()) -> str:
    """A URL with key-named query parameters and any userinfo redacted, and secret values removed."""
    text = str(url or "")
    try:
        parts = urlsplit(text)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
        query = PARAM.sub(lambda m: _param(m.group(1), m.group(2), m.group(3)), parts.query)
        text = urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:  # not a URL we can split: scrub it as text
        pass
    return scrub_text(text, secrets)


def find_leaks(text: str, canaries) -> list[str]:
    """The canaries (planted secret values) that occur in a text."""
    return [c for c in canaries if c and c in text]


_PAGE_BEARER = re.compile(r"(?i)(\bbearer\s+)([^\s'\"`,)}<>$]+)")


def redact_page_credentials(text: str, secrets=()) -> str:
    """A doc page with the key values given and every printed bearer credential redacted (placeholders like
    <KEY> are left alone)."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)

    def redact(match):
        token = match.group(2)
        real = len(token) >= 20 or (len(token) >= 6 and any(c.isdigit() for c in token))
        return (
            match.group(1) + REDACTED
            if real and not token.startswith(("{", "<", "&", "YOUR"))
            else match.group(0)
        )

    return _PAGE_BEARER.sub(redact, text)
