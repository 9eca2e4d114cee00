"""Provider data checked against its JSON Schema, and for written keys; every problem is one line.

The line names the file, the key path (`providers.mine.deviations[0].reason`) and, for a misspelt key, the
closest valid one. Values are never echoed except enum choices, so a key pasted by mistake is not printed.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from importlib import resources
from urllib.parse import parse_qsl, urlsplit

from jsonschema import Draft202012Validator

from chatconform.inputs import InputError

# Names that would hold a key's value: the file may only name a variable (key_env).
_SECRET_KEYS = {"api_key", "apikey", "key", "token", "secret", "password", "authorization", "bearer",
                "access_token", "client_secret", "api-key", "x-api-key"}
_PREFIXED = re.compile(r"\b(?:sk|pk|rk|ak)[-_](?:[A-Za-z0-9]+[-_])?[A-Za-z0-9]{16,}")
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=\-]{8,}")
_LONG_RUN = re.compile(r"[A-Za-z0-9]{32,}")  # an unbroken run as long as a key (AIML: 32 hex), longer than ids


@lru_cache(maxsize=1)
def schema() -> dict:
    """The provider-data JSON Schema shipped with the package."""
    return json.loads(resources.files("chatconform.providers").joinpath("schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def key_path(parts) -> str:
    """`providers.mine.deviations[0].reason` from a jsonschema path."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part)
            out += ("." if out else "") + name
    return out or "(top level)"


def validate(data: dict, where: str) -> None:
    """Raise one InputError for the first schema violation (in document order), else return."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = min(errors, key=lambda e: len(e.absolute_path))  # the outermost: a typo before its fallout
        raise InputError(f"{where}: {describe(error)}")


def describe(error) -> str:
    """One line for one jsonschema error: path, what is wrong, and the fix when one is evident."""
    path = list(error.absolute_path)
    kind, expected = error.validator, error.validator_value
    if kind == "additionalProperties":
        known = sorted((error.schema.get("properties") or {}))
        extra = [k for k in error.instance if k not in known]
        return _unknown_key(path, extra[0], known)
    if kind == "type":
        names = expected if isinstance(expected, list) else [expected]
        return f"{key_path(path)}: must be {' or '.join(_TYPES.get(n, n) for n in names)}, not {_kind(error.instance)}"
    if kind == "enum":
        shown = error.instance if isinstance(error.instance, str) and len(error.instance) < 40 else "this value"
        return f"{key_path(path)}: {shown!r} is not one of {', '.join(map(str, expected))}"
    if kind == "required":
        missing = next((k for k in expected if k not in error.instance), expected[0])
        return f"{key_path(path)}: missing {missing!r}"
    if kind == "pattern" or "x-message" in error.schema:
        where = key_path(path)
        if "propertyNames" in error.schema_path:  # the error is about a table's key, not a value
            where += f" {error.instance!r}"
        return f"{where}: {error.schema.get('x-message') or 'does not match ' + str(expected)}"
    if kind in ("minimum", "minItems", "minLength"):
        return f"{key_path(path)}: {_MINIMA[kind]} {expected}"
    return f"{key_path(path)}: {error.message[:120]}"


_TYPES = {"object": "a table", "array": "a list", "string": "a string", "integer": "an integer",
          "number": "a number", "boolean": "true or false"}
_MINIMA = {"minimum": "must be at least", "minItems": "needs at least this many items:",
           "minLength": "must not be shorter than"}


def _kind(value) -> str:
    """The TOML name of a value's type."""
    for kind, name in ((bool, "true/false"), (dict, "a table"), (list, "a list"), (str, "a string"),
                       (int, "an integer"), (float, "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _unknown_key(path, key: str, known) -> str:
    """'unknown key' with the closest valid one, or the list of valid ones."""
    where = key_path([*path, key])
    if str(key).lower() in _SECRET_KEYS:
        return f"{where}: a key is never written here; name its environment variable with key_env = \"...\""
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(known)}"
    return f"{where}: unknown key; {hint}"


def refuse_written_keys(data, where: str, path=()) -> None:
    """Refuse a value that looks like a key or a URL carrying credentials (never echoed back)."""
    if isinstance(data, dict):
        for name, value in data.items():
            refuse_written_keys(name, where, path)
            refuse_written_keys(value, where, (*path, name))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            refuse_written_keys(value, where, (*path, index))
    elif isinstance(data, str) and _looks_like_key(data):
        raise InputError(f"{where}: {key_path(path)}: this looks like an API key; keys are never written in "
                         "the file: put it in an environment variable and name it with key_env")


def _looks_like_key(text: str) -> bool:
    """A credential-shaped string: prefixed key, bearer token, long random run, or a URL with credentials."""
    if re.match(r"(?i)https?://", text):
        parts = urlsplit(text)
        secret_query = any(k.lower() in _SECRET_KEYS for k, _ in parse_qsl(parts.query, keep_blank_values=True))
        return bool(parts.password) or secret_query
    if _PREFIXED.search(text) or _BEARER.search(text):
        return True
    return any(re.search(r"\d", run) and re.search(r"[A-Za-z]", run) for run in _LONG_RUN.findall(text))
